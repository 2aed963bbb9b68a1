package org.amtpxe.conductor.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.ConductorException.Kind;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.task.Workers;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.ManualExecutor;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node's state is written only for work that was accepted, and nothing that goes wrong in an
 * operation, an Error included, leaves its lock held or its node in a transient state.
 */
class TaskSafetyTest {
  private final ManualExecutor executor = new ManualExecutor();
  private final TestConductor c = new TestConductor(executor);

  /** One worker place in all, so that one pending operation fills the pool. */
  private final Conductor service =
      Conductor.create(
          new org.amtpxe.conductor.internal.store.Store(c.database, c.clock),
          TestConductor.HOST,
          c.registry,
          new Workers(executor, 1));

  @AfterEach
  void close() {
    c.close();
  }

  private Node inState(String name, ProvisionState target) throws Exception {
    Node n = c.enroll(name);
    if (target == ProvisionState.ENROLL) {
      return n;
    }
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);
    executor.runAll();
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.PROVIDE);
    executor.runAll();
    service
        .nodes()
        .updateNode(
            n.uuid(),
            cur -> cur.toBuilder().instanceInfo(Map.of("image_source", "http://i")).build());
    if (target == ProvisionState.WAIT_CALLBACK) {
      service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
      executor.runAll();
    }
    assertThat(c.reload(n).provisionState()).isEqualTo(target);
    return c.reload(n);
  }

  private void fillThePool() throws Exception {
    Node holder = c.enroll("holder-" + UUID.randomUUID());
    service.power().changePowerState(holder.uuid(), PowerState.POWER_ON, null);
    assertThat(service.tasks().workers().inUse()).isEqualTo(1);
  }

  private static Kind kindOf(ThrowingCall call) throws Exception {
    try {
      call.run();
    } catch (ConductorException e) {
      return e.kind();
    }
    throw new AssertionError("no ConductorException");
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void aFullPoolRefusesBeforeAnythingIsWritten() throws Exception {
    Node enrolled = inState("e", ProvisionState.ENROLL);
    Node available = inState("a", ProvisionState.AVAILABLE);
    Node waiting = inState("w", ProvisionState.WAIT_CALLBACK);
    String token = c.lookUpAgentToken(waiting, "10.0.0.7");
    Node enrolledBefore = c.reload(enrolled);
    Node availableBefore = c.reload(available);
    Node waitingBefore = c.reload(waiting);
    fillThePool();

    assertThat(
            kindOf(
                () -> service.power().changePowerState(enrolled.uuid(), PowerState.POWER_ON, null)))
        .isEqualTo(Kind.BUSY);
    assertThat(
            kindOf(
                () ->
                    service
                        .provision()
                        .changeProvisionState(enrolled.uuid(), ProvisionAction.MANAGE)))
        .isEqualTo(Kind.BUSY);
    assertThat(
            kindOf(
                () ->
                    service
                        .provision()
                        .changeProvisionState(available.uuid(), ProvisionAction.ACTIVE)))
        .isEqualTo(Kind.BUSY);
    assertThat(
            kindOf(
                () ->
                    service
                        .ramdisk()
                        .vendorPassthru(
                            waiting.uuid(), FakeDriver.CALLBACK, Map.of(), token, "10.0.0.7")))
        .isEqualTo(Kind.BUSY);

    for (Node before : List.of(enrolledBefore, availableBefore, waitingBefore)) {
      Node after = c.reload(before);
      assertThat(after.provisionState()).isEqualTo(before.provisionState());
      assertThat(after.targetProvisionState()).isEqualTo(before.targetProvisionState());
      assertThat(after.targetPowerState()).isNull();
      assertThat(after.reservation()).isNull();
      assertThat(after.lastError()).isEqualTo(before.lastError());
    }

    executor.runAll();
    assertThat(service.tasks().workers().inUse()).isZero();
    service
        .ramdisk()
        .vendorPassthru(waiting.uuid(), FakeDriver.CALLBACK, Map.of(), token, "10.0.0.7");
    executor.runAll();
    assertThat(c.reload(waiting).provisionState())
        .as("the refused callback can be sent again")
        .isEqualTo(ProvisionState.ACTIVE);
  }

  @Test
  void anExecutorThatRefusesAllTheSameGetsThePreviousStateBack() throws Exception {
    Node n = inState("r", ProvisionState.AVAILABLE);
    executor.setRejecting(true);

    assertThat(kindOf(() -> service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null)))
        .isEqualTo(Kind.BUSY);
    assertThat(
            kindOf(
                () -> service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE)))
        .isEqualTo(Kind.BUSY);

    Node after = c.reload(n);
    assertThat(after.targetPowerState()).isNull();
    assertThat(after.provisionState()).isEqualTo(ProvisionState.AVAILABLE);
    assertThat(after.targetProvisionState()).isNull();
    assertThat(after.reservation()).isNull();
    assertThat(service.tasks().workers().inUse()).isZero();
  }

  @Test
  void anErrorBeforeTheWorkStartsReleasesTheLock() throws Exception {
    Node n = c.enroll("err-sync");
    c.driver.breakOn("power.validate", new NoClassDefFoundError("org/example/Gone"));

    assertThatThrownBy(() -> service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null))
        .isInstanceOf(NoClassDefFoundError.class);

    assertThat(c.reload(n).reservation()).isNull();
    assertThat(c.reload(n).targetPowerState()).isNull();
    assertThat(service.tasks().workers().inUse()).isZero();
  }

  @Test
  void anErrorInAWorkerReleasesTheLockAndRecordsLastError() throws Exception {
    Node n = inState("err-async", ProvisionState.AVAILABLE);
    c.driver.breakOn("deploy.prepare", new OutOfMemoryError("simulated"));

    service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    executor.runAll();

    Node after = c.reload(n);
    assertThat(after.reservation()).isNull();
    assertThat(after.provisionState()).isEqualTo(ProvisionState.DEPLOY_FAILED);
    assertThat(after.lastError()).contains("OutOfMemoryError").contains("simulated");
    assertThat(service.tasks().workers().inUse()).isZero();
  }

  @Test
  void aPortlessLookupIsRefused() throws Exception {
    Node n = inState("noport", ProvisionState.WAIT_CALLBACK);
    assertThat(c.store.portsOf(n.uuid())).isEmpty();
    c.service
        .ports()
        .createPort(
            Port.builder(
                    UUID.randomUUID().toString(),
                    org.amtpxe.api.model.MacAddress.parse("52:54:00:0f:0f:0f"),
                    c.enroll("other").uuid())
                .build());

    assertThatThrownBy(
            () -> service.ramdisk().lookup(List.of("52:54:00:0f:0f:0f"), n.uuid(), "10.0.0.1"))
        .hasMessage(RamdiskService.RAMDISK_REFUSED);
  }
}
