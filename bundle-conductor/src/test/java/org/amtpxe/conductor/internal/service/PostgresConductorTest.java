package org.amtpxe.conductor.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * An inspection and a whole deploy through the service on PostgreSQL (gated like
 * PostgresNodeStoreTest).
 */
@EnabledIf(
    value = "org.amtpxe.conductor.internal.testing.TestPostgres#configured",
    disabledReason =
        "set AMTPXE_PG_URL (see src/test/pg/start-postgres.sh) to run against PostgreSQL")
class PostgresConductorTest {

  @Test
  void inspectionAndDeployWithCallbackOnPostgres() throws Exception {
    String url = TestPostgres.url();
    String user = TestPostgres.user();
    String password = TestPostgres.password();
    TestPostgres.openEmpty(2).close();
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
