package org.amtpxe.conductor.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.model.Inspection;
import org.amtpxe.api.model.MacAddress;
import org.junit.jupiter.api.Test;

class InspectionRulesTest {
  private static final long GIB = 1L << 30;

  private static Map<String, Object> props(Map<String, Object> inventory) {
    return InspectionRules.properties(inventory).properties();
  }

  @Test
  void cpuMemoryAndVendorBecomeIronicProperties() {
    Map<String, Object> inventory =
        Map.of(
            "cpu", Map.of("count", 8, "architecture", "x86_64", "model_name", "Core i7"),
            "memory", Map.of("physical_mb", 16384, "total", 17179869184L),
            "system_vendor",
                Map.of(
                    "manufacturer", "Dell Inc.",
                    "product_name", "OptiPlex 7080",
                    "serial_number", "ABC123"));

    assertThat(props(inventory))
        .containsEntry("cpus", 8)
        .containsEntry("cpu_arch", "x86_64")
        .containsEntry("memory_mb", 16384)
        .containsEntry("vendor", "Dell Inc.")
        .containsEntry("model", "OptiPlex 7080")
        .containsEntry("serial", "ABC123")
        .doesNotContainKey("local_gb");
  }

  @Test
  void localGbIsTheLargestDiskOfAtLeast4GibInGibMinusOne() {
    Map<String, Object> inventory =
        Map.of(
            "disks",
            List.of(
                Map.of("name", "usb", "size", 2 * GIB),
                Map.of("name", "ssd", "size", 256 * GIB + 12345),
                Map.of("name", "hdd", "size", 500 * GIB)));

    assertThat(props(inventory)).containsEntry("local_gb", 499);
  }

  @Test
  void onlyDisksSmallerThan4GibGiveLocalGbZeroAndANote() {
    Map<String, Object> inventory =
        Map.of("disks", List.of(Map.of("size", 4 * GIB - 1), Map.of("size", GIB)));

    InspectionRules.Properties p = InspectionRules.properties(inventory);

    assertThat(p.properties()).containsEntry("local_gb", 0);
    assertThat(p.notes()).anySatisfy(n -> assertThat(n).contains("no disk of at least 4 GiB"));
    assertThat(props(Map.of("disks", List.of(Map.of("size", 4 * GIB)))))
        .as("exactly 4 GiB counts")
        .containsEntry("local_gb", 3);
  }

  @Test
  void valuesAbsentOrInvalidInTheInventoryLeaveThePropertiesUnchanged() {
    InspectionRules.Properties p =
        InspectionRules.properties(
            Map.of(
                "cpu", Map.of("count", -1, "architecture", " "),
                "memory", Map.of("physical_mb", 1.5),
                "disks", "not a list"));

    assertThat(p.properties()).isEmpty();
    Map<String, Object> current =
        Map.of("cpus", 2, "memory_mb", 1024, "local_gb", 10, "capabilities", "a:b");
    assertThat(p.mergeInto(current)).isEqualTo(current);
  }

  @Test
  void bootModeIsMergedIntoTheCapabilitiesKeepingTheOtherKeys() {
    InspectionRules.Properties p =
        InspectionRules.properties(Map.of("boot", Map.of("current_boot_mode", "uefi")));

    assertThat(p.mergeInto(Map.of("capabilities", "k1:v1,boot_mode:bios,k2:v2")))
        .containsEntry("capabilities", "k1:v1,boot_mode:uefi,k2:v2");
    assertThat(p.mergeInto(Map.of("capabilities", "k1:v1")))
        .containsEntry("capabilities", "k1:v1,boot_mode:uefi");
    assertThat(p.mergeInto(Map.of())).containsEntry("capabilities", "boot_mode:uefi");
    assertThat(p.mergeInto(Map.of("capabilities", Map.of("k1", "v1"))))
        .containsEntry("capabilities", Map.of("k1", "v1", "boot_mode", "uefi"));
  }

  @Test
  void anUnknownBootModeIsNotedAndNotSet() {
    InspectionRules.Properties p =
        InspectionRules.properties(Map.of("boot", Map.of("current_boot_mode", "legacy")));

    assertThat(p.bootMode()).isNull();
    assertThat(p.mergeInto(Map.of("capabilities", "boot_mode:bios")))
        .containsEntry("capabilities", "boot_mode:bios");
    assertThat(p.notes()).anySatisfy(n -> assertThat(n).startsWith("boot_mode: legacy"));
  }

  @Test
  void wiredMacsSkipWirelessInvalidZeroAndDuplicateEntries() {
    Map<String, Object> inventory =
        Map.of(
            "interfaces",
            List.of(
                Map.of("name", "eth0", "mac_address", "52:54:00:12:34:56"),
                Map.of("name", "wlan0", "mac_address", "52:54:00:ff:ff:01", "wireless", true),
                Map.of("name", "eth1", "mac_address", "00:00:00:00:00:00"),
                Map.of("name", "eth2", "mac_address", "garbage"),
                Map.of("name", "eth0-again", "mac_address", "52-54-00-12-34-56"),
                Map.of("name", "eth3", "mac_address", "52:54:00:AB:CD:EF", "wireless", false)));

    assertThat(InspectionRules.wiredMacs(inventory))
        .containsExactly(
            MacAddress.parse("52:54:00:12:34:56"), MacAddress.parse("52:54:00:ab:cd:ef"));
  }

  @Test
  void aHostileInventoryIsBoundedAndEachCutIsNamed() throws Exception {
    List<Object> interfaces = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      interfaces.add(
          Map.of(
              "name",
              "eth" + i,
              "mac_address",
              String.format("52:54:00:00:%02x:%02x", i >> 8, i & 0xff)));
    }
    List<Object> blobs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      blobs.add("x".repeat(5000));
    }
    Map<String, Object> inventory =
        Map.of(
            "cpu", Map.of("count", 4, "architecture", "y".repeat(100_000)),
            "interfaces", interfaces,
            "amt", Map.of("blobs", blobs));
    List<String> manyLines = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      manyLines.add("line " + i + " " + "z".repeat(1000));
    }

    InspectionRules.Bounded b = InspectionRules.bound(new Inspection(inventory, manyLines));

    String json = new ObjectMapper().writeValueAsString(b.inventory());
    assertThat(json.length()).isLessThanOrEqualTo(InspectionRules.MAX_INVENTORY_CHARS);
    assertThat(b.inventory()).containsKey("cpu").containsKey("interfaces");
    assertThat(b.inventory()).as("the largest section went").doesNotContainKey("amt");
    assertThat((List<?>) b.inventory().get("interfaces")).hasSize(InspectionRules.MAX_LIST);
    assertThat(InspectionRules.wiredMacs(b.inventory())).hasSize(InspectionRules.MAX_LIST);
    assertThat(((String) ((Map<?, ?>) b.inventory().get("cpu")).get("architecture")))
        .hasSizeLessThanOrEqualTo(InspectionRules.MAX_STRING + 3);
    assertThat(b.missing())
        .anySatisfy(m -> assertThat(m).contains("inventory: section amt"))
        .anySatisfy(m -> assertThat(m).contains("interfaces has 500 entries"))
        .anySatisfy(m -> assertThat(m).contains("were cut"))
        .anySatisfy(m -> assertThat(m).contains("68 more missing lines"));
    assertThat(b.missing()).allSatisfy(m -> assertThat(m.length()).isLessThan(400));
    assertThat(props(b.inventory()).get("cpu_arch").toString()).hasSizeLessThanOrEqualTo(258);
  }

  @Test
  void deepNestingIsCut() {
    Map<String, Object> deep = Map.of("leaf", 1);
    for (int i = 0; i < 20; i++) {
      deep = Map.of("d", deep);
    }

    InspectionRules.Bounded b =
        InspectionRules.bound(new Inspection(Map.of("amt", deep), List.of()));

    assertThat(b.missing()).anySatisfy(m -> assertThat(m).contains("nested deeper than"));
  }

  @Test
  void hugeNumbersAreNotTakenForCounts() {
    assertThat(
            props(
                Map.of(
                    "cpu", Map.of("count", new java.math.BigInteger("1" + "0".repeat(30))),
                    "disks", List.of(Map.of("size", "huge")))))
        .doesNotContainKey("cpus")
        .containsEntry("local_gb", 0);
  }
}
