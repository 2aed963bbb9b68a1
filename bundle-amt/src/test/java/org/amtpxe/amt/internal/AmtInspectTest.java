package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.FakeTask;
import org.amtpxe.amt.fake.InventoryReplies;
import org.amtpxe.amt.fake.Reply;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.amt.internal.cim.InventoryClass;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.DeviceCommunicationException;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.model.Inspection;
import org.amtpxe.api.model.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AMT Inspect against the fake AMT answering from the reply fixtures of every inventory class. */
class AmtInspectTest {
  private FakeAmt amt;
  private AmtGateway gateway;
  private AmtInspect inspect;
  private InventoryReplies replies;

  @BeforeEach
  void start() throws Exception {
    amt = FakeAmt.start();
    replies = InventoryReplies.full();
    amt.responder(replies);
    gateway = TestSettings.gateway(TestSettings.settings());
    inspect = new AmtInspect(gateway);
  }

  @AfterEach
  void stop() {
    gateway.close();
    amt.close();
  }

  private FakeTask task() {
    return task(amt.driverInfo());
  }

  private FakeTask task(Map<String, Object> driverInfo) {
    return new FakeTask(FakeTask.node(driverInfo), true, null, null);
  }

  private Inspection run() throws Exception {
    return inspect.inspectHardware(task());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Inspection inspection, String key) {
    return (Map<String, Object>) inspection.inventory().get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Inspection inspection, String key) {
    return (List<Map<String, Object>>) inspection.inventory().get(key);
  }

  @Test
  void readsEveryClassIntoIronicsInventoryShape() throws Exception {
    Inspection inspection = run();

    assertThat(section(inspection, "cpu"))
        .containsEntry("count", 1)
        .containsEntry("architecture", "x86_64")
        .containsEntry("model_name", "Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz")
        .containsEntry("frequency", 4800L);
    assertThat(section(inspection, "memory"))
        .containsEntry("physical_mb", 32768L)
        .containsEntry("total", 34359738368L);
    assertThat(list(inspection, "disks"))
        .containsExactly(
            Map.of(
                "name", "MEDIA DEV 0",
                "size", 512110190000L,
                "model", "QS NVMe 512GB",
                "serial", "QSN512-7F3A9C",
                "vendor", "Quartz Storage"));
    assertThat(section(inspection, "system_vendor"))
        .containsEntry("manufacturer", "Quartz Systems")
        .containsEntry("product_name", "QS Mini 7300")
        .containsEntry("serial_number", "QSM7-0042-1187")
        .containsEntry(
            "firmware",
            Map.of(
                "vendor", "Quartz BIOS Works", "version", "M3FKT41A", "build_date", "2023-04-18"));
    assertThat(inspection.inventory())
        .containsEntry("bmc_address", "127.0.0.1")
        .containsEntry("hostname", "ws-0042.lab.example.org")
        .doesNotContainKey("boot");
    Map<String, Object> amtSection = section(inspection, "amt");
    assertThat(amtSection)
        .containsEntry("firmware_version", "16.1.27")
        .containsEntry("platform_guid", "9A3C51E07D2B11EB8C4E00D861F3A7B2")
        .containsKeys("bios", "chassis", "baseboard", "processors", "memory_modules");
    assertThat((Map<String, Object>) amtSection.get("baseboard"))
        .containsEntry("model", "QB-Q470")
        .containsEntry("serial_number", "QBQ470-88231");
    assertThat((List<?>) amtSection.get("memory_modules")).hasSize(2);
    assertThat(replies.problems()).isEmpty();
  }

  @Test
  void keepsWirelessPortsMarkedAndSkipsPortsWithoutAMac() throws Exception {
    Inspection inspection = run();

    assertThat(list(inspection, "interfaces"))
        .extracting(nic -> nic.get("mac_address"), nic -> nic.get("wireless"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("54:b2:03:0a:1b:2c", false),
            org.assertj.core.groups.Tuple.tuple("a4:c3:f0:11:22:33", true));
    assertThat(list(inspection, "interfaces").get(0))
        .containsEntry("ipv4_address", "192.168.40.42")
        .containsEntry("has_carrier", true)
        .containsEntry("dhcp_enabled", true);
    assertThat(inspection.macAddresses())
        .containsExactly(
            MacAddress.parse("54:b2:03:0a:1b:2c"), MacAddress.parse("a4:c3:f0:11:22:33"));
  }

  @Test
  void missingSaysOnlyWhatAmtCannotTellWhenEverythingAnswers() throws Exception {
    assertThat(run().missing())
        .containsExactly(
            "cpu.count: AMT reports no core or thread counts; cpu.count is the number of"
                + " processor packages",
            "boot.current_boot_mode: AMT does not report the host's boot mode");
  }

  @Test
  void followsTheContextOfEachPullUntilEndOfSequence() throws Exception {
    run();

    assertThat(replies.pullsOf(InventoryClass.CIM_PHYSICAL_MEMORY)).isEqualTo(2);
    assertThat(replies.pullsOf(InventoryClass.CIM_CHASSIS)).isEqualTo(1);
    assertThat(replies.problems()).isEmpty();
  }

  @Test
  void anUnsupportedClassIsNamedInMissingAndTheInspectionCompletes() throws Exception {
    replies.fault(InventoryClass.CIM_MEDIA_ACCESS_DEVICE, "destination-unreachable.xml");

    Inspection inspection = run();

    assertThat(inspection.inventory()).doesNotContainKey("disks").containsKeys("cpu", "memory");
    assertThat(inspection.missing())
        .contains(
            "disks: CIM_MediaAccessDevice could not be read (fault DestinationUnreachable: the"
                + " firmware does not support it)");
  }

  @Test
  void missingOptionalPropertiesAreNamedAndNotGuessed() throws Exception {
    replies
        .pulls(InventoryClass.CIM_CHASSIS, "pull-sparse.xml")
        .pulls(InventoryClass.CIM_PROCESSOR, "pull-sparse.xml")
        .pulls(InventoryClass.CIM_PHYSICAL_MEMORY, "pull-sparse.xml");

    Inspection inspection = run();

    // The placeholder serial and the empty model fall back to the baseboard's.
    assertThat(section(inspection, "system_vendor"))
        .containsEntry("product_name", "QB-Q470")
        .containsEntry("serial_number", "QBQ470-88231");
    assertThat(section(inspection, "cpu")).containsEntry("count", 1).doesNotContainKey("frequency");
    assertThat(section(inspection, "memory")).containsEntry("physical_mb", 16384L);
    assertThat(inspection.missing())
        .contains(
            "cpu.frequency: CIM_Processor has neither MaxClockSpeed nor CurrentClockSpeed",
            "memory: the module in BANK 2 has no Capacity; memory counts only the others");
  }

  @Test
  void aFaultOnEveryClassFailsTheInspection() throws Exception {
    for (InventoryClass type : InventoryClass.values()) {
      replies.fault(type, "access-denied.xml");
    }

    assertThatThrownBy(this::run).isInstanceOf(OperationFailedException.class);
  }

  @Test
  void aRefusedLoginFailsOnceAndNothingMoreIsSent() throws Exception {
    amt.password("something else");

    assertThatThrownBy(this::run)
        .isInstanceOf(AuthenticationFailedException.class)
        .hasMessageNotContaining(FakeAmt.PASSWORD);
    assertThat(amt.requests()).isEqualTo(2);
  }

  @Test
  void anUnreachableAmtFailsWithAConnectionError() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Map<String, Object> info = new java.util.HashMap<>(amt.driverInfo());
    info.put("amt_port", port);

    assertThatThrownBy(() -> inspect.inspectHardware(task(info)))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("127.0.0.1")
        .hasMessageNotContaining(FakeAmt.PASSWORD);
  }

  @Test
  void anEnumerationThatNeverEndsIsCutOffAfterTheBoundOfPulls() throws Exception {
    replies.custom(
        InventoryClass.CIM_CHASSIS,
        n ->
            InventoryReplies.pullResponse(
                InventoryClass.CIM_CHASSIS, 1, "CIM_Chassis-ctx-0", false));

    assertThatThrownBy(this::run)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("did not end after 16 Pulls");
    assertThat(replies.pullsOf(InventoryClass.CIM_CHASSIS)).isEqualTo(InventoryClass.MAX_PULLS);
  }

  @Test
  void anEnumerationWithTooManyItemsIsRefused() throws Exception {
    replies.custom(
        InventoryClass.CIM_CHASSIS,
        n -> InventoryReplies.pullResponse(InventoryClass.CIM_CHASSIS, 300, null, true));

    assertThatThrownBy(this::run)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("more than 256 items");
  }

  @Test
  void aHugePullReplyIsCutOffByTheTransportsSizeBound() throws Exception {
    replies.custom(
        InventoryClass.CIM_CHASSIS,
        n -> InventoryReplies.pullResponse(InventoryClass.CIM_CHASSIS, 100_000, null, true));

    assertThatThrownBy(this::run)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("larger than max_reply_bytes");
  }

  @Test
  void aPullReplyWithADoctypeIsRefused() throws Exception {
    replies.custom(
        InventoryClass.CIM_CHASSIS,
        n -> {
          try {
            return Reply.raw(200, Reply.SOAP_TYPE, FakeAmt.resource("/wsman/hostile/doctype.xml"));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });

    assertThatThrownBy(this::run)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("DOCTYPE");
  }

  @Test
  void anInspectionCostsTwoRoundTripsPerClass() throws Exception {
    run();
    amt.resetCounters();

    run();

    // One Enumerate and one Pull per class, and one Pull more for memory in two parts.
    assertThat(amt.requests()).isEqualTo(2 * InventoryClass.values().length + 1);
    assertThat(amt.challenges()).isZero();
    assertThat(amt.maxInFlight()).isEqualTo(1);
  }
}
