package org.amtpxe.conductor.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.model.Inspection;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.ConductorException.Kind;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.store.NodeEvent;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.ManualExecutor;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InspectionServiceTest {
  private static final long GIB = 1L << 30;
  private static final String MAC1 = "52:54:00:00:10:01";
  private static final String MAC2 = "52:54:00:00:10:02";
  private static final String WIFI = "52:54:00:00:10:03";

  private final ManualExecutor workers = new ManualExecutor();
  private final TestConductor c = new TestConductor(workers);
  private final Conductor service = c.service;
  private final FakeDriver driver = c.driver;

  @AfterEach
  void close() {
    c.close();
  }

  static Inspection desktop(String... extraMissing) {
    return new Inspection(
        Map.of(
            "cpu", Map.of("count", 4, "architecture", "x86_64"),
            "memory", Map.of("physical_mb", 8192),
            "disks", List.of(Map.of("name", "sda", "size", 256 * GIB)),
            "interfaces",
                List.of(
                    Map.of("name", "eth0", "mac_address", MAC1),
                    Map.of("name", "eth1", "mac_address", MAC2),
                    Map.of("name", "wlan0", "mac_address", WIFI, "wireless", true)),
            "system_vendor",
                Map.of(
                    "manufacturer", "Lenovo", "product_name", "ThinkCentre", "serial_number", "S1"),
            "boot", Map.of("current_boot_mode", "uefi")),
        List.of(extraMissing));
  }

  private Node manageable(String name) throws Exception {
    Node n = c.enroll(name);
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);
    workers.runAll();
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    return c.reload(n);
  }

  private Node inspect(Node n) throws Exception {
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.INSPECT);
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.INSPECTING);
    assertThat(c.reload(n).targetProvisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    workers.runAll();
    return c.reload(n);
  }

  private List<String> macsOf(Node n) {
    return c.store.portsOf(n.uuid()).stream().map(p -> p.address().toString()).toList();
  }

  private List<NodeEvent> history(Node n) {
    return service.nodes().history(n, null, 0, false);
  }

  private void addPort(Node n, String mac) throws Exception {
    service
        .ports()
        .createPort(
            Port.builder(UUID.randomUUID().toString(), MacAddress.parse(mac), n.uuid())
                .pxeEnabled(false)
                .build());
  }

  @Test
  void inspectSetsThePropertiesPortsAndInventoryAndEndsManageable() throws Exception {
    Node n = manageable("insp");
    service
        .nodes()
        .updateNode(
            n.uuid(),
            cur ->
                cur.toBuilder()
                    .properties(Map.of("cpus", 1, "capabilities", "k1:v1,boot_mode:bios", "x", 1))
                    .build());
    driver.setInspection(desktop("disks: the firmware does not support CIM_MediaAccessDevice"));

    Node done = inspect(n);

    assertThat(done.provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(done.targetProvisionState()).isNull();
    assertThat(done.lastError()).isNull();
    assertThat(done.reservation()).isNull();
    assertThat(done.properties())
        .containsEntry("cpus", 4)
        .containsEntry("cpu_arch", "x86_64")
        .containsEntry("memory_mb", 8192)
        .containsEntry("local_gb", 255)
        .containsEntry("capabilities", "k1:v1,boot_mode:uefi")
        .containsEntry("vendor", "Lenovo")
        .containsEntry("model", "ThinkCentre")
        .containsEntry("serial", "S1")
        .containsEntry("x", 1);
    assertThat(macsOf(done)).containsExactlyInAnyOrder(MAC1, MAC2);
    assertThat(c.store.portsOf(n.uuid())).allSatisfy(p -> assertThat(p.pxeEnabled()).isTrue());
    @SuppressWarnings("unchecked")
    Map<String, Object> record = (Map<String, Object>) done.driverInternalInfo().get("inspection");
    @SuppressWarnings("unchecked")
    Map<String, Object> inventory = (Map<String, Object>) record.get("inventory");
    assertThat(inventory).containsKeys("cpu", "interfaces", "boot");
    assertThat(List.copyOf((List<?>) record.get("missing")).stream().map(Object::toString).toList())
        .containsExactly("disks: the firmware does not support CIM_MediaAccessDevice");
    assertThat(record.get("finished_at")).isNotNull();
    assertThat(done.driverInternalInfo()).containsKey("inspection_started_at");
    assertThat(driver.calls("inspect.inspect")).hasSize(1);
    assertThat(driver.calls("power.validate")).isNotEmpty();

    List<NodeEvent> events = history(done);
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.event()).isEqualTo("manageable -> inspecting");
              assertThat(e.eventType()).isEqualTo("provisioning");
            })
        .anySatisfy(e -> assertThat(e.event()).isEqualTo("inspecting -> manageable"))
        .anySatisfy(
            e -> {
              assertThat(e.severity()).isEqualTo("INFO");
              assertThat(e.eventType()).isEqualTo("introspection");
              assertThat(e.event()).contains("cpus=4").contains(MAC1).contains(MAC2);
            })
        .anySatisfy(
            e -> {
              assertThat(e.severity()).isEqualTo("WARNING");
              assertThat(e.eventType()).isEqualTo("introspection");
              assertThat(e.event()).contains("CIM_MediaAccessDevice");
            });
  }

  @Test
  void portsAreNeverDuplicatedNorRemovedAndAnotherNodesMacIsNamed() throws Exception {
    Node other = manageable("other");
    addPort(other, MAC2);
    Node n = manageable("mine");
    addPort(n, MAC1);
    addPort(n, "52:54:00:00:99:99");
    driver.setInspection(desktop());

    Node done = inspect(n);

    assertThat(done.provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(macsOf(done))
        .as("MAC1 kept once, the unlisted port kept, MAC2 left to the other node, no wireless")
        .containsExactlyInAnyOrder(MAC1, "52:54:00:00:99:99");
    assertThat(macsOf(other)).containsExactly(MAC2);
    assertThat((List<?>) ((Map<?, ?>) done.driverInternalInfo().get("inspection")).get("missing"))
        .anySatisfy(m -> assertThat(m.toString()).contains(MAC2).contains(other.uuid()));
    assertThat(history(done))
        .anySatisfy(
            e -> {
              assertThat(e.severity()).isEqualTo("WARNING");
              assertThat(e.event())
                  .contains("port " + MAC2 + " not created")
                  .contains(other.uuid());
            });

    Node again = inspect(done);
    assertThat(macsOf(again)).hasSize(2);
  }

  @Test
  void refusedCredentialsFailTheInspectionOnceWithAClearLastError() throws Exception {
    Node n = manageable("auth");
    driver.failOn(
        "inspect.inspect", new AuthenticationFailedException("AMT at 10.0.0.1 refused admin"));

    Node failed = inspect(n);

    assertThat(failed.provisionState()).isEqualTo(ProvisionState.INSPECT_FAILED);
    assertThat(failed.targetProvisionState()).isNull();
    assertThat(failed.reservation()).isNull();
    assertThat(failed.lastError())
        .startsWith("Failed to inspect hardware. Reason: AMT at 10.0.0.1 refused admin")
        .contains("not tried again")
        .contains("baremetal node inspect " + n.uuid())
        .doesNotContain("s3cret");
    assertThat(driver.calls("inspect.inspect")).hasSize(1);
    assertThat(history(failed))
        .anySatisfy(
            e -> {
              assertThat(e.severity()).isEqualTo("ERROR");
              assertThat(e.eventType()).isEqualTo("introspection");
              assertThat(e.event()).startsWith("inspecting -> inspect failed: Failed to inspect");
            });
    assertThat(c.store.portsOf(n.uuid())).isEmpty();
  }

  @Test
  void anUnreachableControllerFailsAndInspectAgainOrManageRecover() throws Exception {
    Node n = manageable("unreachable");
    driver.failOn("inspect.inspect", new ConnectionFailedException("connection refused"));

    Node failed = inspect(n);
    assertThat(failed.provisionState()).isEqualTo(ProvisionState.INSPECT_FAILED);
    assertThat(failed.lastError()).contains("connection refused").contains("reachable");

    driver.clearFailures();
    driver.setInspection(desktop());
    Node retried = inspect(failed);
    assertThat(retried.provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(retried.lastError()).isNull();

    driver.failOn("inspect.inspect", new ConnectionFailedException("again"));
    inspect(retried);
    service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);
    workers.runAll();
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
  }

  @Test
  void aDriverWithoutInspectionIsRefusedAsIronicWordsIt() throws Exception {
    Node n = manageable("noinspect");
    driver.setInspectable(false);

    assertThatThrownBy(
            () -> service.provision().changeProvisionState(n.uuid(), ProvisionAction.INSPECT))
        .isInstanceOf(ConductorException.class)
        .hasMessage("Driver fake does not support inspection (disabled or not implemented).")
        .extracting(e -> ((ConductorException) e).kind())
        .isEqualTo(Kind.INVALID);
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(c.reload(n).reservation()).isNull();
  }

  @Test
  void inspectIsRefusedOutsideManageableAndInspectFailed() throws Exception {
    Node enrolled = c.enroll("enrolled");

    assertThatThrownBy(
            () ->
                service.provision().changeProvisionState(enrolled.uuid(), ProvisionAction.INSPECT))
        .hasMessage(
            "The requested action \"inspect\" can not be performed on node \""
                + enrolled.uuid()
                + "\" while it is in state \"enroll\".");
    assertThatThrownBy(() -> service.inspection().applyInspection("enrolled", desktop()))
        .isInstanceOf(ConductorException.class)
        .hasMessageContaining("while it is in state \"enroll\"");
    assertThat(c.reload(enrolled).provisionState()).isEqualTo(ProvisionState.ENROLL);
    assertThat(c.store.portsOf(enrolled.uuid())).isEmpty();
  }

  @Test
  void applyInspectionIsSynchronousAndWritesWhatTheVerbWrites() throws Exception {
    Node n = manageable("bulk");
    driver.setInspectable(false);

    Node stored = service.inspection().applyInspection("bulk", desktop("chassis: not read"));

    assertThat(workers.pending()).isZero();
    assertThat(stored.provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(stored.reservation()).isNull();
    assertThat(stored).isEqualTo(c.reload(n));
    assertThat(stored.properties()).containsEntry("cpus", 4).containsEntry("local_gb", 255);
    assertThat(macsOf(stored)).containsExactlyInAnyOrder(MAC1, MAC2);
    assertThat(history(stored))
        .anySatisfy(e -> assertThat(e.event()).isEqualTo("manageable -> inspecting"))
        .anySatisfy(e -> assertThat(e.event()).isEqualTo("inspecting -> manageable"))
        .anySatisfy(e -> assertThat(e.event()).contains("chassis: not read"));
    assertThat(driver.calls("inspect.inspect")).as("already read").isEmpty();
  }

  @Test
  void applyInspectionOfALockedNodeIsRefusedAndChangesNothing() throws Exception {
    Node n = manageable("locked");
    c.store.reserve(n.uuid(), "other-host");

    assertThatThrownBy(() -> service.inspection().applyInspection(n.uuid(), desktop()))
        .isInstanceOf(ConductorException.class)
        .extracting(e -> ((ConductorException) e).kind())
        .isEqualTo(Kind.LOCKED);
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(c.store.portsOf(n.uuid())).isEmpty();
  }
}
