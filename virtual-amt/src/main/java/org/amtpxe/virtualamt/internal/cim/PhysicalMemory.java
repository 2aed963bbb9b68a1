package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/**
 * CIM_PhysicalMemory: one instance per memory module, Capacity in bytes. Firmware tags the modules
 * {@code 9876543210}, {@code 9876543210 (#1)}, {@code 9876543210 (#2)}...
 */
final class PhysicalMemory extends CimResource {
  private static final String TAG = "9876543210";

  PhysicalMemory() {
    super(Namespaces.cimClass("CIM_PhysicalMemory"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    List<Hardware.MemoryBank> banks = firmware.hardware().memory();
    List<CimInstance> result = new ArrayList<>(banks.size());
    for (int i = 0; i < banks.size(); i++) {
      Hardware.MemoryBank bank = banks.get(i);
      result.add(
          CimInstance.builder(resourceUri())
              .property("BankLabel", bank.bankLabel())
              .property("Capacity", bank.sizeBytes())
              .property("ConfiguredMemoryClockSpeed", bank.speedMhz())
              .key("CreationClassName", "CIM_PhysicalMemory")
              .property("ElementName", "Managed System Memory Chip")
              .property("FormFactor", 8)
              .property("IsSpeedInMhz", true)
              .property("Manufacturer", bank.manufacturer())
              .property("MaxMemorySpeed", bank.speedMhz())
              .property("MemoryType", 26)
              .property("PartNumber", bank.partNumber())
              .optional("SerialNumber", bank.serialNumber())
              .property("Speed", 0)
              .key("Tag", i == 0 ? TAG : TAG + " (#" + i + ")")
              .build());
    }
    return result;
  }

  @Override
  public Set<String> keyNames() {
    return Inventory.PACKAGE_KEYS;
  }
}
