package org.amtpxe.virtualamt.internal.firmware;

import java.util.Arrays;
import java.util.Optional;
import org.amtpxe.virtualamt.BootDevice;

/** The CIM_BootSourceSetting instances AMT offers, in the order firmware enumerates them. */
public enum BootSource {
  HARD_DRIVE("Intel(r) AMT: Force Hard-drive Boot", "CIM:Hard-Disk:1", BootDevice.DISK),
  PXE("Intel(r) AMT: Force PXE Boot", "CIM:Network:1", BootDevice.PXE),
  CD_DVD("Intel(r) AMT: Force CD/DVD Boot", "CIM:CD/DVD:1", BootDevice.CDROM);

  private final String instanceId;
  private final String structuredBootString;
  private final BootDevice device;

  BootSource(String instanceId, String structuredBootString, BootDevice device) {
    this.instanceId = instanceId;
    this.structuredBootString = structuredBootString;
    this.device = device;
  }

  public String instanceId() {
    return instanceId;
  }

  public String structuredBootString() {
    return structuredBootString;
  }

  public BootDevice device() {
    return device;
  }

  /** The source with this InstanceID (exact, as firmware compares). */
  public static Optional<BootSource> byInstanceId(String instanceId) {
    return Arrays.stream(values()).filter(s -> s.instanceId.equals(instanceId)).findFirst();
  }
}
