package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.FakeTask;
import org.amtpxe.amt.fake.Golden;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.ExclusiveLockRequiredException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.api.model.Node;
import org.dom4j.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AMT Management against the fake AMT: the emulated persistent boot device. */
class AmtManagementTest {
  private static final String PXE = "Intel(r) AMT: Force PXE Boot";
  private static final String CD = "Intel(r) AMT: Force CD/DVD Boot";

  private FakeAmt amt;
  private AmtGateway gateway;
  private AmtManagement management;
  private AmtPower power;

  @BeforeEach
  void start() throws Exception {
    amt = FakeAmt.start();
    use(BootSequence.INTEL);
  }

  private void use(BootSequence sequence) {
    if (gateway != null) {
      gateway.close();
    }
    gateway = TestSettings.gateway(TestSettings.settings(sequence, 3));
    management = new AmtManagement(gateway, Map.of("amt.version", "1.0.0.test"));
    power = new AmtPower(gateway, Map.of("amt.version", "1.0.0.test"));
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

  private static Map<String, Object> recorded(String device, boolean persistent) {
    Map<String, Object> internal = new HashMap<>();
    internal.put("amt_boot_device", device);
    internal.put("amt_boot_persistent", persistent);
    return internal;
  }

  @Test
  void supportsPxeDiskCdromAndBios() {
    assertThat(management.supportedBootDevices(task(true, Map.of())))
        .containsExactlyInAnyOrder(
            BootDevice.PXE, BootDevice.DISK, BootDevice.CDROM, BootDevice.BIOS);
  }

  @Test
  void setOneTimeOnlyRecordsTheWish() throws Exception {
    FakeTask task = task(false, Map.of());

    management.setBootDevice(task, BootDevice.PXE, false);

    assertThat(task.node().driverInternalInfo())
        .containsEntry("amt_boot_device", "pxe")
        .containsEntry("amt_boot_persistent", false)
        .containsEntry("amt_driver_version", "1.0.0.test");
    assertThat(amt.requests()).isZero();
  }

  @Test
  void setPersistentRecordsPersistent() throws Exception {
    FakeTask task = task(false, Map.of());

    management.setBootDevice(task, BootDevice.CDROM, true);

    assertThat(management.getBootDevice(task))
        .isEqualTo(new BootDeviceSetting(BootDevice.CDROM, true));
  }

  @Test
  void setRejectsAMissingDevice() {
    assertThatThrownBy(() -> management.setBootDevice(task(false, Map.of()), null, false))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("not supported by the AMT driver");
  }

  @Test
  void setNeedsTheExclusiveLock() {
    assertThatThrownBy(() -> management.setBootDevice(task(true, Map.of()), BootDevice.PXE, false))
        .isInstanceOf(ExclusiveLockRequiredException.class);
  }

  @Test
  void getOnAFreshNodeIsDiskPersistentWithoutAskingTheAmt() throws Exception {
    assertThat(management.getBootDevice(task(true, Map.of())))
        .isEqualTo(new BootDeviceSetting(BootDevice.DISK, true));
    assertThat(amt.requests()).isZero();
  }

  @Test
  void getOfAnUnknownRecordedDeviceIsInvalid() {
    assertThatThrownBy(() -> management.getBootDevice(task(true, recorded("floppy", true))))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("'floppy'");
  }

  @Test
  void ensureOneTimeSendsIntelsSequenceThenConsumesTheSetting() throws Exception {
    FakeTask task = task(false, recorded("pxe", false));

    management.ensureNextBootDevice(task, BootDevice.PXE);

    List<Document> sent = amt.received();
    assertThat(sent).hasSize(5);
    Golden.assertMatches("/wsman/AMT_BootSettingData/Get.xml", sent.get(0));
    Golden.assertMatches("/wsman/AMT_BootSettingData/Put.xml", sent.get(1));
    Golden.assertMatches("/wsman/CIM_BootConfigSetting/ChangeBootOrder-clear.xml", sent.get(2));
    Golden.assertMatches("/wsman/CIM_BootConfigSetting/ChangeBootOrder.xml", sent.get(3));
    Golden.assertMatches("/wsman/CIM_BootService/SetBootConfigRole.xml", sent.get(4));
    assertThat(amt.model.bootSource).isEqualTo(PXE);
    assertThat(amt.model.role).isEqualTo(1);
    assertThat(amt.model.bootSettings)
        .containsEntry("UseIDER", false)
        .containsEntry("BIOSPause", false);
    assertThat(management.getBootDevice(task))
        .isEqualTo(new BootDeviceSetting(BootDevice.DISK, true));
  }

  @Test
  void ensurePersistentKeepsTheSetting() throws Exception {
    FakeTask task = task(false, recorded("pxe", true));

    management.ensureNextBootDevice(task, BootDevice.PXE);

    assertThat(management.getBootDevice(task))
        .isEqualTo(new BootDeviceSetting(BootDevice.PXE, true));
    assertThat(task.saves()).isZero();
  }

  @Test
  void seedSequenceSendsOnlyTheTwoCalls() throws Exception {
    use(BootSequence.SEED);

    management.ensureNextBootDevice(task(false, recorded("pxe", false)), BootDevice.PXE);

    assertThat(amt.model.calls()).containsExactly("ChangeBootOrder " + PXE, "SetBootConfigRole 1");
    Golden.assertMatches("/wsman/CIM_BootConfigSetting/ChangeBootOrder.xml", amt.received().get(0));
    Golden.assertMatches("/wsman/CIM_BootService/SetBootConfigRole.xml", amt.received().get(1));
  }

  @Test
  void leftoverSourceDefeatsTheSeedSequenceButNotIntels() throws Exception {
    amt.model.bootSource = CD;
    use(BootSequence.SEED);
    management.ensureNextBootDevice(task(false, Map.of()), BootDevice.PXE);
    power.setPowerState(task(false, Map.of()), org.amtpxe.api.model.PowerState.POWER_ON, null);
    power.setPowerState(task(false, Map.of()), org.amtpxe.api.model.PowerState.POWER_OFF, null);

    amt.model.bootSource = CD;
    use(BootSequence.INTEL);
    management.ensureNextBootDevice(task(false, Map.of()), BootDevice.PXE);
    power.setPowerState(task(false, Map.of()), org.amtpxe.api.model.PowerState.POWER_ON, null);

    assertThat(amt.model.boots).containsExactly(CD, PXE);
  }

  @Test
  void cdromIsArmedAsTheCdDvdSource() throws Exception {
    management.ensureNextBootDevice(task(false, Map.of()), BootDevice.CDROM);

    assertThat(amt.model.bootSource).isEqualTo(CD);
  }

  @Test
  void biosArmsBiosSetupWithoutASource() throws Exception {
    FakeTask task = task(false, recorded("bios", false));

    power.setPowerState(task, org.amtpxe.api.model.PowerState.POWER_ON, null);

    assertThat(amt.model.calls())
        .startsWith(
            "Get AMT_BootCapabilities",
            "Get AMT_BootSettingData",
            "Put AMT_BootSettingData",
            "ChangeBootOrder clear",
            "SetBootConfigRole 1");
    assertThat(amt.model.boots).containsExactly("BIOS setup");
  }

  @Test
  void biosOnFirmwareWithoutBiosSetupIsUnsupported() {
    amt.model.biosSetupCapable = false;

    assertThatThrownBy(
            () -> management.ensureNextBootDevice(task(false, Map.of()), BootDevice.BIOS))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("BIOS setup");
  }

  @Test
  void bootCallsFailOnReturnValueTwoAndTheWishIsKept() {
    amt.model.bootReturnValue = 2;
    FakeTask task = task(false, recorded("pxe", false));

    assertThatThrownBy(() -> management.ensureNextBootDevice(task, BootDevice.PXE))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> {
              assertThat(e.operation()).isEqualTo("ChangeBootOrder");
              assertThat(e.returnValue()).isEqualTo(2);
            });
    assertThat(task.node().driverInternalInfo()).containsEntry("amt_boot_device", "pxe");
  }

  @Test
  void bootCallsFailOnNoReply() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    Map<String, Object> info = new HashMap<>(amt.driverInfo());
    info.put("amt_port", closed);
    FakeTask task = new FakeTask(FakeTask.node(info), false, power, management);

    assertThatThrownBy(() -> management.ensureNextBootDevice(task, BootDevice.PXE))
        .isInstanceOf(ConnectionFailedException.class);
  }

  @Test
  void ensureNeedsTheExclusiveLock() {
    assertThatThrownBy(() -> management.ensureNextBootDevice(task(true, Map.of()), BootDevice.PXE))
        .isInstanceOf(ExclusiveLockRequiredException.class);
    assertThat(amt.requests()).isZero();
  }

  @Test
  void sensorsAreNotSupported() {
    assertThatThrownBy(() -> management.sensorsData(task(true, Map.of())))
        .isInstanceOf(UnsupportedDriverOperationException.class);
  }

  @Test
  void validateIsOffline() throws Exception {
    management.validate(task(true, Map.of()));

    assertThat(amt.requests()).isZero();
  }
}
