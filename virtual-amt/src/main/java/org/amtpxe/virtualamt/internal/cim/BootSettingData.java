package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.firmware.BootSettings;
import org.amtpxe.virtualamt.internal.wsman.WsmanFault;
import org.dom4j.Element;

/** AMT_BootSettingData: the boot options for the next override boot; Get and Put. */
final class BootSettingData extends CimResource {
  BootSettingData() {
    super(BootSettings.RESOURCE_URI);
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    CimInstance.Builder b = CimInstance.builder(resourceUri());
    for (Map.Entry<String, List<String>> e : firmware.boot().settings().snapshot().entrySet()) {
      if ("InstanceID".equals(e.getKey())) {
        b.key("InstanceID", e.getValue().get(0));
      } else {
        b.property(e.getKey(), e.getValue());
      }
    }
    return List.of(b.build());
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("InstanceID");
  }

  @Override
  public boolean supportsPut() {
    return true;
  }

  @Override
  public CimInstance put(AmtFirmware firmware, CimInstance target, Element body) throws WsmanFault {
    firmware.boot().settings().put(body);
    return instances(firmware).get(0);
  }
}
