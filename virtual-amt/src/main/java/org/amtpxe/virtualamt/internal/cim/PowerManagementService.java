package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Epr;
import org.dom4j.Element;

/** CIM_PowerManagementService: RequestPowerStateChange (docs/amt-wsman.md#power-change). */
final class PowerManagementService extends CimResource {
  static final String METHOD = "RequestPowerStateChange";

  /** ReturnValue: invalid parameter. */
  private static final int INVALID_PARAMETER = 5;

  /** ReturnValue: timeout parameter not supported. */
  private static final int TIMEOUT_NOT_SUPPORTED = 4098;

  PowerManagementService() {
    super(CimNames.POWER_MANAGEMENT_SERVICE);
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    CimInstance.Builder b = CimInstance.builder(resourceUri());
    CimNames.serviceKeys("CIM_PowerManagementService", CimNames.POWER_SERVICE_NAME).forEach(b::key);
    return List.of(
        b.property("ElementName", CimNames.POWER_SERVICE_NAME)
            .property("EnabledState", 5)
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
    Long powerState = in.number("PowerState");
    if (powerState == null || powerState < 0 || powerState > 0xFFFF) {
      return returnValue(INVALID_PARAMETER);
    }
    if (in.has("TimeoutPeriod")) {
      return returnValue(TIMEOUT_NOT_SUPPORTED);
    }
    if (in.has("Time") || !managesHost(in.references("ManagedElement"))) {
      return returnValue(INVALID_PARAMETER);
    }
    return returnValue(firmware.requestPowerStateChange(powerState.intValue()));
  }

  private static boolean managesHost(List<Epr> refs) {
    if (refs.size() != 1 || refs.get(0) == null) {
      return false;
    }
    Epr epr = refs.get(0);
    String name = epr.selectors().get("Name");
    String creationClass = epr.selectors().get("CreationClassName");
    return CimNames.COMPUTER_SYSTEM.equals(epr.resourceUri())
        && (name == null || CimNames.MANAGED_SYSTEM.equals(name))
        && (creationClass == null || "CIM_ComputerSystem".equals(creationClass));
  }
}
