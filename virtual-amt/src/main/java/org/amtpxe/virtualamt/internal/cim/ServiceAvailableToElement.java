package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/**
 * CIM_ServiceAvailableToElement: enumerating it yields the CIM_AssociatedPowerManagementService
 * instance, which is how Intel's own tools read the power state.
 */
final class ServiceAvailableToElement extends CimResource {
  static final String URI = Namespaces.cimClass("CIM_ServiceAvailableToElement");

  ServiceAvailableToElement() {
    super(URI);
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    return List.of(AssociatedPowerManagementService.instance(firmware));
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
