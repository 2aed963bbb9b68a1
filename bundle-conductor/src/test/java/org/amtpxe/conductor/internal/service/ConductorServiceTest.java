package org.amtpxe.conductor.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.ConductorException.Kind;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.ManualExecutor;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConductorServiceTest {
  private final ManualExecutor workers = new ManualExecutor();
  private final TestConductor c = new TestConductor(workers);
  private final Conductor service = c.service;
  private final FakeDriver driver = c.driver;

  @AfterEach
  void close() {
    c.close();
  }

  private static Kind kindOf(ThrowingCall call) {
    try {
      call.run();
    } catch (ConductorException e) {
      return e.kind();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no ConductorException");
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  private Node available(String name) throws Exception {
    Node n = c.enroll(name);
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);
    workers.runAll();
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.PROVIDE);
    workers.runAll();
    service
        .nodes()
        .updateNode(
            n.uuid(),
            cur ->
                cur.toBuilder().instanceInfo(Map.of("image_source", "http://img/x.qcow2")).build());
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.AVAILABLE);
    return c.reload(n);
  }

  private static final String RAMDISK = "10.1.1.5";

  private String agentToken(Node n) throws Exception {
    return c.lookUpAgentToken(n, RAMDISK);
  }

  // ---- nodes ----

  @Test
  void createRejectsADriverThatIsNotLoaded() {
    Node n = Node.builder(UUID.randomUUID().toString(), "pxe_amt").build();

    assertThatThrownBy(() -> service.nodes().createNode(n))
        .isInstanceOf(ConductorException.class)
        .hasMessageContaining("driver pxe_amt is not loaded; install the feature that provides it")
        .extracting(e -> ((ConductorException) e).kind())
        .isEqualTo(Kind.INVALID);
    assertThat(c.store.countNodes()).isZero();
  }

  @Test
  void createRejectsADuplicateNameWithConflict() throws Exception {
    c.enroll("dup");

    assertThatThrownBy(() -> c.enroll("dup"))
        .hasMessage("A node with name dup already exists.")
        .extracting(e -> ((ConductorException) e).kind())
        .isEqualTo(Kind.CONFLICT);
  }

  @Test
  void createRejectsANameShapedLikeAUuidOrWithSpaces() {
    assertThat(kindOf(() -> c.enroll("has space"))).isEqualTo(Kind.INVALID);
    assertThat(kindOf(() -> c.enroll(UUID.randomUUID().toString()))).isEqualTo(Kind.INVALID);
  }

  @Test
  void nodesAreFoundByUuidOrName() throws Exception {
    Node n = c.enroll("byname");

    assertThat(service.nodes().node("byname").uuid()).isEqualTo(n.uuid());
    assertThat(service.nodes().node(n.uuid()).name()).isEqualTo("byname");
    assertThatThrownBy(() -> service.nodes().node("nope"))
        .hasMessage("Node nope could not be found.");
  }

  @Test
  void aNodeWhoseDriverLeftGetsAClearErrorAndWorksWhenItReturns() throws Exception {
    Node n = c.enroll("swap");
    c.unload(driver);

    assertThatThrownBy(() -> service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null))
        .hasMessageContaining("driver fake is not loaded; install the feature that provides it")
        .extracting(e -> ((ConductorException) e).kind())
        .isEqualTo(Kind.INVALID);
    assertThat(c.reload(n).reservation()).isNull();
    assertThat(service.nodes().node(n.uuid()).driver()).isEqualTo("fake");

    c.load(driver);
    service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null);
    workers.runAll();
    assertThat(c.reload(n).powerState()).isEqualTo(PowerState.POWER_ON);
  }

  @Test
  void anUnavailableDriverSaysWhy() throws Exception {
    Node n = c.enroll("unavail");
    driver.setUnavailable("bundle-amt is not installed");

    assertThatThrownBy(() -> service.management().bootDevice(n.uuid()))
        .hasMessageContaining("unavailable: bundle-amt is not installed");
  }

  @Test
  void updateChangesFieldsUnderTheLockAndRejectsAnUnloadedDriver() throws Exception {
    Node n = c.enroll("upd");

    Node updated =
        service
            .nodes()
            .updateNode(n.uuid(), cur -> cur.toBuilder().extra(Map.of("rack", 4)).build());

    assertThat(updated.extra()).containsEntry("rack", 4);
    assertThat(c.reload(n).reservation()).isNull();
    assertThatThrownBy(
            () ->
                service
                    .nodes()
                    .updateNode(n.uuid(), cur -> cur.toBuilder().driver("other").build()))
        .hasMessageContaining("driver other: it is not loaded");
    assertThat(c.reload(n).driver()).isEqualTo("fake");
  }

  @Test
  void deleteIsRefusedForAnActiveNodeAndRemovesPortsOtherwise() throws Exception {
    Node n = available("del");
    service
        .ports()
        .createPort(
            Port.builder(
                    UUID.randomUUID().toString(),
                    org.amtpxe.api.model.MacAddress.parse("52:54:00:aa:bb:cc"),
                    n.uuid())
                .build());
    driver.setSynchronousDeploy(true);
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    workers.runAll();

    assertThatThrownBy(() -> service.nodes().deleteNode(n.uuid()))
        .hasMessageContaining("while it is in provision state \"active\"");

    service.provision().changeProvisionState(n.uuid(), ProvisionAction.DELETED);
    workers.runAll();
    service.nodes().deleteNode(n.uuid());
    assertThat(c.store.findNode(n.uuid())).isEmpty();
    assertThat(c.store.listPorts()).isEmpty();
  }

  // ---- locks ----

  @Test
  void aLockedNodeIsRefusedWithIronicsMessage() throws Exception {
    Node n = c.enroll("locked");
    c.store.reserve(n.uuid(), "other-host");

    assertThatThrownBy(() -> service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null))
        .hasMessage(
            "Node "
                + n.uuid()
                + " is locked by host other-host, please retry after the current operation is"
                + " completed.")
        .extracting(e -> ((ConductorException) e).kind())
        .isEqualTo(Kind.LOCKED);
    assertThat(driver.calls()).isEmpty();
  }

  @Test
  void theLockIsHeldAcrossAsynchronousWorkAndReleasedAfterwards() throws Exception {
    Node n = c.enroll("held");

    service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null);

    assertThat(c.reload(n).reservation()).isEqualTo(TestConductor.HOST);
    assertThat(c.reload(n).targetPowerState()).isEqualTo(PowerState.POWER_ON);
    assertThat(kindOf(() -> service.power().changePowerState(n.uuid(), PowerState.POWER_OFF, null)))
        .isEqualTo(Kind.LOCKED);
    workers.runAll();
    assertThat(c.reload(n).reservation()).isNull();
  }

  @Test
  void aFullWorkerPoolAnswersBusyAndReleasesTheLock() throws Exception {
    Node n = c.enroll("busy");
    workers.setRejecting(true);

    assertThat(kindOf(() -> service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null)))
        .isEqualTo(Kind.BUSY);
    assertThat(c.reload(n).reservation()).isNull();
  }

  // ---- power ----

  @Test
  void powerOnCallsTheDriverAndRecordsTheState() throws Exception {
    Node n = c.enroll("pon");

    service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null);
    workers.runAll();

    Node after = c.reload(n);
    assertThat(after.powerState()).isEqualTo(PowerState.POWER_ON);
    assertThat(after.targetPowerState()).isNull();
    assertThat(after.lastError()).isNull();
    assertThat(driver.calls("power.set")).containsExactly("power.set:" + n.uuid() + ":power on");
  }

  @Test
  void powerChangeSkipsTheDriverWhenAlreadyInTheRequestedState() throws Exception {
    Node n = c.enroll("skip");
    driver.setMachinePower(n.uuid(), PowerState.POWER_ON);

    service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null);
    workers.runAll();

    assertThat(driver.calls("power.set")).isEmpty();
    assertThat(c.reload(n).powerState()).isEqualTo(PowerState.POWER_ON);
  }

  @Test
  void rebootAlwaysCallsTheDriver() throws Exception {
    Node n = c.enroll("reboot");
    driver.setMachinePower(n.uuid(), PowerState.POWER_ON);

    service.power().changePowerState(n.uuid(), PowerState.REBOOT, null);
    workers.runAll();

    assertThat(driver.calls("power.reboot")).hasSize(1);
    assertThat(c.reload(n).powerState()).isEqualTo(PowerState.POWER_ON);
  }

  @Test
  void aFailedPowerChangeRecordsLastErrorAndClearsTheTarget() throws Exception {
    Node n = c.enroll("pfail");
    driver.failOn("power.set", new ConnectionFailedException("AMT at 10.0.0.1 does not answer"));

    service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null);
    workers.runAll();

    Node after = c.reload(n);
    assertThat(after.targetPowerState()).isNull();
    assertThat(after.lastError()).contains("power on").contains("does not answer");
    assertThat(after.reservation()).isNull();
  }

  @Test
  void invalidDriverInfoIsRejectedSynchronously() throws Exception {
    Node n =
        service
            .nodes()
            .createNode(Node.builder(UUID.randomUUID().toString(), "fake").name("noinfo").build());

    assertThatThrownBy(() -> service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null))
        .hasMessageContaining("[fake_address]")
        .extracting(e -> ((ConductorException) e).kind())
        .isEqualTo(Kind.INVALID);
    assertThat(c.reload(n).targetPowerState()).isNull();
    assertThat(c.reload(n).reservation()).isNull();
  }

  @Test
  void softPowerOffIsRefusedWhereTheDriverLacksIt() throws Exception {
    Node n = c.enroll("soft");
    driver.setSoftPowerSupported(false);

    assertThat(
            kindOf(
                () -> service.power().changePowerState(n.uuid(), PowerState.SOFT_POWER_OFF, null)))
        .isEqualTo(Kind.INVALID);

    driver.setSoftPowerSupported(true);
    driver.setMachinePower(n.uuid(), PowerState.POWER_ON);
    service.power().changePowerState(n.uuid(), PowerState.SOFT_POWER_OFF, Duration.ofSeconds(5));
    workers.runAll();
    assertThat(c.reload(n).powerState()).isEqualTo(PowerState.POWER_OFF);
  }

  @Test
  void nmiIsSentOrRefusedClearly() throws Exception {
    Node n = c.enroll("nmi");

    service.management().injectNmi(n.uuid());
    assertThat(driver.calls("power.nmi")).hasSize(1);

    driver.setNmiSupported(false);
    assertThatThrownBy(() -> service.management().injectNmi(n.uuid()))
        .hasMessageContaining("cannot inject an NMI")
        .extracting(e -> ((ConductorException) e).kind())
        .isEqualTo(Kind.INVALID);
  }

  // ---- management ----

  @Test
  void bootDeviceIsSetThroughTheDriverAndPersistedImmediately() throws Exception {
    Node n = c.enroll("boot");

    service.management().setBootDevice(n.uuid(), BootDevice.PXE, false);

    assertThat(c.reload(n).driverInternalInfo()).containsEntry("fake_boot_device", "pxe");
    assertThat(service.management().bootDevice(n.uuid()))
        .isEqualTo(new BootDeviceSetting(BootDevice.PXE, false));
    assertThat(service.management().supportedBootDevices(n.uuid()))
        .containsExactlyInAnyOrder(BootDevice.PXE, BootDevice.DISK);
    assertThat(kindOf(() -> service.management().setBootDevice(n.uuid(), BootDevice.CDROM, true)))
        .isEqualTo(Kind.INVALID);
  }

  @Test
  void validateReportsEachInterface() throws Exception {
    Node n = c.enroll("val");

    Map<String, Validation> result = service.nodes().validate(n.uuid());

    assertThat(result.get("power")).isEqualTo(new Validation(true, null));
    assertThat(result.get("management")).isEqualTo(new Validation(true, null));
    assertThat(result.get("deploy").result()).isFalse();
    assertThat(result.get("deploy").reason()).contains("image_source");
    assertThat(result.get("console").result()).isNull();
  }

  // ---- provisioning ----

  @Test
  void manageVerifiesTheNodeAndReadsItsPower() throws Exception {
    Node n = c.enroll("manage");
    driver.setMachinePower(n.uuid(), PowerState.POWER_ON);

    service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.VERIFYING);
    assertThat(c.reload(n).targetProvisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    workers.runAll();

    Node after = c.reload(n);
    assertThat(after.provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(after.targetProvisionState()).isNull();
    assertThat(after.powerState()).isEqualTo(PowerState.POWER_ON);
    assertThat(driver.calls())
        .containsSubsequence(
            "power.validate:" + n.uuid(),
            "management.validate:" + n.uuid(),
            "power.get:" + n.uuid());
  }

  @Test
  void aFailedVerificationReturnsToEnrollWithLastError() throws Exception {
    Node n = c.enroll("vfail");
    driver.failOn("power.get", new ConnectionFailedException("no answer"));

    service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);
    workers.runAll();

    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.ENROLL);
    assertThat(c.reload(n).lastError()).contains("Failed to verify node").contains("no answer");
  }

  @Test
  void anInvalidTransitionIsRefusedAndChangesNothing() throws Exception {
    Node n = c.enroll("trans");

    assertThatThrownBy(
            () -> service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE))
        .hasMessage(
            "The requested action \"active\" can not be performed on node \""
                + n.uuid()
                + "\" while it is in state \"enroll\".");
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.ENROLL);
    assertThat(c.reload(n).reservation()).isNull();
    assertThat(
            kindOf(
                () -> service.provision().changeProvisionState(n.uuid(), ProvisionAction.INSPECT)))
        .isEqualTo(Kind.INVALID);
  }

  @Test
  void deployWaitsForTheCallbackAndTheCallbackMakesItActive() throws Exception {
    Node n = available("deploy");

    service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.DEPLOYING);
    workers.runAll();
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.WAIT_CALLBACK);
    assertThat(c.reload(n).targetProvisionState()).isEqualTo(ProvisionState.ACTIVE);
    assertThat(c.reload(n).reservation()).as("no lock while waiting").isNull();

    Map<String, Object> body = new HashMap<>(Map.of("address", "192.0.2.66"));
    assertThat(service.ramdisk().isDeployCallback(FakeDriver.CALLBACK)).isTrue();
    service.ramdisk().vendorPassthru(n.uuid(), FakeDriver.CALLBACK, body, agentToken(n), RAMDISK);
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.DEPLOYING);
    workers.runAll();

    Node after = c.reload(n);
    assertThat(after.provisionState()).isEqualTo(ProvisionState.ACTIVE);
    assertThat(after.targetProvisionState()).isNull();
    assertThat(after.reservation()).isNull();
    assertThat(driver.calls())
        .containsSubsequence(
            "power.validate:" + n.uuid(),
            "deploy.validate:" + n.uuid(),
            "deploy.prepare:" + n.uuid(),
            "deploy.deploy:" + n.uuid(),
            "deploy.validateCallback:" + n.uuid() + ":pass_deploy_info",
            "deploy.continue:" + n.uuid() + ":pass_deploy_info");
  }

  @Test
  void aDeployWhoseValidationFailsIsRefusedSynchronously() throws Exception {
    Node n = available("dval");
    service.nodes().updateNode(n.uuid(), cur -> cur.toBuilder().instanceInfo(Map.of()).build());

    assertThatThrownBy(
            () -> service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE))
        .hasMessageContaining("image_source");
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.AVAILABLE);
    assertThat(workers.pending()).isZero();
  }

  @Test
  void aCallbackOutsideWaitCallbackIsRefusedAndChangesNothing() throws Exception {
    Node n = available("cbstate");

    assertThatThrownBy(
            () ->
                service
                    .ramdisk()
                    .vendorPassthru(n.uuid(), FakeDriver.CALLBACK, Map.of(), "x", RAMDISK))
        .hasMessage(RamdiskService.RAMDISK_REFUSED)
        .extracting(e -> ((ConductorException) e).kind())
        .isEqualTo(Kind.NOT_FOUND);
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.AVAILABLE);
    assertThat(driver.calls("deploy.validateCallback")).isEmpty();
  }

  @Test
  void aCallbackWithABadTokenIsRefusedAndChangesNothing() throws Exception {
    Node n = available("cbkey");
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    workers.runAll();
    agentToken(n);
    Node waiting = c.reload(n);

    assertThatThrownBy(
            () ->
                service
                    .ramdisk()
                    .vendorPassthru(n.uuid(), FakeDriver.CALLBACK, Map.of(), "wrong", RAMDISK))
        .hasMessage(RamdiskService.RAMDISK_REFUSED)
        .extracting(e -> ((ConductorException) e).kind())
        .isEqualTo(Kind.NOT_FOUND);
    assertThat(c.reload(n)).isEqualTo(waiting);
    assertThat(workers.pending()).isZero();
  }

  @Test
  void anUnknownVendorMethodIsRefusedOnceTheRamdiskIsAuthenticated() throws Exception {
    Node n = available("vm");
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    workers.runAll();
    String token = agentToken(n);

    assertThatThrownBy(
            () -> service.ramdisk().vendorPassthru(n.uuid(), "reboot_it", Map.of(), null, RAMDISK))
        .hasMessage(RamdiskService.RAMDISK_REFUSED);
    assertThatThrownBy(
            () -> service.ramdisk().vendorPassthru(n.uuid(), "reboot_it", Map.of(), token, RAMDISK))
        .hasMessageContaining("Unsupported vendor passthru method \"reboot_it\"");
    assertThat(service.ramdisk().isDeployCallback("reboot_it")).isFalse();
  }

  @Test
  void aRamdiskErrorFailsTheDeployAndPowersOff() throws Exception {
    Node n = available("cberr");
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    workers.runAll();

    service
        .ramdisk()
        .vendorPassthru(
            n.uuid(),
            FakeDriver.CALLBACK,
            Map.of("error", "disk not found"),
            agentToken(n),
            RAMDISK);
    workers.runAll();

    Node after = c.reload(n);
    assertThat(after.provisionState()).isEqualTo(ProvisionState.DEPLOY_FAILED);
    assertThat(after.lastError()).contains("disk not found");
    assertThat(after.powerState()).isEqualTo(PowerState.POWER_OFF);
    assertThat(driver.machinePower(n.uuid())).isEqualTo(PowerState.POWER_OFF);
    assertThat(driver.calls("deploy.cleanUp")).hasSize(1);
    assertThat(after.reservation()).isNull();
  }

  @Test
  void aDeployStepFailureFailsTheDeploy() throws Exception {
    Node n = available("prepfail");
    driver.failOn("deploy.prepare", new org.amtpxe.api.error.DeployFailureException("no image"));

    service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    workers.runAll();

    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.DEPLOY_FAILED);
    assertThat(c.reload(n).lastError()).contains("no image");
  }

  @Test
  void anErrorInAWorkerLeavesTheNodeInADefinedStateAndUnlocked() throws Exception {
    Node n = available("broken");
    driver.breakOn("deploy.prepare", new OutOfMemoryError("unable to create native thread"));

    service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    workers.runAll();

    Node after = c.reload(n);
    assertThat(after.provisionState()).isEqualTo(ProvisionState.DEPLOY_FAILED);
    assertThat(after.lastError()).contains("Internal error").contains("native thread");
    assertThat(after.reservation()).isNull();
  }

  @Test
  void aCallbackTimeoutFailsTheNodeCleansUpAndPowersOff() throws Exception {
    Node n = available("timeout");
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    workers.runAll();

    assertThat(service.ramdisk().failExpiredCallbacks(Duration.ofMinutes(30))).isZero();
    c.clock.advance(Duration.ofMinutes(31));
    assertThat(service.ramdisk().failExpiredCallbacks(Duration.ZERO)).as("0 disables").isZero();
    assertThat(service.ramdisk().failExpiredCallbacks(Duration.ofMinutes(30))).isEqualTo(1);

    Node after = c.reload(n);
    assertThat(after.provisionState()).isEqualTo(ProvisionState.DEPLOY_FAILED);
    assertThat(after.lastError()).isEqualTo("Timeout reached while waiting for callback");
    assertThat(driver.calls("deploy.cleanUp")).hasSize(1);
    assertThat(driver.machinePower(n.uuid())).isEqualTo(PowerState.POWER_OFF);
    assertThat(after.reservation()).isNull();
  }

  @Test
  void undeployTearsDownCleansAndReturnsToAvailable() throws Exception {
    Node n = available("undeploy");
    driver.setSynchronousDeploy(true);
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    workers.runAll();
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.ACTIVE);

    service.provision().changeProvisionState(n.uuid(), ProvisionAction.DELETED);
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.DELETING);
    workers.runAll();

    Node after = c.reload(n);
    assertThat(after.provisionState()).isEqualTo(ProvisionState.AVAILABLE);
    assertThat(after.instanceInfo()).isEmpty();
    assertThat(driver.calls())
        .containsSubsequence("deploy.cleanUp:" + n.uuid(), "deploy.tearDown:" + n.uuid());
  }

  @Test
  void manageFromAvailableIsImmediate() throws Exception {
    Node n = available("back");

    service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);

    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(c.reload(n).reservation()).isNull();
    assertThat(workers.pending()).isZero();
  }

  // ---- task context ----

  @Test
  void aSharedTaskCannotSaveAndAnExclusiveOneSavesImmediately() throws Exception {
    Node n = c.enroll("task");
    try (var shared = c.tasks.shared(n, driver)) {
      assertThatThrownBy(() -> shared.putDriverInternalInfo(Map.of("a", 1)))
          .isInstanceOf(org.amtpxe.api.error.ExclusiveLockRequiredException.class);
    }
    try (var task = c.tasks.acquire(n, driver)) {
      Map<String, Object> entries = new HashMap<>();
      entries.put("a", 1);
      task.putDriverInternalInfo(entries);
      assertThat(c.reload(n).driverInternalInfo()).containsEntry("a", 1);
      entries.put("a", null);
      task.putInstanceInfo(Map.of("b", "x"));
      task.putDriverInternalInfo(entries);
      assertThat(c.reload(n).driverInternalInfo()).doesNotContainKey("a");
      assertThat(task.node().instanceInfo()).containsEntry("b", "x");
      assertThat(task.ports()).isEmpty();
      assertThat(task.isShared()).isFalse();
    }
    assertThat(c.reload(n).reservation()).isNull();
  }

  // ---- ports ----

  @Test
  void portsRejectBadAndDuplicateMacsAndUnknownNodes() throws Exception {
    Node n = c.enroll("ports");
    Port p =
        service
            .ports()
            .createPort(
                Port.builder(
                        UUID.randomUUID().toString(),
                        org.amtpxe.api.model.MacAddress.parse("52-54-00-AA-BB-01"),
                        n.uuid())
                    .build());
    assertThat(p.address()).hasToString("52:54:00:aa:bb:01");

    assertThatThrownBy(
            () ->
                service
                    .ports()
                    .createPort(
                        Port.builder(
                                UUID.randomUUID().toString(),
                                org.amtpxe.api.model.MacAddress.parse("52:54:00:aa:bb:01"),
                                n.uuid())
                            .build()))
        .hasMessage("A port with MAC address 52:54:00:aa:bb:01 already exists.");
    assertThat(
            kindOf(
                () ->
                    service
                        .ports()
                        .createPort(
                            Port.builder(
                                    UUID.randomUUID().toString(),
                                    org.amtpxe.api.model.MacAddress.parse("52:54:00:aa:bb:02"),
                                    UUID.randomUUID().toString())
                                .build())))
        .isEqualTo(Kind.INVALID);
    assertThat(service.ports().ports(n.uuid(), null)).containsExactly(p);
    assertThat(service.ports().ports(null, "52:54:00:AA:BB:01")).containsExactly(p);
  }

  @Test
  void portChangesNeedTheNodeLock() throws Exception {
    Node n = c.enroll("plock");
    Port p =
        service
            .ports()
            .createPort(
                Port.builder(
                        UUID.randomUUID().toString(),
                        org.amtpxe.api.model.MacAddress.parse("52:54:00:00:00:10"),
                        n.uuid())
                    .build());
    c.store.reserve(n.uuid(), "elsewhere");

    assertThat(kindOf(() -> service.ports().deletePort(p.uuid()))).isEqualTo(Kind.LOCKED);
    c.store.release(n.uuid(), "elsewhere");

    Port updated =
        service
            .ports()
            .updatePort(
                p.uuid(),
                cur ->
                    Port.builder(
                            cur.uuid(),
                            org.amtpxe.api.model.MacAddress.parse("52:54:00:00:00:11"),
                            cur.nodeUuid())
                        .pxeEnabled(false)
                        .extra(Map.of("x", 1))
                        .build());
    assertThat(updated.address()).hasToString("52:54:00:00:00:11");
    service.ports().deletePort(p.uuid());
    assertThat(service.ports().ports(null, null)).isEqualTo(List.of());
  }
}
