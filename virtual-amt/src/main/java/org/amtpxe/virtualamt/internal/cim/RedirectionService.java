package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.RedirectionState;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;
import org.amtpxe.virtualamt.internal.wsman.WsmanFault;
import org.amtpxe.virtualamt.internal.wsman.Xml;
import org.dom4j.Element;

/**
 * AMT_RedirectionService: the redirection listener (ListenerEnabled, by Put) and which sessions it
 * allows (EnabledState, by RequestStateChange); docs/amt-sol.md#enabling.
 */
final class RedirectionService extends CimResource {
  static final String METHOD = "RequestStateChange";
  private static final String NAME = "Intel(r) AMT Redirection Service";

  /** ReturnValue: invalid parameter. */
  private static final int INVALID_PARAMETER = 5;

  RedirectionService() {
    super(Namespaces.amtClass("AMT_RedirectionService"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    RedirectionState r = firmware.redirection();
    return List.of(
        CimInstance.builder(resourceUri())
            .key("CreationClassName", "AMT_RedirectionService")
            .property("ElementName", NAME)
            .property("EnabledState", r.enabledState())
            .property("ListenerEnabled", r.listenerEnabled())
            .key("Name", NAME)
            .key("SystemCreationClassName", "CIM_ComputerSystem")
            .key("SystemName", "Intel(r) AMT")
            .build());
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("CreationClassName", "Name", "SystemCreationClassName", "SystemName");
  }

  @Override
  public boolean supportsPut() {
    return true;
  }

  @Override
  public CimInstance put(AmtFirmware firmware, CimInstance target, Element body) throws WsmanFault {
    String listener = Xml.childText(body, resourceUri(), "ListenerEnabled");
    if (listener == null
        || !("true".equalsIgnoreCase(listener.trim())
            || "false".equalsIgnoreCase(listener.trim()))) {
      throw WsmanFault.invalidRepresentation(
          "InvalidValues", "ListenerEnabled must be true or false");
    }
    RedirectionState r = firmware.redirection();
    firmware.setRedirection(
        new RedirectionState(Boolean.parseBoolean(listener.trim()), r.enabledState()));
    return instances(firmware).get(0);
  }

  @Override
  public Set<String> methods() {
    return Set.of(METHOD);
  }

  @Override
  public Map<String, String> invoke(
      AmtFirmware firmware, String method, CimInstance target, Element input) {
    Long requested = new MethodInput(input, resourceUri()).number("RequestedState");
    if (requested == null
        || requested < RedirectionState.DISABLED
        || requested > RedirectionState.IDER_AND_SOL) {
      return returnValue(INVALID_PARAMETER);
    }
    RedirectionState r = firmware.redirection();
    firmware.setRedirection(new RedirectionState(r.listenerEnabled(), requested.intValue()));
    return returnValue(0);
  }
}
