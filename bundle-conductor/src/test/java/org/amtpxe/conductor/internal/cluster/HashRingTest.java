package org.amtpxe.conductor.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.amtpxe.conductor.internal.cluster.HashRing.Member;
import org.junit.jupiter.api.Test;

class HashRingTest {
  private static final List<String> NODES = nodes(3000);

  private static List<String> nodes(int n) {
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      uuids.add(UUID.nameUUIDFromBytes(("node-" + i).getBytes()).toString());
    }
    return uuids;
  }

  private static Member conductor(String host) {
    return new Member(host, Set.of("pxe_amt"), "");
  }

  private static Map<String, String> owners(HashRing ring) {
    Map<String, String> owners = new HashMap<>();
    for (String uuid : NODES) {
      owners.put(uuid, ring.owner(uuid, "pxe_amt", "").orElseThrow());
    }
    return owners;
  }

  @Test
  void threeConductorsShareNodesWithinFifteenPercentOfEven() {
    HashRing ring =
        HashRing.of(
            List.of(conductor("c1"), conductor("c2"), conductor("c3")),
            HashRing.DEFAULT_PARTITIONS);
    Map<String, Integer> counts = new HashMap<>();
    owners(ring).values().forEach(h -> counts.merge(h, 1, Integer::sum));
    assertThat(counts).containsOnlyKeys("c1", "c2", "c3");
    double even = NODES.size() / 3.0;
    counts.values().forEach(c -> assertThat(Math.abs(c - even) / even).isLessThan(0.15));
  }

  @Test
  void aJoiningConductorTakesAboutItsShareAndOnlyFromTheOthers() {
    HashRing three =
        HashRing.of(
            List.of(conductor("c1"), conductor("c2"), conductor("c3")),
            HashRing.DEFAULT_PARTITIONS);
    HashRing four =
        HashRing.of(
            List.of(conductor("c1"), conductor("c2"), conductor("c3"), conductor("c4")),
            HashRing.DEFAULT_PARTITIONS);
    Map<String, String> before = owners(three);
    Map<String, String> after = owners(four);
    int moved = 0;
    for (String uuid : NODES) {
      if (!before.get(uuid).equals(after.get(uuid))) {
        moved++;
        // Every node that moves goes to the newcomer: none moves between the old members.
        assertThat(after.get(uuid)).isEqualTo("c4");
      }
    }
    assertThat((double) moved / NODES.size()).isLessThanOrEqualTo(1.2 / 4);
    assertThat(moved).isPositive();
  }

  @Test
  void aLeavingConductorsNodesAloneMove() {
    HashRing three =
        HashRing.of(
            List.of(conductor("c1"), conductor("c2"), conductor("c3")),
            HashRing.DEFAULT_PARTITIONS);
    HashRing two =
        HashRing.of(List.of(conductor("c1"), conductor("c3")), HashRing.DEFAULT_PARTITIONS);
    Map<String, String> before = owners(three);
    Map<String, String> after = owners(two);
    for (String uuid : NODES) {
      if (!before.get(uuid).equals("c2")) {
        assertThat(after.get(uuid)).isEqualTo(before.get(uuid));
      }
    }
  }

  @Test
  void everyConductorBuildsTheSameRingWhateverOrderItReadsTheMembersIn() {
    List<Member> members = List.of(conductor("a"), conductor("b"), conductor("c"));
    List<Member> reversed = new ArrayList<>(members);
    java.util.Collections.reverse(reversed);
    assertThat(owners(HashRing.of(members, 64))).isEqualTo(owners(HashRing.of(reversed, 64)));
  }

  @Test
  void nodesGoOnlyToConductorsWithTheirDriverInTheirGroup() {
    HashRing ring =
        HashRing.of(
            List.of(
                new Member("amt-a", Set.of("pxe_amt"), ""),
                new Member("fake", Set.of("fake-hardware"), ""),
                new Member("site-b", Set.of("pxe_amt"), "site-b")),
            32);
    for (String uuid : NODES.subList(0, 200)) {
      assertThat(ring.owner(uuid, "pxe_amt", "")).contains("amt-a");
      assertThat(ring.owner(uuid, "pxe_amt", null)).contains("amt-a");
      assertThat(ring.owner(uuid, "pxe_amt", "site-b")).contains("site-b");
      assertThat(ring.owner(uuid, "fake-hardware", "")).contains("fake");
    }
    assertThat(ring.owner(NODES.get(0), "pxe_amt", "site-c")).isEmpty();
    assertThat(ring.owner(NODES.get(0), "ipmi", "")).isEmpty();
    assertThat(HashRing.of(List.of(), 8).owner(NODES.get(0), "pxe_amt", "")).isEmpty();
    assertThat(ring.hosts()).containsExactlyInAnyOrder("amt-a", "fake", "site-b");
  }

  @Test
  void refusesARingWithoutPartitions() {
    assertThatThrownBy(() -> HashRing.of(List.of(conductor("a")), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
