package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/**
 * CIM_Chip: one processor chip per processor package, Tag {@code CPU <n>}; its Version is the
 * processor's model string.
 */
final class Chip extends CimResource {
  Chip() {
    super(Namespaces.cimClass("CIM_Chip"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    List<Hardware.Cpu> cpus = firmware.hardware().cpus();
    List<CimInstance> result = new ArrayList<>(cpus.size());
    for (int i = 0; i < cpus.size(); i++) {
      result.add(
          CimInstance.builder(resourceUri())
              .property("CanBeFRUed", true)
              .key("CreationClassName", "CIM_Chip")
              .property("ElementName", "Managed System Processor Chip")
              .property("Manufacturer", "Intel(R) Corporation")
              .property("OperationalStatus", 0)
              .key("Tag", "CPU " + i)
              .property("Version", cpus.get(i).model())
              .build());
    }
    return result;
  }

  @Override
  public Set<String> keyNames() {
    return Inventory.PACKAGE_KEYS;
  }
}
