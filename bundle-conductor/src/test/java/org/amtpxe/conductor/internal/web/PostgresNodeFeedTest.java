package org.amtpxe.conductor.internal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The feed hears PostgreSQL's commits, not its rollbacks (gated on AMTPXE_PG_URL, as the other
 * PostgreSQL tests).
 */
@EnabledIf(
    value = "org.amtpxe.conductor.internal.testing.TestPostgres#configured",
    disabledReason =
        "set AMTPXE_PG_URL (see src/test/pg/start-postgres.sh) to run against PostgreSQL")
class PostgresNodeFeedTest {
  @Test
  void committedChangesReachTheStreamAndRolledBackOnesDoNot() throws Exception {
    String url = TestPostgres.url();
    String user = TestPostgres.user();
    String password = TestPostgres.password();
    TestPostgres.openEmpty(2).close();
    try (TestConductor c = new TestConductor(url, user, password, Runnable::run);
        NodeFeed feed = new NodeFeed(new Store(c.database, c.clock), TestConductor.HOST)) {
      c.database.changes().listen(feed::changed);
      NodeFeedTest.Collector s = new NodeFeedTest.Collector();
      feed.subscribe(s, "ada", null);
      Node n = c.enroll("pg-node");
      assertThatThrownBy(
              () ->
                  c.database.transaction(
                      h -> {
                        NodeDao.update(
                            h,
                            n,
                            n.toBuilder().maintenance(true).maintenanceReason("never").build(),
                            c.clock.instant());
                        throw new IllegalStateException("rolled back");
                      }))
          .hasMessageContaining("rolled back");
      c.service.nodes().setMaintenance(n.uuid(), true, "fan");
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (s.of("node").stream().noneMatch(e -> e.data().contains("\"fan\""))) {
        assertThat(System.nanoTime() < end).as("the committed change arrives").isTrue();
        Thread.sleep(10);
      }
      assertThat(s.events).noneMatch(e -> e.data().contains("never"));
    }
  }
}
