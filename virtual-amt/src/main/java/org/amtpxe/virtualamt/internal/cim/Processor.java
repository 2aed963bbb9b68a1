package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/**
 * CIM_Processor: one instance per processor package ({@code CPU 0}, {@code CPU 1}...) with its
 * clock speeds and family; firmware reports neither the model (that is CIM_Chip's Version) nor the
 * core count.
 */
final class Processor extends CimResource {
  Processor() {
    super(Namespaces.cimClass("CIM_Processor"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    List<Hardware.Cpu> cpus = firmware.hardware().cpus();
    List<CimInstance> result = new ArrayList<>(cpus.size());
    for (int i = 0; i < cpus.size(); i++) {
      Hardware.Cpu cpu = cpus.get(i);
      result.add(
          Inventory.device(resourceUri(), "CIM_Processor", "CPU " + i)
              .property("CPUStatus", 1)
              .property("CurrentClockSpeed", cpu.speedMhz())
              .property("ElementName", "Managed System CPU")
              .property("EnabledState", 2)
              .property("ExternalBusClockSpeed", 100)
              .property("Family", family(cpu.model()))
              .property("HealthState", 0)
              .property("MaxClockSpeed", cpu.maxSpeedMhz())
              .property("OperationalStatus", 0)
              .property("OtherFamilyDescription", "")
              .property("RequestedState", 12)
              .property("Role", "Central")
              .property("Stepping", 5)
              .property("UpgradeMethod", 1)
              .build());
    }
    return result;
  }

  /** The DMTF processor family of a model string (SMBIOS type 4 values), 1 (Other) if unknown. */
  static int family(String model) {
    String m = model.toLowerCase(Locale.ROOT);
    if (m.contains("xeon")) {
      return 179;
    }
    if (m.contains("i3-")) {
      return 206;
    }
    if (m.contains("i5-")) {
      return 205;
    }
    if (m.contains("i7-")) {
      return 198;
    }
    if (m.contains("i9-")) {
      return 207;
    }
    return 1;
  }

  @Override
  public Set<String> keyNames() {
    return Inventory.DEVICE_KEYS;
  }
}
