package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.amt.fake.AmtModel;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.FakeTask;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.ExclusiveLockRequiredException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.MissingParameterValueException;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.error.PowerStateFailureException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** AMT Power against the fake AMT: the seed's behaviours and the improvements. */
class AmtPowerTest {
  private static final String PXE = "Intel(r) AMT: Force PXE Boot";

  private FakeAmt amt;
  private AmtGateway gateway;
  private AmtPower power;
  private AmtManagement management;

  @BeforeEach
  void start() throws Exception {
    amt = FakeAmt.start();
    use(TestSettings.settings());
  }

  private void use(AmtSettings settings) {
    if (gateway != null) {
      gateway.close();
    }
    gateway = TestSettings.gateway(settings);
    power = new AmtPower(gateway, Map.of("amt.version", "1.0.0.test"));
    management = new AmtManagement(gateway, Map.of("amt.version", "1.0.0.test"));
  }

  @AfterEach
  void stop() {
    gateway.close();
    amt.close();
  }

  private FakeTask task(boolean shared, Map<String, Object> internal) {
    Node node = FakeTask.node(amt.driverInfo()).toBuilder().driverInternalInfo(internal).build();
    return new FakeTask(node, shared, power, management);
  }

  private FakeTask task() {
    return task(false, Map.of());
  }

  private static Map<String, Object> recorded(String device, boolean persistent) {
    Map<String, Object> internal = new HashMap<>();
    internal.put("amt_boot_device", device);
    internal.put("amt_boot_persistent", persistent);
    return internal;
  }

  @ParameterizedTest
  @CsvSource({
    "2, POWER_ON",
    "8, POWER_OFF",
    "3, POWER_ON",
    "4, POWER_ON",
    "7, POWER_ON",
    "6, ERROR",
    "12, ERROR"
  })
  void powerStatusMapsTheCimValue(int cim, PowerState expected) throws Exception {
    amt.model.powerState = cim;

    assertThat(power.getPowerState(task(true, Map.of()))).isEqualTo(expected);
  }

  @Test
  void powerOnWithRecordedPxeArmsTheDeviceThenPowersOn() throws Exception {
    FakeTask task = task(false, recorded("pxe", false));

    power.setPowerState(task, PowerState.POWER_ON, null);

    assertThat(amt.model.calls())
        .containsExactly(
            "Get AMT_BootSettingData",
            "Put AMT_BootSettingData",
            "ChangeBootOrder clear",
            "ChangeBootOrder " + PXE,
            "SetBootConfigRole 1",
            "Get CIM_AssociatedPowerManagementService",
            "RequestPowerStateChange 2",
            "Get CIM_AssociatedPowerManagementService");
    assertThat(amt.model.boots).containsExactly(PXE);
    assertThat(task.node().driverInternalInfo())
        .containsEntry("amt_boot_device", "disk")
        .containsEntry("amt_boot_persistent", true)
        .containsEntry("amt_driver_version", "1.0.0.test");
  }

  @Test
  void persistentPxeIsArmedBeforeEveryPowerOn() throws Exception {
    FakeTask task = task(false, recorded("pxe", true));

    power.setPowerState(task, PowerState.POWER_ON, null);
    power.setPowerState(task, PowerState.POWER_OFF, null);
    power.setPowerState(task, PowerState.POWER_ON, null);

    assertThat(amt.model.boots).containsExactly(PXE, PXE);
    assertThat(task.node().driverInternalInfo()).containsEntry("amt_boot_device", "pxe");
  }

  @Test
  void powerOnWithoutRecordedDeviceDoesNotArm() throws Exception {
    power.setPowerState(task(), PowerState.POWER_ON, null);

    assertThat(amt.model.calls()).noneMatch(c -> c.contains("Boot"));
    assertThat(amt.model.boots).containsExactly("default");
  }

  @Test
  void powerOnWithRecordedDiskDoesNotArm() throws Exception {
    power.setPowerState(task(false, recorded("disk", true)), PowerState.POWER_ON, null);

    assertThat(amt.model.calls()).noneMatch(c -> c.contains("Boot"));
  }

  @Test
  void errorIsNotAPowerTarget() {
    assertThatThrownBy(() -> power.setPowerState(task(), PowerState.ERROR, null))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("is not a power target");
    assertThatThrownBy(() -> power.setPowerState(task(), null, null))
        .isInstanceOf(InvalidParameterValueException.class);
    assertThat(amt.requests()).isZero();
  }

  @Test
  void failsAfterExhaustingAttemptsWithExactlyNPlusOneReads() {
    amt.model.powerBehaviour = AmtModel.PowerBehaviour.IGNORE;

    assertThatThrownBy(() -> power.setPowerState(task(), PowerState.POWER_ON, null))
        .isInstanceOf(PowerStateFailureException.class)
        .hasMessageContaining("Failed to set node power state to 'power on'")
        .hasMessageContaining("after 3 requests");

    assertThat(amt.model.count("Get CIM_AssociatedPowerManagementService")).isEqualTo(4);
    assertThat(amt.model.count("RequestPowerStateChange")).isEqualTo(3);
  }

  @Test
  void returnsAtOnceWhenAlreadyInTheTargetState() throws Exception {
    amt.model.powerState = 2;

    power.setPowerState(task(), PowerState.POWER_ON, null);

    assertThat(amt.model.calls()).containsExactly("Get CIM_AssociatedPowerManagementService");
  }

  @Test
  void sleepingHostCountsAsOnAndIsNotPoweredOnAgain() throws Exception {
    amt.model.powerState = 4;

    power.setPowerState(task(), PowerState.POWER_ON, null);

    assertThat(amt.model.count("RequestPowerStateChange")).isZero();
  }

  @Test
  void powersOff() throws Exception {
    amt.model.powerState = 2;

    power.setPowerState(task(), PowerState.POWER_OFF, null);

    assertThat(amt.model.powerState).isEqualTo(8);
    assertThat(amt.model.calls()).contains("RequestPowerStateChange 8");
  }

  @Test
  void failedRequestIsLoggedAndCountedAndTheLoopGoesOn() throws Exception {
    amt.model.powerReturnValues.add(4);

    power.setPowerState(task(), PowerState.POWER_ON, null);

    assertThat(amt.model.count("RequestPowerStateChange")).isEqualTo(2);
    assertThat(amt.model.powerState).isEqualTo(2);
  }

  @Test
  void lastRequestErrorIsTheCauseOfTheFailure() {
    amt.model.powerReturnValues.addAll(List.of(4, 4, 4));

    assertThatThrownBy(() -> power.setPowerState(task(), PowerState.POWER_ON, null))
        .isInstanceOf(PowerStateFailureException.class)
        .hasMessageContaining("ReturnValue 4")
        .hasCauseInstanceOf(OperationFailedException.class);
  }

  @Test
  void timeoutBoundsTheWait() throws Exception {
    // Without the timeout, 20 attempts 200 ms apart would take 4 s.
    use(
        new AmtSettings(
            AmtProtocol.HTTP,
            20,
            Duration.ofMillis(200),
            BootSequence.INTEL,
            TestSettings.transport()));
    amt.model.powerBehaviour = AmtModel.PowerBehaviour.IGNORE;
    power.getPowerState(task());
    long start = System.nanoTime();

    assertThatThrownBy(
            () -> power.setPowerState(task(), PowerState.POWER_ON, Duration.ofMillis(300)))
        .isInstanceOf(PowerStateFailureException.class)
        .hasMessageContaining("within 300 ms");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    assertThat(amt.model.count("RequestPowerStateChange")).isBetween(1L, 3L);
  }

  @Test
  void rebootIsOffThenOnWithTheDeviceArmedWhileOff() throws Exception {
    amt.model.powerState = 2;
    FakeTask task = task(false, recorded("pxe", false));

    power.reboot(task, null);

    List<String> calls = amt.model.calls();
    assertThat(calls.indexOf("RequestPowerStateChange 8"))
        .isLessThan(calls.indexOf("ChangeBootOrder " + PXE));
    assertThat(calls.indexOf("SetBootConfigRole 1"))
        .isLessThan(calls.indexOf("RequestPowerStateChange 2"));
    assertThat(amt.model.boots).containsExactly(PXE);
    assertThat(amt.model.powerState).isEqualTo(2);
  }

  @Test
  void rebootOfANodeThatWasOffPowersItOn() throws Exception {
    power.setPowerState(task(), PowerState.REBOOT, null);

    assertThat(amt.model.powerState).isEqualTo(2);
    assertThat(amt.model.count("RequestPowerStateChange 8")).isZero();
  }

  @Test
  void changesNeedTheExclusiveLock() {
    FakeTask shared = task(true, Map.of());

    assertThatThrownBy(() -> power.setPowerState(shared, PowerState.POWER_ON, null))
        .isInstanceOf(ExclusiveLockRequiredException.class);
    assertThatThrownBy(() -> power.reboot(shared, null))
        .isInstanceOf(ExclusiveLockRequiredException.class);
    assertThatThrownBy(() -> power.injectNmi(shared))
        .isInstanceOf(ExclusiveLockRequiredException.class);
    assertThat(amt.requests()).isZero();
  }

  @Test
  void validateDelegatesToDriverInfoParsingAndStaysOffline() {
    Map<String, Object> info = new HashMap<>(amt.driverInfo());
    info.remove("amt_password");
    FakeTask task = new FakeTask(FakeTask.node(info), true, power, management);

    assertThatThrownBy(() -> power.validate(task))
        .isInstanceOfSatisfying(
            MissingParameterValueException.class,
            e -> assertThat(e.missing()).containsExactly("amt_password"));
    assertThat(amt.requests()).isZero();
  }

  @Test
  void softPowerOffIsSentOnceWhenOffered() throws Exception {
    amt.model.powerState = 2;
    amt.model.osAgent = true;

    power.setPowerState(task(), PowerState.SOFT_POWER_OFF, Duration.ofSeconds(2));

    assertThat(amt.model.calls()).contains("RequestPowerStateChange 12");
    assertThat(amt.model.powerState).isEqualTo(8);
  }

  @Test
  void softPowerOffThatIsNotOfferedIsUnsupported() {
    amt.model.powerState = 2;

    assertThatThrownBy(() -> power.setPowerState(task(), PowerState.SOFT_POWER_OFF, null))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("does not offer soft power off (PowerState 12 (Off - Soft Graceful))")
        .hasMessageContaining("Intel LMS");
    assertThat(amt.model.count("RequestPowerStateChange")).isZero();
  }

  @Test
  void softRebootIsSentWhenOffered() throws Exception {
    amt.model.powerState = 2;
    amt.model.osAgent = true;

    power.setPowerState(task(), PowerState.SOFT_REBOOT, null);

    assertThat(amt.model.calls()).contains("RequestPowerStateChange 14");
  }

  @Test
  void nmiIsSentWhenOfferedAndRefusedWhenOff() throws Exception {
    amt.model.powerState = 2;
    power.injectNmi(task());
    assertThat(amt.model.calls()).contains("RequestPowerStateChange 11");

    amt.model.powerState = 8;
    assertThatThrownBy(() -> power.injectNmi(task()))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("an NMI");
  }

  @Test
  void supportedPowerStatesFollowTheFirmware() throws Exception {
    amt.model.powerState = 2;
    assertThat(power.supportedPowerStates(task(true, Map.of())))
        .containsExactlyInAnyOrder(PowerState.POWER_ON, PowerState.POWER_OFF, PowerState.REBOOT);

    amt.model.osAgent = true;
    assertThat(power.supportedPowerStates(task(true, Map.of())))
        .contains(PowerState.SOFT_POWER_OFF, PowerState.SOFT_REBOOT);
  }

  @Test
  void faultOnGetIsAnOperationFailure() {
    amt.responder(
        (request, id) ->
            AmtModel.fault(
                400,
                "http://schemas.xmlsoap.org/ws/2004/08/addressing",
                "DestinationUnreachable",
                "no",
                null,
                id));

    assertThatThrownBy(() -> power.getPowerState(task(true, Map.of())))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("Node n1");
  }

  @Test
  void noReplyIsAConnectionFailureWithoutThePassword() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    Map<String, Object> info = new HashMap<>(amt.driverInfo());
    info.put("amt_port", closed);
    FakeTask task = new FakeTask(FakeTask.node(info), false, power, management);

    assertThatThrownBy(() -> power.setPowerState(task, PowerState.POWER_ON, null))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("Failed to connect to AMT service")
        .hasMessageNotContaining(FakeAmt.PASSWORD);
  }

  @Test
  void wrongPasswordIsNotRetriedByThePowerLoop() {
    amt.password("changed-Elsewhere");

    assertThatThrownBy(() -> power.setPowerState(task(), PowerState.POWER_ON, null))
        .isInstanceOf(org.amtpxe.api.error.AuthenticationFailedException.class);
    assertThat(amt.requests()).isEqualTo(2);
  }

  @Test
  void propertiesAreTheDriverInfoKeys() {
    assertThat(power.properties()).isEqualTo(AmtDriverInfo.PROPERTIES);
  }
}
