package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/**
 * CIM_PhysicalPackage: enumerating it yields the base board as a CIM_Card, in the CIM_Card
 * namespace, as firmware does (a subclass instance, not a CIM_PhysicalPackage element).
 */
final class PhysicalPackage extends CimResource {
  PhysicalPackage() {
    super(Namespaces.cimClass("CIM_PhysicalPackage"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    return List.of(Inventory.baseboard(firmware));
  }

  @Override
  public Set<String> keyNames() {
    return Inventory.PACKAGE_KEYS;
  }

  @Override
  public boolean supportsGet() {
    return false;
  }
}
