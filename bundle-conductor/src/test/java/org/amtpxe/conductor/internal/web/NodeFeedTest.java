package org.amtpxe.conductor.internal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The feed over a real conductor database: after commit only, coalesced, bounded, capped. */
class NodeFeedTest {
  private TestConductor c;
  private NodeFeed feed;

  /** A subscriber that keeps what it gets, and can refuse (a full queue). */
  static final class Collector implements NodeFeed.Subscriber {
    final List<NodeFeed.Event> events = new CopyOnWriteArrayList<>();
    volatile boolean full;
    volatile String dropped;

    @Override
    public boolean offer(NodeFeed.Event event) {
      if (full) {
        return false;
      }
      events.add(event);
      return true;
    }

    @Override
    public void heartbeat() {}

    @Override
    public void drop(String why) {
      dropped = why;
    }

    List<NodeFeed.Event> of(String type) {
      return events.stream().filter(e -> e.type().equals(type)).toList();
    }
  }

  @BeforeEach
  void start() {
    c = new TestConductor(Runnable::run);
    feed = new NodeFeed(new Store(c.database, c.clock), TestConductor.HOST);
    c.database.changes().listen(feed::changed);
  }

  @AfterEach
  void stop() {
    feed.close();
    c.close();
  }

  private static void await(java.util.function.BooleanSupplier condition) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aRolledBackChangeIsNeverSentAndACommittedOneIsSentOnce() throws Exception {
    Collector s = new Collector();
    feed.subscribe(s, "ada", null);
    Node n = c.enroll("n1");
    await(() -> s.of("node").size() == 1);
    assertThatThrownBy(
            () ->
                c.database.transaction(
                    h -> {
                      NodeDao.update(
                          h, n, n.toBuilder().maintenance(true).build(), c.clock.instant());
                      throw new IllegalStateException("rolled back");
                    }))
        .hasMessageContaining("rolled back");
    c.service.nodes().setMaintenance(n.uuid(), true, "fan");
    await(() -> s.of("node").size() == 2);
    Thread.sleep(3 * NodeFeed.COALESCE.toMillis());
    assertThat(s.of("node")).hasSize(2);
    assertThat(s.of("node").get(1).data()).contains("\"maintenance_reason\":\"fan\"");
    assertThat(s.of("hello")).hasSize(1);
  }

  @Test
  void aPowerChangeFoundByThePowerSyncIsSent() throws Exception {
    Node enrolled = c.enroll("n1");
    Node n =
        c.store
            .updateNode(
                enrolled.toBuilder()
                    .provisionState(org.amtpxe.api.model.ProvisionState.MANAGEABLE)
                    .powerState(org.amtpxe.api.model.PowerState.POWER_OFF)
                    .build())
            .orElseThrow();
    Collector s = new Collector();
    feed.subscribe(s, "ada", null);
    c.driver.setMachinePower(n.uuid(), org.amtpxe.api.model.PowerState.POWER_ON);
    try (var sync =
        new org.amtpxe.conductor.internal.sync.PowerSync(
            c.tasks, c.registry, 2, java.time.Duration.ofSeconds(5))) {
      sync.runOnce();
    }
    await(() -> s.of("node").stream().anyMatch(e -> e.data().contains("\"power on\"")));
  }

  @Test
  void aDeletedNodeIsSentAsADeletion() throws Exception {
    Collector s = new Collector();
    Node n = c.enroll("n1");
    feed.subscribe(s, null, null);
    c.service.nodes().deleteNode(n.uuid());
    await(() -> !s.of("node-deleted").isEmpty());
    assertThat(s.of("node-deleted").get(0).data()).isEqualTo("{\"uuid\":\"" + n.uuid() + "\"}");
  }

  @Test
  void aSubscriberThatCannotKeepUpIsDroppedAndTheOthersGoOn() throws Exception {
    Collector slow = new Collector();
    Collector fine = new Collector();
    feed.subscribe(slow, "ada", null);
    feed.subscribe(fine, "max", null);
    slow.full = true;
    c.enroll("n1");
    await(() -> slow.dropped != null);
    assertThat(slow.dropped).contains("too slow");
    assertThat(feed.streams()).isEqualTo(1);
    c.enroll("n2");
    await(() -> fine.of("node").size() == 2);
  }

  @Test
  void streamsAreCappedPerUserAndReleasedOnUnsubscribe() throws Exception {
    List<Collector> open = new java.util.ArrayList<>();
    for (int i = 0; i < NodeFeed.MAX_PER_USER; i++) {
      Collector s = new Collector();
      feed.subscribe(s, "ada", null);
      open.add(s);
    }
    assertThatThrownBy(() -> feed.subscribe(new Collector(), "ada", null))
        .isInstanceOf(NodeFeed.TooManyStreams.class)
        .hasMessageContaining("ada");
    feed.subscribe(new Collector(), "max", null);
    feed.unsubscribe(open.get(0));
    feed.subscribe(new Collector(), "ada", null);
  }

  @Test
  void aReconnectGetsWhatItMissedOrAResync() throws Exception {
    Collector first = new Collector();
    feed.subscribe(first, "ada", null);
    c.enroll("n1");
    await(() -> first.of("node").size() == 1);
    String seen = first.of("node").get(0).id();
    feed.unsubscribe(first);
    c.enroll("n2");
    c.enroll("n3");
    await(() -> feed.lastId().endsWith("-3"));
    Collector again = new Collector();
    feed.subscribe(again, "ada", seen);
    assertThat(again.events).extracting(NodeFeed.Event::type).containsExactly("node", "node");
    assertThat(again.events.get(1).data()).contains("\"name\":\"n3\"");
    Collector current = new Collector();
    feed.subscribe(current, "ada", feed.lastId());
    assertThat(current.events).isEmpty();
    Collector lost = new Collector();
    feed.subscribe(lost, "ada", "abcdef-99");
    assertThat(lost.events).extracting(NodeFeed.Event::type).containsExactly("resync");
  }
}
