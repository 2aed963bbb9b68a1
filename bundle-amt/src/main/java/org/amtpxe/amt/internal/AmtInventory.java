package org.amtpxe.amt.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.amtpxe.amt.internal.cim.CimInstance;
import org.amtpxe.amt.internal.cim.InventoryClass;
import org.amtpxe.api.model.Inspection;
import org.dom4j.Element;

/**
 * Turns the enumerated AMT classes into an inventory in Ironic's shape plus the lines of what could
 * not be read; the rules are in docs/amt-wsman.md#inventory. Reads nothing from the network.
 */
final class AmtInventory {
  static final long MIB = 1024L * 1024L;

  /** CIM's KBytes for MaxMediaSize: bytes times 1000, not 1024 (docs/amt-wsman.md#inventory). */
  static final long MEDIA_KBYTE = 1000L;

  /** CPUStatus values of a processor in use: 1 enabled, 4 idle. */
  private static final Set<Long> CPU_IN_USE = Set.of(1L, 4L);

  /** CPUStatus values of a processor present but unusable: 2 and 3, disabled by user or BIOS. */
  private static final Set<Long> CPU_DISABLED = Set.of(2L, 3L);

  /** PhysicalConnectionType of a wireless LAN port (AMT 12 and later). */
  private static final long WIRELESS_CONNECTION = 3;

  /** Values firmware leaves in SMBIOS strings that nobody filled. */
  private static final Set<String> PLACEHOLDERS =
      Set.of("to be filled by o.e.m.", "default string", "not specified", "not applicable");

  private static final Pattern AMT_MAC = Pattern.compile("[0-9A-Fa-f]{2}([-:][0-9A-Fa-f]{2}){5}");

  private final Map<InventoryClass, List<Element>> read;
  private final Map<InventoryClass, String> failures;
  private final Map<String, Object> inventory = new LinkedHashMap<>();
  private final Map<String, Object> amt = new LinkedHashMap<>();
  private final List<String> missing = new ArrayList<>();

  private AmtInventory(
      Map<InventoryClass, List<Element>> read, Map<InventoryClass, String> failures) {
    this.read = read;
    this.failures = failures;
  }

  /**
   * Builds the inspection.
   *
   * @param bmcAddress the AMT address the node's driver_info names
   * @param read the items of each class that could be read
   * @param failures why each class that could not be read failed (a fault), by class
   */
  static Inspection build(
      String bmcAddress,
      Map<InventoryClass, List<Element>> read,
      Map<InventoryClass, String> failures) {
    AmtInventory inventory = new AmtInventory(new EnumMap<>(read), new EnumMap<>(failures));
    return inventory.build(bmcAddress);
  }

  private Inspection build(String bmcAddress) {
    failures.forEach(
        (type, why) ->
            missing.add(
                type.feeds() + ": " + type.className() + " could not be read (" + why + ")"));
    cpu();
    memory();
    disks();
    interfaces();
    systemVendor();
    // NOTE: AMT does not report whether the host booted in BIOS or UEFI mode, so boot is left
    // out (docs/amt-wsman.md#inventory).
    missing.add("boot.current_boot_mode: AMT does not report the host's boot mode");
    inventory.put("bmc_address", bmcAddress);
    hostname();
    firmware();
    inventory.put("amt", amt);
    return new Inspection(inventory, missing);
  }

  private List<CimInstance> instances(InventoryClass type) {
    List<Element> items = read.get(type);
    return items == null ? List.of() : CimInstance.of(items, type);
  }

  private boolean wasRead(InventoryClass type) {
    return read.containsKey(type);
  }

  // ---- cpu ----------------------------------------------------------------------------------

  private void cpu() {
    Map<String, Object> cpu = new LinkedHashMap<>();
    List<Map<String, Object>> processors = new ArrayList<>();
    List<CimInstance> counted = new ArrayList<>();
    for (CimInstance processor : instances(InventoryClass.CIM_PROCESSOR)) {
      Map<String, Object> entry = new LinkedHashMap<>();
      put(entry, "device_id", processor.text("DeviceID"));
      put(entry, "family", processor.number("Family"));
      put(entry, "max_clock_mhz", processor.number("MaxClockSpeed"));
      put(entry, "current_clock_mhz", processor.number("CurrentClockSpeed"));
      put(entry, "cpu_status", processor.number("CPUStatus"));
      processors.add(entry);
      if (populated(processor)) {
        counted.add(processor);
      }
    }
    if (!counted.isEmpty()) {
      cpu.put("count", counted.size());
      missing.add(
          "cpu.count: AMT reports no core or thread counts; cpu.count is the number of processor"
              + " packages");
    } else if (wasRead(InventoryClass.CIM_PROCESSOR)) {
      missing.add(
          "cpu.count: none of the "
              + processors.size()
              + " CIM_Processor instances is a processor in use");
    }
    // NOTE: AMT exists only on Intel vPro platforms, all x86-64.
    cpu.put("architecture", "x86_64");
    Optional<String> model = cpuModel();
    model.ifPresent(m -> cpu.put("model_name", m));
    if (model.isEmpty() && wasRead(InventoryClass.CIM_CHIP)) {
      missing.add("cpu.model_name: no CIM_Chip of the processor carries a Version");
    }
    if (!counted.isEmpty()) {
      CimInstance first = counted.get(0);
      OptionalLong mhz = first.number("MaxClockSpeed");
      if (mhz.isEmpty() || mhz.getAsLong() == 0) {
        mhz = first.number("CurrentClockSpeed");
      }
      if (mhz.isPresent() && mhz.getAsLong() > 0) {
        cpu.put("frequency", mhz.getAsLong());
      } else {
        missing.add("cpu.frequency: CIM_Processor has neither MaxClockSpeed nor CurrentClockSpeed");
      }
    }
    inventory.put("cpu", cpu);
    if (!processors.isEmpty()) {
      amt.put("processors", processors);
    }
  }

  /**
   * A socket with a processor in use: CPUStatus enabled or idle; without a usable CPUStatus
   * (absent, 0 unknown, 7 other), any clock speed above 0.
   */
  private static boolean populated(CimInstance processor) {
    OptionalLong status = processor.number("CPUStatus");
    if (status.isPresent() && CPU_IN_USE.contains(status.getAsLong())) {
      return true;
    }
    if (status.isPresent() && CPU_DISABLED.contains(status.getAsLong())) {
      return false;
    }
    return processor.number("MaxClockSpeed").orElse(0) > 0
        || processor.number("CurrentClockSpeed").orElse(0) > 0;
  }

  /**
   * The CPU model string: the Version of the CIM_Chip that names itself a processor (ElementName or
   * Tag), else of the only CIM_Chip with a Version.
   */
  private Optional<String> cpuModel() {
    List<CimInstance> withVersion =
        instances(InventoryClass.CIM_CHIP).stream()
            .filter(chip -> chip.text("Version").isPresent())
            .toList();
    for (CimInstance chip : withVersion) {
      String label =
          (chip.text("ElementName").orElse("") + " " + chip.text("Tag").orElse(""))
              .toLowerCase(Locale.ROOT);
      if (label.contains("processor") || label.contains("cpu")) {
        return chip.text("Version");
      }
    }
    return withVersion.size() == 1 ? withVersion.get(0).text("Version") : Optional.empty();
  }

  // ---- memory -------------------------------------------------------------------------------

  private void memory() {
    List<CimInstance> modules = instances(InventoryClass.CIM_PHYSICAL_MEMORY);
    if (modules.isEmpty()) {
      if (wasRead(InventoryClass.CIM_PHYSICAL_MEMORY)) {
        missing.add("memory: AMT lists no CIM_PhysicalMemory");
      }
      return;
    }
    long total = 0;
    List<Map<String, Object>> entries = new ArrayList<>();
    for (CimInstance module : modules) {
      Map<String, Object> entry = new LinkedHashMap<>();
      put(entry, "bank_label", module.text("BankLabel"));
      OptionalLong capacity = module.number("Capacity");
      put(entry, "capacity_bytes", capacity);
      if (capacity.isPresent()) {
        total += capacity.getAsLong();
      } else {
        missing.add(
            "memory: the module in "
                + module.text("BankLabel").orElse("an unnamed bank")
                + " has no Capacity; memory counts only the others");
      }
      // NOTE: Speed is in nanoseconds unless IsSpeedInMhz, when MaxMemorySpeed holds MHz (CIM
      // 2.x CIM_PhysicalMemory).
      if (module.flag("IsSpeedInMhz").orElse(false)) {
        put(entry, "speed_mhz", module.number("MaxMemorySpeed"));
      } else {
        put(entry, "speed_ns", module.number("Speed"));
      }
      put(entry, "configured_clock_mhz", module.number("ConfiguredMemoryClockSpeed"));
      put(entry, "memory_type", module.number("MemoryType"));
      put(entry, "manufacturer", vendorText(module, "Manufacturer"));
      put(entry, "part_number", vendorText(module, "PartNumber"));
      put(entry, "serial_number", vendorText(module, "SerialNumber"));
      entries.add(entry);
    }
    if (total > 0) {
      Map<String, Object> memory = new LinkedHashMap<>();
      memory.put("physical_mb", total / MIB);
      memory.put("total", total);
      inventory.put("memory", memory);
    }
    amt.put("memory_modules", entries);
  }

  // ---- disks --------------------------------------------------------------------------------

  private void disks() {
    List<CimInstance> devices = instances(InventoryClass.CIM_MEDIA_ACCESS_DEVICE);
    if (!wasRead(InventoryClass.CIM_MEDIA_ACCESS_DEVICE)) {
      return;
    }
    List<CimInstance> packages = new ArrayList<>(instances(InventoryClass.CIM_PHYSICAL_PACKAGE));
    CimInstance[] matched = new CimInstance[devices.size()];
    for (int i = 0; i < devices.size(); i++) {
      Optional<String> id = devices.get(i).text("DeviceID");
      for (CimInstance p : packages) {
        if (id.isPresent() && id.equals(p.text("Tag"))) {
          matched[i] = p;
          packages.remove(p);
          break;
        }
      }
    }
    long unmatched = java.util.Arrays.stream(matched).filter(m -> m == null).count();
    if (unmatched > 0 && unmatched == packages.size()) {
      // NOTE: no Tag names a device: pair the rest in order (docs/amt-wsman.md#inventory).
      int next = 0;
      for (int i = 0; i < matched.length; i++) {
        if (matched[i] == null) {
          matched[i] = packages.get(next++);
        }
      }
    }
    List<Map<String, Object>> disks = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      CimInstance device = devices.get(i);
      Map<String, Object> disk = new LinkedHashMap<>();
      String name = device.text("DeviceID").orElse("disk" + i);
      disk.put("name", name);
      OptionalLong kbytes = device.number("MaxMediaSize");
      if (kbytes.isPresent() && kbytes.getAsLong() <= Long.MAX_VALUE / MEDIA_KBYTE) {
        disk.put("size", kbytes.getAsLong() * MEDIA_KBYTE);
      } else {
        missing.add("disks: " + name + " has no MaxMediaSize; its size is unknown");
      }
      if (matched[i] != null) {
        put(disk, "model", vendorText(matched[i], "Model"));
        put(disk, "serial", vendorText(matched[i], "SerialNumber"));
        put(disk, "vendor", vendorText(matched[i], "Manufacturer"));
      } else if (wasRead(InventoryClass.CIM_PHYSICAL_PACKAGE)) {
        missing.add("disks: no CIM_PhysicalPackage matches " + name + "; model and serial unknown");
      }
      disks.add(disk);
    }
    inventory.put("disks", disks);
  }

  // ---- interfaces ---------------------------------------------------------------------------

  private void interfaces() {
    if (!wasRead(InventoryClass.AMT_ETHERNET_PORT_SETTINGS)) {
      return;
    }
    List<Map<String, Object>> interfaces = new ArrayList<>();
    for (CimInstance port : instances(InventoryClass.AMT_ETHERNET_PORT_SETTINGS)) {
      String name = port.text("InstanceID").orElse("port" + interfaces.size());
      Optional<String> mac = port.text("MACAddress");
      if (mac.isEmpty()) {
        missing.add("interfaces: " + name + " has no MACAddress");
        continue;
      }
      if (!AMT_MAC.matcher(mac.get()).matches()) {
        missing.add("interfaces: " + name + " has an unreadable MACAddress");
        continue;
      }
      String colons = mac.get().toLowerCase(Locale.ROOT).replace('-', ':');
      if (colons.equals("00:00:00:00:00:00")) {
        // NOTE: a port with no MAC is an unused one (a wireless port without a card).
        continue;
      }
      Map<String, Object> nic = new LinkedHashMap<>();
      nic.put("name", name);
      nic.put("mac_address", colons);
      put(nic, "ipv4_address", port.text("IPAddress").filter(ip -> !ip.equals("0.0.0.0")));
      port.flag("LinkIsUp").ifPresent(up -> nic.put("has_carrier", up));
      port.flag("DHCPEnabled").ifPresent(dhcp -> nic.put("dhcp_enabled", dhcp));
      // NOTE: a port that has a WLANLinkProtectionLevel, or PhysicalConnectionType 3, is the
      // wireless one; only wired ports become Ironic ports (docs/amt-wsman.md#inventory).
      boolean wireless =
          port.has("WLANLinkProtectionLevel")
              || port.number("PhysicalConnectionType").orElse(-1) == WIRELESS_CONNECTION;
      nic.put("wireless", wireless);
      interfaces.add(nic);
    }
    inventory.put("interfaces", interfaces);
  }

  // ---- system vendor, firmware, names -------------------------------------------------------

  private void systemVendor() {
    Optional<CimInstance> chassis = first(InventoryClass.CIM_CHASSIS);
    Optional<CimInstance> card = first(InventoryClass.CIM_CARD);
    Map<String, Object> vendor = new LinkedHashMap<>();
    vendorField(vendor, "manufacturer", "Manufacturer", chassis, card);
    vendorField(vendor, "product_name", "Model", chassis, card);
    vendorField(vendor, "serial_number", "SerialNumber", chassis, card);
    first(InventoryClass.CIM_BIOS_ELEMENT)
        .ifPresent(
            bios -> {
              Map<String, Object> firmware = new LinkedHashMap<>();
              put(firmware, "vendor", vendorText(bios, "Manufacturer"));
              put(firmware, "version", bios.text("Version"));
              put(firmware, "build_date", bios.date("ReleaseDate"));
              vendor.put("firmware", firmware);
              amt.put("bios", firmware);
            });
    if (first(InventoryClass.CIM_BIOS_ELEMENT).isEmpty()
        && wasRead(InventoryClass.CIM_BIOS_ELEMENT)) {
      missing.add("system_vendor.firmware: AMT lists no CIM_BIOSElement");
    }
    if (!vendor.isEmpty()) {
      inventory.put("system_vendor", vendor);
    }
    chassis.ifPresent(c -> amt.put("chassis", physical(c, true)));
    card.ifPresent(c -> amt.put("baseboard", physical(c, false)));
    first(InventoryClass.CIM_COMPUTER_SYSTEM_PACKAGE)
        .flatMap(p -> p.text("PlatformGUID"))
        .ifPresentOrElse(
            guid -> amt.put("platform_guid", guid),
            () -> {
              if (wasRead(InventoryClass.CIM_COMPUTER_SYSTEM_PACKAGE)) {
                missing.add("amt.platform_guid: CIM_ComputerSystemPackage has no PlatformGUID");
              }
            });
  }

  /** A system_vendor field from the chassis, else from the baseboard; a line when neither. */
  private void vendorField(
      Map<String, Object> vendor,
      String key,
      String property,
      Optional<CimInstance> chassis,
      Optional<CimInstance> card) {
    Optional<String> value = chassis.flatMap(c -> vendorText(c, property));
    if (value.isEmpty()) {
      value = card.flatMap(c -> vendorText(c, property));
    }
    if (value.isPresent()) {
      vendor.put(key, value.get());
    } else if (wasRead(InventoryClass.CIM_CHASSIS) || wasRead(InventoryClass.CIM_CARD)) {
      missing.add("system_vendor." + key + ": neither CIM_Chassis nor CIM_Card has " + property);
    }
  }

  private static Map<String, Object> physical(CimInstance instance, boolean chassis) {
    Map<String, Object> entry = new LinkedHashMap<>();
    put(entry, "manufacturer", vendorText(instance, "Manufacturer"));
    put(entry, "model", vendorText(instance, "Model"));
    put(entry, "serial_number", vendorText(instance, "SerialNumber"));
    put(entry, "version", vendorText(instance, "Version"));
    if (chassis) {
      put(entry, "package_type", instance.number("ChassisPackageType"));
    }
    return entry;
  }

  private void hostname() {
    Optional<CimInstance> general = first(InventoryClass.AMT_GENERAL_SETTINGS);
    Optional<String> host = general.flatMap(g -> g.text("HostName"));
    if (host.isPresent()) {
      Optional<String> domain = general.flatMap(g -> g.text("DomainName"));
      inventory.put("hostname", host.get() + domain.map(d -> "." + d).orElse(""));
      amt.put("host_name", host.get());
      domain.ifPresent(d -> amt.put("domain_name", d));
    } else if (wasRead(InventoryClass.AMT_GENERAL_SETTINGS)) {
      missing.add("hostname: AMT_GeneralSettings has no HostName");
    }
  }

  private void firmware() {
    Optional<String> version =
        instances(InventoryClass.CIM_SOFTWARE_IDENTITY).stream()
            .filter(s -> s.text("InstanceID").filter("AMT"::equals).isPresent())
            .findFirst()
            .flatMap(s -> s.text("VersionString"));
    if (version.isPresent()) {
      amt.put("firmware_version", version.get());
    } else if (wasRead(InventoryClass.CIM_SOFTWARE_IDENTITY)) {
      missing.add(
          "amt.firmware_version: no CIM_SoftwareIdentity with InstanceID AMT and a VersionString");
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Optional<CimInstance> first(InventoryClass type) {
    List<CimInstance> all = instances(type);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** A vendor string, absent when it is a placeholder nobody filled. */
  private static Optional<String> vendorText(CimInstance instance, String property) {
    return instance.text(property).filter(v -> !PLACEHOLDERS.contains(v.toLowerCase(Locale.ROOT)));
  }

  private static void put(Map<String, Object> map, String key, Optional<String> value) {
    value.ifPresent(v -> map.put(key, v));
  }

  private static void put(Map<String, Object> map, String key, OptionalLong value) {
    value.ifPresent(v -> map.put(key, v));
  }
}
