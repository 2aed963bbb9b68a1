package org.amtpxe.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InspectionTest {

  @Test
  void macAddressesComeFromTheInterfacesInOrderWithoutDuplicatesOrJunk() {
    Inspection inspection =
        new Inspection(
            Map.of(
                "interfaces",
                List.of(
                    Map.of("name", "eth1", "mac_address", "52:54:00:00:00:02"),
                    Map.of("name", "eth0", "mac_address", "52-54-00-00-00-01"),
                    Map.of("name", "again", "mac_address", "52:54:00:00:00:02"),
                    Map.of("name", "broken", "mac_address", "not a mac"),
                    Map.of("name", "no mac"))),
            List.of());

    assertEquals(
        List.of(MacAddress.parse("52:54:00:00:00:02"), MacAddress.parse("52:54:00:00:00:01")),
        inspection.macAddresses());
  }

  @Test
  void theInventoryIsADeepCopyThatCannotBeChanged() {
    Map<String, Object> cpu = new LinkedHashMap<>(Map.of("count", 4));
    Map<String, Object> inventory = new LinkedHashMap<>(Map.of("cpu", cpu));
    List<String> missing = new ArrayList<>(List.of("disks: not supported"));
    Inspection inspection = new Inspection(inventory, missing);

    cpu.put("count", 8);
    missing.clear();

    assertEquals(Map.of("cpu", Map.of("count", 4)), inspection.inventory());
    assertEquals(List.of("disks: not supported"), inspection.missing());
    assertThrows(
        UnsupportedOperationException.class,
        () -> ((Map<String, Object>) inspection.inventory().get("cpu")).put("x", 1));
  }
}
