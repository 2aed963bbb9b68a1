package org.amtpxe.amt.internal.cim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amtpxe.amt.internal.wsman.Wsman;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.amt.internal.wsman.WsmanFailures;
import org.amtpxe.amt.internal.wsman.WsmanRequest;
import org.amtpxe.api.error.DriverException;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * {@code CIM_AssociatedPowerManagementService}: the host's power state and the states that may be
 * requested now (docs/amt-wsman.md#power-state).
 */
public final class CimAssociatedPowerManagementService {
  public static final String CLASS = "CIM_AssociatedPowerManagementService";
  public static final String URI = Wsman.cim(CLASS);
  public static final QName INSTANCE = Wsman.inClass(URI, CLASS);

  /**
   * What the AMT reports.
   *
   * @param powerState the CIM PowerState value
   * @param availableRequestedPowerStates the values that may be requested in this state
   */
  public record PowerStatus(int powerState, List<Integer> availableRequestedPowerStates) {
    public PowerStatus {
      availableRequestedPowerStates = List.copyOf(availableRequestedPowerStates);
    }
  }

  private final WsmanClient client;

  public CimAssociatedPowerManagementService(WsmanClient client) {
    this.client = client;
  }

  /** The selector-less Get of the instance. */
  public static WsmanRequest getRequest() {
    return WsmanRequest.get(URI, Map.of());
  }

  /**
   * Reads the instance element of a Get reply.
   *
   * @throws IllegalArgumentException when PowerState is missing or a value is not a number
   */
  public static PowerStatus parse(Element instance) {
    Element state = instance.element(Wsman.inClass(URI, "PowerState"));
    if (state == null) {
      throw new IllegalArgumentException("the instance has no PowerState");
    }
    List<Integer> available = new ArrayList<>();
    for (Element value : instance.elements(Wsman.inClass(URI, "AvailableRequestedPowerStates"))) {
      available.add(number(value));
    }
    return new PowerStatus(number(state), available);
  }

  private static int number(Element element) {
    try {
      return Integer.parseInt(element.getTextTrim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          element.getName() + " '" + element.getTextTrim() + "' is not a number", e);
    }
  }

  /**
   * Reads the power state.
   *
   * @throws DriverException when the call fails or the reply cannot be read
   */
  public PowerStatus get() throws DriverException {
    WsmanRequest request = getRequest();
    Element instance = client.fetch(request, INSTANCE);
    try {
      return parse(instance);
    } catch (IllegalArgumentException e) {
      throw WsmanFailures.unusableReply(client.endpoint(), request, 200, e.getMessage(), e);
    }
  }
}
