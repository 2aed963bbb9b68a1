package org.amtpxe.virtualamt.internal.cim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Epr;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/**
 * The instances of the physical-inventory classes several resources share: the chassis, the base
 * board, and the keys of devices scoped to the managed host.
 */
final class Inventory {
  static final String CHASSIS = Namespaces.cimClass("CIM_Chassis");
  static final String CARD = Namespaces.cimClass("CIM_Card");

  /** The keys of a CIM_PhysicalPackage subclass instance. */
  static final Set<String> PACKAGE_KEYS = Set.of("CreationClassName", "Tag");

  /** The keys of a CIM_LogicalDevice scoped to the managed host. */
  static final Set<String> DEVICE_KEYS =
      Set.of("CreationClassName", "DeviceID", "SystemCreationClassName", "SystemName");

  private Inventory() {}

  /** The chassis (CIM_Chassis, Tag CIM_Chassis). */
  static CimInstance chassis(AmtFirmware firmware) {
    Hardware.Board b = firmware.hardware().chassis();
    return CimInstance.builder(CHASSIS)
        .property("ChassisPackageType", 0)
        .key("CreationClassName", "CIM_Chassis")
        .property("ElementName", "Managed System Chassis")
        .property("Manufacturer", b.manufacturer())
        .property("Model", b.model())
        .property("OperationalStatus", 0)
        .property("PackageType", 3)
        .optional("SerialNumber", b.serialNumber())
        .key("Tag", "CIM_Chassis")
        .property("Version", b.version())
        .build();
  }

  /** The base board (CIM_Card, Tag CIM_Card). */
  static CimInstance baseboard(AmtFirmware firmware) {
    Hardware.Board b = firmware.hardware().baseboard();
    return CimInstance.builder(CARD)
        .property("CanBeFRUed", true)
        .key("CreationClassName", "CIM_Card")
        .property("ElementName", "Managed System Base Board")
        .property("Manufacturer", b.manufacturer())
        .property("Model", b.model())
        .property("OperationalStatus", 0)
        .property("PackageType", 9)
        .optional("SerialNumber", b.serialNumber())
        .key("Tag", "CIM_Card")
        .property("Version", b.version())
        .build();
  }

  /** The reference to the chassis. */
  static Epr chassisReference() {
    Map<String, String> selectors = new LinkedHashMap<>();
    selectors.put("CreationClassName", "CIM_Chassis");
    selectors.put("Tag", "CIM_Chassis");
    return new Epr(CHASSIS, selectors);
  }

  /** Starts an instance of a device scoped to the managed host, with its keys. */
  static CimInstance.Builder device(String resourceUri, String className, String deviceId) {
    return CimInstance.builder(resourceUri)
        .key("CreationClassName", className)
        .key("DeviceID", deviceId)
        .key("SystemCreationClassName", "CIM_ComputerSystem")
        .key("SystemName", CimNames.MANAGED_SYSTEM);
  }
}
