package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/** AMT_BootCapabilities: what the boot override can do on this platform. */
final class BootCapabilities extends CimResource {
  BootCapabilities() {
    super(Namespaces.amtClass("AMT_BootCapabilities"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    return List.of(
        CimInstance.builder(resourceUri())
            .key("InstanceID", "Intel(r) AMT:BootCapabilities 0")
            .property("ElementName", "Intel(r) AMT: Boot Capabilities")
            .property("BIOSPause", false)
            .property("BIOSReflash", true)
            .property("BIOSSecureBoot", true)
            .property("BIOSSetup", true)
            .property("ConfigurationDataReset", false)
            .property("ForceCDorDVDBoot", true)
            .property("ForceDiagnosticBoot", false)
            .property("ForceHardDriveBoot", true)
            .property("ForceHardDriveSafeModeBoot", false)
            .property("ForcePXEBoot", true)
            .property("ForcedProgressEvents", true)
            .property("IDER", true)
            .property("KeyboardLock", true)
            .property("PowerButtonLock", false)
            .property("ResetButtonLock", false)
            .property("SOL", true)
            .property("SecureErase", false)
            .property("SleepButtonLock", false)
            .property("UserPasswordBypass", true)
            .property("VerbosityQuiet", false)
            .property("VerbosityScreenBlank", false)
            .property("VerbosityVerbose", false)
            .build());
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("InstanceID");
  }
}
