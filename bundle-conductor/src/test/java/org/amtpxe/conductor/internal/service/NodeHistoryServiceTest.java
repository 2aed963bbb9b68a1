package org.amtpxe.conductor.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.store.HistoryDao;
import org.amtpxe.conductor.internal.store.NodeEvent;
import org.amtpxe.conductor.internal.task.RequestUser;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A deploy's steps in the node's history (docs/web-ui.md#deploy-steps): those a driver records
 * through its task, with the task's user, and those the boot servers note through the {@link
 * org.amtpxe.api.history.NodeHistory} service, at the time they give, in the order of time.
 */
class NodeHistoryServiceTest {
  private final TestConductor conductor = new TestConductor(Runnable::run);
  private final NodeHistoryService history = new NodeHistoryService(conductor.tasks);

  @AfterEach
  void close() {
    history.close();
    conductor.close();
  }

  private List<NodeEvent> events(Node node) {
    return conductor.tasks.store().read(h -> HistoryDao.ofNode(h, node.uuid(), null, 0));
  }

  private List<NodeEvent> awaitEvents(Node node, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (events(node).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return events(node);
  }

  @Test
  void aDriverRecordsItsStepsThroughItsTaskWithTheTasksUser() throws Exception {
    Node node = conductor.enroll("desk-1");
    int before = events(node).size();
    Task task;
    try (RequestUser.Scope u = RequestUser.as("ada")) {
      task = conductor.tasks.acquire(node, conductor.driver);
    }
    try (task) {
      task.recordEvent("deploying", "deploy.deploy: PXE armed");
    }
    List<NodeEvent> after = events(node);
    assertThat(after).hasSize(before + 1);
    NodeEvent e = after.get(after.size() - 1);
    assertThat(e.eventType()).isEqualTo("deploying");
    assertThat(e.event()).isEqualTo("deploy.deploy: PXE armed");
    assertThat(e.severity()).isEqualTo("INFO");
    assertThat(e.user()).isEqualTo("ada");
    assertThat(e.conductor()).isEqualTo(TestConductor.HOST);
  }

  @Test
  void theServiceWritesEventsAtTheTimeGivenInTheOrderOfTime() throws Exception {
    Node node = conductor.enroll("desk-2");
    int before = events(node).size();
    Instant t0 = Instant.parse("2026-12-04T10:00:00.123456Z"); // the database keeps microseconds
    history.record(node.uuid(), t0.plusMillis(5), "deploying", "deploy.write_image: second");
    history.record(node.uuid(), t0, "deploying", "deploy.deploy: first");
    List<NodeEvent> after = awaitEvents(node, before + 2);
    assertThat(after.subList(before, after.size()))
        .extracting(NodeEvent::event, NodeEvent::createdAt, NodeEvent::user)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("deploy.deploy: first", t0, null),
            org.assertj.core.groups.Tuple.tuple(
                "deploy.write_image: second", t0.plusMillis(5), null));
  }

  @Test
  void aLongTextIsCutAndAnEventOfADeletedNodeIsDropped() throws Exception {
    Node node = conductor.enroll("desk-3");
    int before = events(node).size();
    history.record(node.uuid(), Instant.now(), "deploying", "x".repeat(5000));
    List<NodeEvent> after = awaitEvents(node, before + 1);
    assertThat(after.get(after.size() - 1).event()).hasSize(1000).endsWith("...");

    history.record("00000000-0000-0000-0000-000000000000", Instant.now(), "deploying", "nobody's");
    history.close(); // writes what is queued, then refuses
    history.record(node.uuid(), Instant.now(), "deploying", "after the close");
    assertThat(events(node)).hasSize(before + 1);
    assertThatThrownBy(() -> history.record(null, Instant.now(), "deploying", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
