package org.amtpxe.conductor.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Statement;
import java.util.Map;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * An inspection and a whole deploy through the service on PostgreSQL (gated like
 * PostgresNodeStoreTest).
 */
@EnabledIf(
    value = "org.amtpxe.conductor.internal.store.PostgresNodeStoreTest#configured",
    disabledReason =
        "set AMTPXE_PG_URL (see src/test/pg/start-postgres.sh) to run against PostgreSQL")
class PostgresConductorTest {

  private static String setting(String env, String property) {
    String v = System.getProperty(property);
    return v != null && !v.isBlank() ? v : System.getenv(env);
  }

  @Test
  void inspectionAndDeployWithCallbackOnPostgres() throws Exception {
    String url = setting("AMTPXE_PG_URL", "amtpxe.pg.url");
    String user = setting("AMTPXE_PG_USER", "amtpxe.pg.user");
    String password = setting("AMTPXE_PG_PASSWORD", "amtpxe.pg.password");
    try (Database db = Database.open(url, user, password, 2)) {
      db.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute("DROP TABLE IF EXISTS conductors");
              s.execute("DROP TABLE IF EXISTS node_history");
              s.execute("DROP TABLE IF EXISTS ports");
              s.execute("DROP TABLE IF EXISTS nodes");
              s.execute("DROP TABLE IF EXISTS schema_version");
            }
            return null;
          });
    }
    try (TestConductor c = new TestConductor(url, user, password, Runnable::run)) {
      Node n = c.enroll("pg-node");
      c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);
      c.driver.setInspection(InspectionServiceTest.desktop("chassis: not read"));
      c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.INSPECT);
      Node inspected = c.reload(n);
      assertThat(inspected.provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
      assertThat(inspected.properties()).containsEntry("cpus", 4).containsEntry("local_gb", 255);
      assertThat(c.store.portsOf(n.uuid())).hasSize(2);
      assertThat(c.service.nodes().history(inspected, null, 0, false))
          .anySatisfy(e -> assertThat(e.severity()).isEqualTo("WARNING"));
      c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.PROVIDE);
      c.service
          .nodes()
          .updateNode(
              n.uuid(), cur -> cur.toBuilder().instanceInfo(Map.of("image_source", "x")).build());
      c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
      assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.WAIT_CALLBACK);

      String token = c.lookUpAgentToken(n, "10.1.1.5");
      c.service
          .ramdisk()
          .vendorPassthru(n.uuid(), FakeDriver.CALLBACK, Map.of(), token, "10.1.1.5");

      Node active = c.reload(n);
      assertThat(active.provisionState()).isEqualTo(ProvisionState.ACTIVE);
      assertThat(active.powerState()).isEqualTo(PowerState.POWER_ON);
      assertThat(active.reservation()).isNull();
      assertThat(active.provisionUpdatedAt()).isNotNull();
    }
  }
}
