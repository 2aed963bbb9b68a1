package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/**
 * CIM_MediaAccessDevice: one instance per disk, {@code MEDIA DEV <n>}, MaxMediaSize in kilobytes of
 * 1000 bytes (a 500107862016-byte disk is 500107862). Firmware gives no model or serial.
 */
final class MediaAccessDevice extends CimResource {
  MediaAccessDevice() {
    super(Namespaces.cimClass("CIM_MediaAccessDevice"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    List<Hardware.Disk> disks = firmware.hardware().disks();
    List<CimInstance> result = new ArrayList<>(disks.size());
    for (int i = 0; i < disks.size(); i++) {
      result.add(
          Inventory.device(resourceUri(), "CIM_MediaAccessDevice", "MEDIA DEV " + i)
              .property("Capabilities", 4)
              .property("ElementName", "Managed System Media Access Device")
              .property("EnabledDefault", 2)
              .property("EnabledState", 0)
              .property("MaxMediaSize", disks.get(i).sizeBytes() / 1000)
              .property("OperationalStatus", 0)
              .property("RequestedState", 12)
              .property("Security", 2)
              .build());
    }
    return result;
  }

  @Override
  public Set<String> keyNames() {
    return Inventory.DEVICE_KEYS;
  }
}
