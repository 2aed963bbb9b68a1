package org.amtpxe.api.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an out-of-band inspection read: the inventory and the parts it could not read.
 *
 * <p>The inventory uses the shape of Ironic's inventory (the one its ramdisk reports and {@code GET
 * /v1/nodes/{node}/inventory} returns), so that operators and tools read it the same way:
 *
 * <ul>
 *   <li>{@code cpu}: {@code count}, {@code architecture}, {@code model_name}, {@code frequency}
 *       (MHz);
 *   <li>{@code memory}: {@code physical_mb}, {@code total} (bytes);
 *   <li>{@code disks}: a list of {@code name}, {@code size} (bytes), {@code model}, {@code serial};
 *   <li>{@code interfaces}: a list of {@code name}, {@code mac_address} (lower case, colons);
 *   <li>{@code system_vendor}: {@code manufacturer}, {@code product_name}, {@code serial_number};
 *   <li>{@code boot}: {@code current_boot_mode} ({@code bios} or {@code uefi});
 *   <li>{@code bmc_address}, {@code hostname};
 * </ul>
 *
 * plus any driver-specific section under a key of its own (for example {@code amt}). Absent parts
 * are left out, never filled with guesses.
 */
public final class Inspection {
  private final Map<String, Object> inventory;
  private final List<String> missing;

  /**
   * @param inventory the inventory, JSON-like values only (maps, lists, strings, numbers, booleans)
   * @param missing one human-readable line per part that could not be read, for example {@code
   *     "disks: the firmware does not support CIM_MediaAccessDevice"}
   */
  public Inspection(Map<String, ?> inventory, List<String> missing) {
    this.inventory = JsonValues.copyOf(Objects.requireNonNull(inventory, "inventory"));
    this.missing = List.copyOf(missing);
  }

  /** The inventory, deeply unmodifiable. */
  public Map<String, Object> inventory() {
    return inventory;
  }

  /** What could not be read, one line each; empty when everything was. */
  public List<String> missing() {
    return missing;
  }

  /**
   * The MAC addresses of the inventory's interfaces, in inventory order, without duplicates.
   * Entries without a valid MAC are skipped.
   */
  public List<MacAddress> macAddresses() {
    List<MacAddress> macs = new ArrayList<>();
    if (inventory.get("interfaces") instanceof List<?> interfaces) {
      for (Object entry : interfaces) {
        if (entry instanceof Map<?, ?> nic && nic.get("mac_address") instanceof String text) {
          MacAddress.tryParse(text).filter(m -> !macs.contains(m)).ifPresent(macs::add);
        }
      }
    }
    return List.copyOf(macs);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Inspection other
        && inventory.equals(other.inventory)
        && missing.equals(other.missing);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inventory, missing);
  }

  @Override
  public String toString() {
    return "Inspection" + inventory + (missing.isEmpty() ? "" : " missing " + missing);
  }
}
