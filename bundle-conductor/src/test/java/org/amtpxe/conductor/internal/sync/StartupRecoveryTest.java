package org.amtpxe.conductor.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupRecoveryTest {
  @TempDir Path dir;

  @Test
  void nodesLeftMidOperationAreMovedToDefinedStatesAfterARestart() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("conductor") + ";DB_CLOSE_ON_EXIT=FALSE";
    String deploying;
    String powering;
    String foreign;
    String stable;
    try (TestConductor before = new TestConductor(url, Runnable::run)) {
      Node d = before.enroll("deploying");
      before.store.updateNode(
          d.toBuilder()
              .provisionState(ProvisionState.DEPLOYING)
              .targetProvisionState(ProvisionState.ACTIVE)
              .build());
      before.store.reserve(d.uuid(), TestConductor.HOST);
      deploying = d.uuid();
      Node p = before.enroll("powering");
      before.store.updateNode(
          p.toBuilder()
              .provisionState(ProvisionState.MANAGEABLE)
              .targetPowerState(PowerState.POWER_ON)
              .build());
      before.store.reserve(p.uuid(), TestConductor.HOST);
      powering = p.uuid();
      Node f = before.enroll("foreign");
      before.store.updateNode(f.toBuilder().provisionState(ProvisionState.CLEANING).build());
      before.store.reserve(f.uuid(), "other-conductor");
      foreign = f.uuid();
      stable = before.enroll("stable").uuid();
      // The "crash": the database is closed without any clean-up.
    }

    try (TestConductor after = new TestConductor(url, Runnable::run)) {
      int changed = new StartupRecovery(after.tasks).recover();

      assertThat(changed).isEqualTo(2);
      Node d = after.store.findNode(deploying).orElseThrow();
      assertThat(d.provisionState()).isEqualTo(ProvisionState.DEPLOY_FAILED);
      assertThat(d.targetProvisionState()).isNull();
      assertThat(d.lastError()).startsWith("conductor restarted while deploying");
      assertThat(d.reservation()).isNull();
      Node p = after.store.findNode(powering).orElseThrow();
      assertThat(p.targetPowerState()).isNull();
      assertThat(p.lastError())
          .contains("conductor restarted while changing power state to power on");
      assertThat(p.reservation()).isNull();
      Node f = after.store.findNode(foreign).orElseThrow();
      assertThat(f.provisionState()).isEqualTo(ProvisionState.CLEANING);
      assertThat(f.reservation()).isEqualTo("other-conductor");
      assertThat(after.store.findNode(stable).orElseThrow().lastError()).isNull();
    }
  }

  @Test
  void aNodeLeftInspectingIsInspectFailedAfterARestart() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("inspecting") + ";DB_CLOSE_ON_EXIT=FALSE";
    String inspecting;
    try (TestConductor before = new TestConductor(url, Runnable::run)) {
      Node n = before.enroll("inspecting");
      before.store.updateNode(
          n.toBuilder()
              .provisionState(ProvisionState.INSPECTING)
              .targetProvisionState(ProvisionState.MANAGEABLE)
              .build());
      before.store.reserve(n.uuid(), TestConductor.HOST);
      inspecting = n.uuid();
    }

    try (TestConductor after = new TestConductor(url, Runnable::run)) {
      assertThat(new StartupRecovery(after.tasks).recover()).isEqualTo(1);

      Node n = after.store.findNode(inspecting).orElseThrow();
      assertThat(n.provisionState()).isEqualTo(ProvisionState.INSPECT_FAILED);
      assertThat(n.targetProvisionState()).isNull();
      assertThat(n.reservation()).isNull();
      assertThat(n.lastError())
          .startsWith("conductor restarted while inspecting")
          .contains("baremetal node inspect " + inspecting);
      assertThat(after.service.nodes().history(n, null, 0, false))
          .anySatisfy(
              e -> {
                assertThat(e.severity()).isEqualTo("ERROR");
                assertThat(e.eventType()).isEqualTo("introspection");
              });
    }
  }
}
