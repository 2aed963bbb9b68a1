package org.amtpxe.conductor.internal.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which conductor owns which node: a consistent hash ring per (driver, conductor group) over the
 * online conductors that have the driver and are in the group, after Ironic's hash ring. Every
 * conductor gets {@code partitions} points on a 64-bit circle, placed by hashing its host name with
 * the point's number; a node belongs to the conductor of the first point at or after its UUID's
 * hash. Many points per conductor spread nodes evenly, and a conductor that joins or leaves moves
 * only the nodes between its own points and their predecessors: about 1/N of them.
 *
 * <p>The ring depends only on the members, so every conductor that reads the same members from the
 * database builds the same ring, with no coordination. Immutable.
 */
public final class HashRing {
  /** Points per conductor unless configured: enough for an even spread (see the tests). */
  public static final int DEFAULT_PARTITIONS = 256;

  /**
   * A conductor on the ring.
   *
   * @param host its host name, unique among conductors
   * @param drivers the drivers it has loaded
   * @param group its conductor group ({@code ""} for none)
   */
  public record Member(String host, Set<String> drivers, String group) {
    public Member {
      drivers = Set.copyOf(drivers);
      group = group == null ? "" : group;
    }
  }

  /** The points of one (driver, group) ring, sorted, with the host of each. */
  private record Circle(long[] points, String[] hosts) {
    String owner(long hash) {
      int i = Arrays.binarySearch(points, hash);
      if (i < 0) {
        i = -i - 1;
      }
      return hosts[i == points.length ? 0 : i];
    }
  }

  private record Key(String driver, String group) {}

  private final Map<Key, Circle> circles;
  private final SortedSet<String> hosts;

  private HashRing(Map<Key, Circle> circles, SortedSet<String> hosts) {
    this.circles = circles;
    this.hosts = hosts;
  }

  /**
   * The ring of these members.
   *
   * @param partitions points per conductor, at least 1
   */
  public static HashRing of(Collection<Member> members, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("A hash ring needs at least 1 partition per conductor");
    }
    Map<Key, List<Member>> byKey = new HashMap<>();
    SortedSet<String> hosts = new TreeSet<>();
    for (Member m : members) {
      hosts.add(m.host());
      for (String driver : m.drivers()) {
        byKey.computeIfAbsent(new Key(driver, m.group()), k -> new ArrayList<>()).add(m);
      }
    }
    Map<Key, Circle> circles = new HashMap<>();
    byKey.forEach((key, list) -> circles.put(key, circle(list, partitions)));
    return new HashRing(Map.copyOf(circles), Collections.unmodifiableSortedSet(hosts));
  }

  private static Circle circle(List<Member> members, int partitions) {
    int n = members.size() * partitions;
    long[][] pairs = new long[n][];
    String[] byIndex = new String[members.size()];
    int k = 0;
    for (int m = 0; m < members.size(); m++) {
      byIndex[m] = members.get(m).host();
      for (int p = 0; p < partitions; p++) {
        pairs[k++] = new long[] {hash(byIndex[m] + "#" + p), m};
      }
    }
    // NOTE: equal points (a 64-bit collision) are ordered by host name, so that every conductor
    // still builds the same ring whatever order the database lists the members in.
    Arrays.sort(
        pairs,
        (a, b) ->
            a[0] != b[0]
                ? Long.compare(a[0], b[0])
                : byIndex[(int) a[1]].compareTo(byIndex[(int) b[1]]));
    long[] points = new long[n];
    String[] hosts = new String[n];
    for (int i = 0; i < n; i++) {
      points[i] = pairs[i][0];
      hosts[i] = byIndex[(int) pairs[i][1]];
    }
    return new Circle(points, hosts);
  }

  /**
   * The conductor that owns a node, or empty when no online conductor has its driver in its group.
   */
  public Optional<String> owner(String nodeUuid, String driver, String group) {
    Circle c = circles.get(new Key(driver, group == null ? "" : group));
    return c == null ? Optional.empty() : Optional.of(c.owner(hash(nodeUuid)));
  }

  /** The host names of the ring's members, sorted. */
  public SortedSet<String> hosts() {
    return hosts;
  }

  /** A 64-bit position on the circle: the first 8 bytes of the SHA-256 of the text. */
  static long hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }
}
