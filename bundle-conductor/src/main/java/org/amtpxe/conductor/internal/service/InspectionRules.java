package org.amtpxe.conductor.internal.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.api.model.Inspection;
import org.amtpxe.api.model.MacAddress;

/**
 * Ironic's rules for turning an inventory into a node's properties and ports, without side effects:
 * what an out-of-band inspection sets (after Ironic's {@code redfish/inspect.py} and its inspection
 * hooks), which MAC addresses become ports, and the bounds on an inventory that comes from a device
 * the conductor does not trust.
 */
public final class InspectionRules {
  /** The largest inventory kept, in characters of its JSON. */
  public static final int MAX_INVENTORY_CHARS = 65_536;

  /** The longest string kept in an inventory or a property. */
  static final int MAX_STRING = 1024;

  /** The most entries kept of one inventory list (disks, interfaces, ...). */
  static final int MAX_LIST = 64;

  /** The deepest nesting of maps and lists kept. */
  static final int MAX_DEPTH = 8;

  /** The most lines of {@link Inspection#missing()} kept, and the longest. */
  static final int MAX_MISSING_LINES = 32;

  static final int MAX_MISSING_LINE = 300;

  /** The smallest disk that counts for local_gb, as in Ironic (4 GiB). */
  static final long MIN_DISK_BYTES = 4L << 30;

  private static final long GIB = 1L << 30;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private InspectionRules() {}

  /**
   * An inventory within the bounds, and every line saying what could not be read or was not kept.
   *
   * @param inventory the inventory as stored
   * @param missing the driver's missing lines (bounded), then the conductor's
   */
  public record Bounded(Map<String, Object> inventory, List<String> missing) {}

  /**
   * Bounds an inspection: strings longer than {@value #MAX_STRING} characters are cut, lists longer
   * than {@value #MAX_LIST} entries and nesting deeper than {@value #MAX_DEPTH} levels are cut, and
   * while the inventory's JSON is longer than {@value #MAX_INVENTORY_CHARS} characters its largest
   * top-level section is dropped. Each cut adds a line to {@code missing}.
   */
  public static Bounded bound(Inspection inspection) {
    List<String> missing = new ArrayList<>();
    List<String> lines = inspection.missing();
    for (int i = 0; i < lines.size() && i < MAX_MISSING_LINES; i++) {
      missing.add(cut(String.valueOf(lines.get(i)), MAX_MISSING_LINE));
    }
    if (lines.size() > MAX_MISSING_LINES) {
      missing.add(
          "inspection: " + (lines.size() - MAX_MISSING_LINES) + " more missing lines not kept");
    }
    Set<String> cuts = new LinkedHashSet<>();
    @SuppressWarnings("unchecked")
    Map<String, Object> inventory =
        (Map<String, Object>) sanitize(inspection.inventory(), "", 0, cuts);
    missing.addAll(cuts);
    while (!inventory.isEmpty() && jsonLength(inventory) > MAX_INVENTORY_CHARS) {
      String largest =
          inventory.keySet().stream()
              .max(Comparator.comparingInt(k -> jsonLength(inventory.get(k))))
              .orElseThrow();
      int size = jsonLength(inventory.get(largest));
      inventory.remove(largest);
      missing.add(
          "inventory: section "
              + largest
              + " ("
              + size
              + " characters) not kept: the inventory is limited to "
              + MAX_INVENTORY_CHARS
              + " characters");
    }
    return new Bounded(inventory, missing);
  }

  private static Object sanitize(Object value, String path, int depth, Set<String> cuts) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = cut(String.valueOf(e.getKey()), MAX_STRING);
        String at = path.isEmpty() ? key : path + "." + key;
        if (depth >= MAX_DEPTH && (e.getValue() instanceof Map || e.getValue() instanceof List)) {
          cuts.add("inventory: " + at + " not kept: nested deeper than " + MAX_DEPTH + " levels");
          continue;
        }
        copy.put(key, sanitize(e.getValue(), at, depth + 1, cuts));
      }
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      for (int i = 0; i < list.size() && i < MAX_LIST; i++) {
        Object item = list.get(i);
        if (depth >= MAX_DEPTH && (item instanceof Map || item instanceof List)) {
          cuts.add("inventory: " + path + " not kept: nested deeper than " + MAX_DEPTH + " levels");
          continue;
        }
        copy.add(sanitize(item, path, depth + 1, cuts));
      }
      if (list.size() > MAX_LIST) {
        cuts.add(
            "inventory: "
                + path
                + " has "
                + list.size()
                + " entries; the first "
                + MAX_LIST
                + " were kept");
      }
      return copy;
    }
    if (value instanceof String s && s.length() > MAX_STRING) {
      cuts.add("inventory: values longer than " + MAX_STRING + " characters were cut");
      return cut(s, MAX_STRING);
    }
    return value;
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static int jsonLength(Object value) {
    try {
      return MAPPER.writeValueAsString(value).length();
    } catch (JsonProcessingException e) {
      // NOTE: Inspection holds JSON values only (JsonValues), so this cannot happen.
      throw new IllegalStateException("Inventory is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * What an inventory sets on a node.
   *
   * @param properties the properties to set, in Ironic's names (cpus, cpu_arch, memory_mb,
   *     local_gb, vendor, model, serial); a value the inventory lacks is absent, so that the node
   *     keeps its own
   * @param bootMode {@code bios}, {@code uefi}, or null when unknown
   * @param notes why a value was not set or was set to a default
   */
  public record Properties(Map<String, Object> properties, String bootMode, List<String> notes) {

    /** The node's properties with these merged in: others kept, boot_mode in capabilities. */
    public Map<String, Object> mergeInto(Map<String, Object> current) {
      Map<String, Object> merged = new LinkedHashMap<>(current);
      merged.putAll(properties);
      if (bootMode != null) {
        merged.put(
            "capabilities", withCapability(current.get("capabilities"), "boot_mode", bootMode));
      }
      return merged;
    }
  }

  /** The properties an inventory sets (read {@link #bound bounded} inventories only). */
  public static Properties properties(Map<String, Object> inventory) {
    Map<String, Object> p = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    Map<String, Object> cpu = section(inventory, "cpu");
    positive(cpu.get("count")).ifPresent(v -> p.put("cpus", v));
    text(cpu.get("architecture")).ifPresent(v -> p.put("cpu_arch", v));
    positive(section(inventory, "memory").get("physical_mb")).ifPresent(v -> p.put("memory_mb", v));
    if (inventory.get("disks") instanceof List<?> disks) {
      long largest = 0;
      for (Object d : disks) {
        if (d instanceof Map<?, ?> disk && disk.get("size") instanceof Number size) {
          long bytes = integral(size);
          if (bytes >= MIN_DISK_BYTES && bytes > largest) {
            largest = bytes;
          }
        }
      }
      if (largest == 0) {
        p.put("local_gb", 0);
        notes.add("local_gb: no disk of at least 4 GiB was found; local_gb is 0");
      } else {
        // NOTE: Ironic's out-of-band inspection leaves 1 GiB for the partition table
        // (ironic/drivers/modules/redfish/inspect.py, and the root device hook's spacing).
        p.put("local_gb", number(largest / GIB - 1));
      }
    }
    Map<String, Object> vendor = section(inventory, "system_vendor");
    text(vendor.get("manufacturer")).ifPresent(v -> p.put("vendor", v));
    text(vendor.get("product_name")).ifPresent(v -> p.put("model", v));
    text(vendor.get("serial_number")).ifPresent(v -> p.put("serial", v));
    String bootMode = null;
    if (section(inventory, "boot").get("current_boot_mode") instanceof String mode) {
      if (mode.equals("bios") || mode.equals("uefi")) {
        bootMode = mode;
      } else {
        notes.add(
            "boot_mode: "
                + cut(mode, 40)
                + " is neither bios nor uefi; capabilities left unchanged");
      }
    }
    return new Properties(p, bootMode, notes);
  }

  /**
   * Sets one capability in Ironic's capabilities string ({@code "k1:v1,k2:v2"}): other entries kept
   * in their order, the key's value replaced or appended. A map (Ironic accepts both) gets the key.
   */
  static Object withCapability(Object capabilities, String key, String value) {
    if (capabilities instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>(map);
      copy.put(key, value);
      return copy;
    }
    List<String> entries = new ArrayList<>();
    boolean replaced = false;
    if (capabilities instanceof String s && !s.isBlank()) {
      for (String entry : s.split(",")) {
        String trimmed = entry.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        int colon = trimmed.indexOf(':');
        if (colon >= 0 && trimmed.substring(0, colon).trim().equals(key)) {
          if (!replaced) {
            entries.add(key + ":" + value);
            replaced = true;
          }
        } else {
          entries.add(trimmed);
        }
      }
    }
    if (!replaced) {
      entries.add(key + ":" + value);
    }
    return String.join(",", entries);
  }

  /**
   * The MAC addresses of the inventory's wired interfaces, in order, without duplicates: entries
   * marked {@code "wireless": true}, without a valid MAC, or with 00:00:00:00:00:00 are skipped.
   */
  public static List<MacAddress> wiredMacs(Map<String, Object> inventory) {
    Set<MacAddress> macs = new LinkedHashSet<>();
    MacAddress none = MacAddress.parse("00:00:00:00:00:00");
    if (inventory.get("interfaces") instanceof List<?> interfaces) {
      for (Object entry : interfaces) {
        if (entry instanceof Map<?, ?> nic
            && !isTrue(nic.get("wireless"))
            && nic.get("mac_address") instanceof String text) {
          MacAddress.tryParse(text).filter(m -> !m.equals(none)).ifPresent(macs::add);
        }
      }
    }
    return List.copyOf(macs);
  }

  private static boolean isTrue(Object o) {
    return Boolean.TRUE.equals(o) || (o instanceof String s && s.equalsIgnoreCase("true"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> inventory, String key) {
    return inventory.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static java.util.Optional<Object> positive(Object o) {
    if (o instanceof Number n) {
      long v = integral(n);
      if (v > 0 && new BigDecimal(n.toString()).compareTo(BigDecimal.valueOf(v)) == 0) {
        return java.util.Optional.of(number(v));
      }
    }
    return java.util.Optional.empty();
  }

  /** The number's integral part, or 0 when it is not finite or does not fit a long. */
  private static long integral(Number n) {
    try {
      return new BigDecimal(n.toString()).setScale(0, java.math.RoundingMode.DOWN).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return 0;
    }
  }

  private static Object number(long v) {
    return v <= Integer.MAX_VALUE && v >= Integer.MIN_VALUE ? (Object) (int) v : (Object) v;
  }

  private static java.util.Optional<String> text(Object o) {
    if (o instanceof String s && !s.isBlank()) {
      return java.util.Optional.of(cut(s.strip(), 255));
    }
    return java.util.Optional.empty();
  }
}
