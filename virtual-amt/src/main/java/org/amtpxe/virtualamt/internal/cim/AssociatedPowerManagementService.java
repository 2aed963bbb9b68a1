package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.firmware.PowerPolicy;
import org.amtpxe.virtualamt.internal.wsman.Epr;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/** CIM_AssociatedPowerManagementService: the host's power state and what may be requested now. */
final class AssociatedPowerManagementService extends CimResource {
  static final String URI = Namespaces.cimClass("CIM_AssociatedPowerManagementService");

  AssociatedPowerManagementService() {
    super(URI);
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    return List.of(instance(firmware));
  }

  /** The one instance: the association of the power service with the managed host. */
  static CimInstance instance(AmtFirmware firmware) {
    return CimInstance.builder(URI)
        .property(
            "AvailableRequestedPowerStates",
            PowerPolicy.available(firmware.powerState(), firmware.osAgent()))
        .property("PowerState", firmware.powerState().cimValue())
        .reference(
            "ServiceProvided",
            new Epr(
                CimNames.POWER_MANAGEMENT_SERVICE,
                CimNames.serviceKeys("CIM_PowerManagementService", CimNames.POWER_SERVICE_NAME)))
        .reference("UserOfService", CimNames.managedSystem())
        .build();
  }

  @Override
  public Set<String> keyNames() {
    // NOTE: the keys of an association are references; AMT is read without selectors.
    return Set.of();
  }
}
