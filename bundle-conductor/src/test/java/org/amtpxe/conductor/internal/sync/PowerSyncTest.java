package org.amtpxe.conductor.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PowerSyncTest {
  private final TestConductor c = new TestConductor(Runnable::run);
  private PowerSync sync = new PowerSync(c.tasks, c.registry, 4, Duration.ofSeconds(5));

  @AfterEach
  void close() {
    sync.close();
    c.close();
  }

  private Node managed(String name, PowerState stored) throws Exception {
    Node n = c.enroll(name);
    return c.store
        .updateNode(
            n.toBuilder().provisionState(ProvisionState.MANAGEABLE).powerState(stored).build())
        .orElseThrow();
  }

  @Test
  void recordsOutOfBandChanges() throws Exception {
    Node n = managed("oob", PowerState.POWER_ON);
    c.driver.setMachinePower(n.uuid(), PowerState.POWER_OFF);

    PowerSync.Result r = sync.runOnce();

    assertThat(r.checked()).isEqualTo(1);
    assertThat(r.changed()).isEqualTo(1);
    assertThat(c.reload(n).powerState()).isEqualTo(PowerState.POWER_OFF);
    assertThat(sync.runOnce().changed()).isZero();
  }

  @Test
  void skipsReservedMaintenanceEnrollingAndDeployingNodes() throws Exception {
    Node reserved = managed("reserved", PowerState.POWER_ON);
    c.store.reserve(reserved.uuid(), "other");
    Node maintenance = managed("maint", PowerState.POWER_ON);
    c.store.updateNode(c.reload(maintenance).toBuilder().maintenance(true).build());
    Node waiting = managed("wait", PowerState.POWER_ON);
    c.store.updateNode(
        c.reload(waiting).toBuilder().provisionState(ProvisionState.WAIT_CALLBACK).build());
    c.enroll("enrolled");
    Node unloaded = managed("unloaded", PowerState.POWER_ON);
    c.store.updateNode(c.reload(unloaded).toBuilder().driver("gone").build());

    PowerSync.Result r = sync.runOnce();

    assertThat(r.skipped()).isEqualTo(5);
    assertThat(r.checked()).isZero();
    assertThat(c.driver.calls("power.get")).isEmpty();
    assertThat(c.reload(reserved).powerState()).isEqualTo(PowerState.POWER_ON);
  }

  @Test
  void countsFailuresAndLeavesTheStateAlone() throws Exception {
    Node n = managed("fails", PowerState.POWER_ON);
    c.driver.failOn("power.get", new ConnectionFailedException("unreachable"));

    PowerSync.Result r = sync.runOnce();

    assertThat(r.failed()).isEqualTo(1);
    assertThat(c.reload(n).powerState()).isEqualTo(PowerState.POWER_ON);
  }

  @Test
  void boundsParallelismAndTimesOutSlowNodes() throws Exception {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      nodes.add(managed("slow" + i, PowerState.POWER_OFF));
    }
    c.driver.setPowerDelay(Duration.ofMillis(200));
    sync.close();
    sync = new PowerSync(c.tasks, c.registry, 4, Duration.ofMillis(100));

    PowerSync.Result r = sync.runOnce();

    assertThat(r.failed()).as("every read exceeds the 100 ms timeout").isEqualTo(8);
    // 8 nodes, 4 at a time, each abandoned after 100 ms: about 200 ms, not 8 x 200 ms.
    assertThat(r.took()).isLessThan(Duration.ofMillis(1200));

    c.driver.setPowerDelay(Duration.ofMillis(50));
    sync.close();
    sync = new PowerSync(c.tasks, c.registry, 2, Duration.ofSeconds(2));
    PowerSync.Result bounded = sync.runOnce();
    assertThat(bounded.checked()).isEqualTo(8);
    assertThat(bounded.took())
        .as("8 reads of 50 ms, 2 at a time")
        .isGreaterThan(Duration.ofMillis(190));
  }

  @Test
  void doesNotOverwriteAPowerChangeThatStartedMeanwhile() throws Exception {
    Node n = managed("race", PowerState.POWER_ON);
    c.driver.setMachinePower(n.uuid(), PowerState.POWER_OFF);
    c.store.updateNode(c.reload(n).toBuilder().targetPowerState(PowerState.POWER_ON).build());

    assertThat(sync.runOnce().changed()).isZero();
    assertThat(c.reload(n).powerState()).isEqualTo(PowerState.POWER_ON);
  }

  @Test
  void aNodeWhosePowerCannotBeReadGoesIntoMaintenanceAndComesBackWhenReadable() throws Exception {
    Node n = managed("dead-amt", PowerState.POWER_ON);
    c.driver.failOn("power.get", new ConnectionFailedException("connection refused by 127.0.0.9"));

    assertThat(sync.runOnce().intoMaintenance()).isZero();
    assertThat(sync.runOnce().intoMaintenance()).isZero();
    assertThat(c.reload(n).maintenance()).as("two failures of three").isFalse();
    PowerSync.Result third = sync.runOnce();

    assertThat(third.failed()).isEqualTo(1);
    assertThat(third.intoMaintenance()).isEqualTo(1);
    Node faulted = c.reload(n);
    assertThat(faulted.maintenance()).isTrue();
    assertThat(faulted.maintenanceReason())
        .contains("could not read the power state 3 times in a row")
        .contains("connection refused by 127.0.0.9")
        .contains("baremetal node maintenance unset " + n.uuid());
    assertThat(faulted.lastError()).isEqualTo(faulted.maintenanceReason());
    assertThat(faulted.powerState())
        .as("an unknown state is not recorded")
        .isEqualTo(PowerState.POWER_ON);
    assertThat(c.store.nodesWithFault(PowerSync.POWER_FAILURE)).containsExactly(n.uuid());

    // Still unreadable: read again, left in maintenance, not counted again.
    PowerSync.Result stillDead = sync.runOnce();
    assertThat(stillDead.failed()).isEqualTo(1);
    assertThat(stillDead.intoMaintenance()).isZero();
    assertThat(c.reload(n).maintenance()).isTrue();

    c.driver.clearFailures();
    c.driver.setMachinePower(n.uuid(), PowerState.POWER_OFF);
    PowerSync.Result back = sync.runOnce();

    assertThat(back.recovered()).isEqualTo(1);
    Node recovered = c.reload(n);
    assertThat(recovered.maintenance()).isFalse();
    assertThat(recovered.maintenanceReason()).isNull();
    assertThat(recovered.powerState()).isEqualTo(PowerState.POWER_OFF);
    assertThat(c.store.nodesWithFault(PowerSync.POWER_FAILURE)).isEmpty();
  }

  @Test
  void aSuccessfulReadStartsTheCountAgain() throws Exception {
    Node n = managed("flaky", PowerState.POWER_ON);
    c.driver.setMachinePower(n.uuid(), PowerState.POWER_ON);
    for (int round = 0; round < 3; round++) {
      c.driver.failOn("power.get", new ConnectionFailedException("timed out"));
      sync.runOnce();
      sync.runOnce();
      c.driver.clearFailures();
      assertThat(sync.runOnce().checked()).isEqualTo(1);
    }
    assertThat(c.reload(n).maintenance()).isFalse();
  }

  @Test
  void maxRetriesZeroNeverPutsANodeIntoMaintenance() throws Exception {
    sync.close();
    sync = new PowerSync(c.tasks, c.registry, 4, Duration.ofSeconds(5), 0);
    Node n = managed("never", PowerState.POWER_ON);
    c.driver.failOn("power.get", new ConnectionFailedException("unreachable"));

    for (int i = 0; i < 5; i++) {
      assertThat(sync.runOnce().failed()).isEqualTo(1);
    }
    assertThat(c.reload(n).maintenance()).isFalse();
  }

  @Test
  void anOperatorsMaintenanceIsNeverLiftedAndAnOperatorTakesOverAFaultedNode() throws Exception {
    Node operators = managed("operators", PowerState.POWER_ON);
    c.store.updateNode(
        c.reload(operators).toBuilder().maintenance(true).maintenanceReason("new RAM").build());
    Node faulted = managed("faulted", PowerState.POWER_ON);
    c.driver.failOn("power.get", new ConnectionFailedException("unreachable"));
    for (int i = 0; i < 3; i++) {
      sync.runOnce();
    }
    assertThat(c.reload(faulted).maintenance()).isTrue();
    // The operator re-words the reason: from now on the node is theirs.
    c.store.updateNode(
        c.reload(faulted).toBuilder().maintenanceReason("AMT board replaced, checking").build());
    assertThat(c.store.nodesWithFault(PowerSync.POWER_FAILURE)).isEmpty();
    c.driver.clearFailures();

    PowerSync.Result r = sync.runOnce();

    assertThat(r.checked()).isZero();
    assertThat(r.recovered()).isZero();
    assertThat(c.reload(operators).maintenance()).isTrue();
    assertThat(c.reload(operators).maintenanceReason()).isEqualTo("new RAM");
    assertThat(c.reload(faulted).maintenance()).isTrue();
  }

  @Test
  void aLockedNodeIsNotPutIntoMaintenance() throws Exception {
    Node n = managed("busy", PowerState.POWER_ON);
    c.driver.failOn("power.get", new ConnectionFailedException("unreachable"));
    sync.runOnce();
    sync.runOnce();
    c.store.reserve(n.uuid(), "someone");

    assertThat(c.store.enterFaultMaintenance(n.uuid(), PowerSync.POWER_FAILURE, "x")).isFalse();
    assertThat(sync.runOnce().skipped()).isEqualTo(1);
    assertThat(c.reload(n).maintenance()).isFalse();
  }
}
