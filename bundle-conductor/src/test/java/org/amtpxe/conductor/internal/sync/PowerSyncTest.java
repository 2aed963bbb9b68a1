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
  private PowerSync sync = new PowerSync(c.store, c.registry, c.locks, 4, Duration.ofSeconds(5));

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
    sync = new PowerSync(c.store, c.registry, c.locks, 4, Duration.ofMillis(100));

    PowerSync.Result r = sync.runOnce();

    assertThat(r.failed()).as("every read exceeds the 100 ms timeout").isEqualTo(8);
    // 8 nodes, 4 at a time, each abandoned after 100 ms: about 200 ms, not 8 x 200 ms.
    assertThat(r.took()).isLessThan(Duration.ofMillis(1200));

    c.driver.setPowerDelay(Duration.ofMillis(50));
    sync.close();
    sync = new PowerSync(c.store, c.registry, c.locks, 2, Duration.ofSeconds(2));
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
}
