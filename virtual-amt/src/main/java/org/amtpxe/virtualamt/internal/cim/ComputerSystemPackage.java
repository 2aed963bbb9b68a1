package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/**
 * CIM_ComputerSystemPackage: the association of the chassis with the managed host, which carries
 * the platform GUID.
 */
final class ComputerSystemPackage extends CimResource {
  ComputerSystemPackage() {
    super(Namespaces.cimClass("CIM_ComputerSystemPackage"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    return List.of(
        CimInstance.builder(resourceUri())
            .reference("Antecedent", Inventory.chassisReference())
            .reference("Dependent", CimNames.managedSystem())
            .property("PlatformGUID", firmware.hardware().platformGuid())
            .build());
  }

  @Override
  public Set<String> keyNames() {
    return Set.of();
  }

  @Override
  public boolean supportsGet() {
    return false;
  }
}
