package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Epr;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;
import org.dom4j.Element;

/** CIM_BootService: SetBootConfigRole arms (1) or disarms (32768) the one-time boot override. */
final class BootService extends CimResource {
  static final String METHOD = "SetBootConfigRole";
  private static final String NAME = "Intel(r) AMT Boot Service";
  private static final int INVALID_REFERENCE = 4;
  private static final int INVALID_PARAMETER = 5;

  BootService() {
    super(Namespaces.cimClass("CIM_BootService"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    CimInstance.Builder b = CimInstance.builder(resourceUri());
    CimNames.serviceKeys("CIM_BootService", NAME).forEach(b::key);
    return List.of(
        b.property("ElementName", NAME)
            .property("EnabledState", 2)
            .property("OperationalStatus", 0)
            .property("RequestedState", 12)
            .build());
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("CreationClassName", "Name", "SystemCreationClassName", "SystemName");
  }

  @Override
  public Set<String> methods() {
    return Set.of(METHOD);
  }

  @Override
  public Map<String, String> invoke(
      AmtFirmware firmware, String method, CimInstance target, Element input) {
    MethodInput in = new MethodInput(input, resourceUri());
    List<Epr> refs = in.references("BootConfigSetting");
    if (refs.size() != 1 || !isBootConfiguration(refs.get(0))) {
      return returnValue(INVALID_REFERENCE);
    }
    Long role = in.number("Role");
    if (role == null) {
      return returnValue(INVALID_PARAMETER);
    }
    return returnValue(firmware.boot().setRole(role.intValue()));
  }

  private static boolean isBootConfiguration(Epr ref) {
    return ref != null
        && CimNames.BOOT_CONFIG_SETTING.equals(ref.resourceUri())
        && CimNames.BOOT_CONFIG_ID.equals(ref.selectors().get("InstanceID"));
  }
}
