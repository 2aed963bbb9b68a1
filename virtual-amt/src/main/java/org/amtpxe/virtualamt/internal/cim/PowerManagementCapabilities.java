package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.firmware.PowerPolicy;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/** CIM_PowerManagementCapabilities: which power states the platform supports. */
final class PowerManagementCapabilities extends CimResource {
  PowerManagementCapabilities() {
    super(Namespaces.cimClass("CIM_PowerManagementCapabilities"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    return List.of(
        CimInstance.builder(resourceUri())
            .key("InstanceID", "Intel(r) AMT:PowerManagementCapabilities 0")
            .property("ElementName", "Intel(r) AMT: Power Management Capabilities")
            // 3 = power state settable, 4 = power cycling supported, 8 = graceful shutdown
            .property(
                "PowerChangeCapabilities", firmware.osAgent() ? List.of(3, 4, 8) : List.of(3, 4))
            .property("PowerStatesSupported", PowerPolicy.supported(firmware.osAgent()))
            .build());
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("InstanceID");
  }
}
