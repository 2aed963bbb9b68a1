package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.firmware.BootSource;

/** CIM_BootSourceSetting: the devices ChangeBootOrder can choose. */
final class BootSourceSetting extends CimResource {
  BootSourceSetting() {
    super(CimNames.BOOT_SOURCE_SETTING);
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    List<CimInstance> result = new ArrayList<>();
    for (BootSource source : BootSource.values()) {
      result.add(
          CimInstance.builder(resourceUri())
              .key("InstanceID", source.instanceId())
              .property("ElementName", "Intel(r) AMT: Boot Source")
              .property("FailThroughSupported", 2)
              .property("StructuredBootString", source.structuredBootString())
              .build());
    }
    return result;
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("InstanceID");
  }
}
