package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/** CIM_BIOSElement: the host's BIOS, its vendor, version and release date. */
final class BiosElement extends CimResource {
  BiosElement() {
    super(Namespaces.cimClass("CIM_BIOSElement"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    Hardware.Bios bios = firmware.hardware().bios();
    return List.of(
        CimInstance.builder(resourceUri())
            .property("ElementName", "Primary BIOS")
            .property("Manufacturer", bios.vendor())
            .key("Name", "Primary BIOS")
            .property("OperationalStatus", 0)
            .property("PrimaryBIOS", true)
            .datetime("ReleaseDate", bios.releaseDate() + "T00:00:00Z")
            .key("SoftwareElementID", bios.version())
            .key("SoftwareElementState", "2")
            .key("TargetOperatingSystem", "66")
            .key("Version", bios.version())
            .build());
  }

  @Override
  public Set<String> keyNames() {
    return Set.of(
        "Name", "SoftwareElementID", "SoftwareElementState", "TargetOperatingSystem", "Version");
  }
}
