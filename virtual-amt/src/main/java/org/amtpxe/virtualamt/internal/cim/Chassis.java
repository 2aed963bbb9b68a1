package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;

/** CIM_Chassis: the host's chassis, its vendor, model and serial number. */
final class Chassis extends CimResource {
  Chassis() {
    super(Inventory.CHASSIS);
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    return List.of(Inventory.chassis(firmware));
  }

  @Override
  public Set<String> keyNames() {
    return Inventory.PACKAGE_KEYS;
  }
}
