package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/**
 * CIM_SoftwareIdentity: the management engine's firmware components, one instance each, InstanceID
 * {@code Flash}, {@code Netstack}, {@code AMTApps}, {@code AMT}, ... The AMT version 11.8.50.3425
 * is written as {@code 11.8.50} with {@code Build Number} 3425.
 */
final class SoftwareIdentity extends CimResource {
  SoftwareIdentity() {
    super(Namespaces.cimClass("CIM_SoftwareIdentity"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    String[] parts = firmware.spec().firmwareVersion().split("\\.");
    String version = parts[0] + "." + parts[1] + "." + (parts.length > 2 ? parts[2] : "0");
    String build = parts.length > 3 ? parts[3] : "0";
    Map<String, String> components = new LinkedHashMap<>();
    components.put("Flash", version);
    components.put("Netstack", version);
    components.put("AMTApps", version);
    components.put("AMT", version);
    components.put("Sku", "16392");
    components.put("VendorID", "8086");
    components.put("Build Number", build);
    components.put("Recovery Version", version);
    components.put("Recovery Build Num", build);
    components.put("Legacy Mode", "False");
    components.put("AMT FW Core Version", version);
    List<CimInstance> result = new ArrayList<>(components.size());
    for (Map.Entry<String, String> c : components.entrySet()) {
      result.add(
          CimInstance.builder(resourceUri())
              .key("InstanceID", c.getKey())
              .property("IsEntity", true)
              .property("VersionString", c.getValue())
              .build());
    }
    return result;
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("InstanceID");
  }
}
