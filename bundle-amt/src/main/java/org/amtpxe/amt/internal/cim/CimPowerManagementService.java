package org.amtpxe.amt.internal.cim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.amtpxe.amt.internal.wsman.Envelopes;
import org.amtpxe.amt.internal.wsman.Wsman;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.amt.internal.wsman.WsmanRequest;
import org.amtpxe.api.error.DriverException;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;

/**
 * {@code CIM_PowerManagementService}: changes the host's power state
 * (docs/amt-wsman.md#power-change).
 */
public final class CimPowerManagementService {
  public static final String CLASS = "CIM_PowerManagementService";
  public static final String URI = Wsman.cim(CLASS);
  public static final String REQUEST_POWER_STATE_CHANGE = "RequestPowerStateChange";

  /** The header selector Ironic and sdague/amt send (Intel's libraries send none; both work). */
  public static final Map<String, String> SELECTORS =
      Map.of("Name", "Intel(r) AMT Power Management Service");

  /** The managed element every power request names: the host itself. */
  static final Map<String, String> COMPUTER_SYSTEM_SELECTORS = computerSystemSelectors();

  private final WsmanClient client;

  public CimPowerManagementService(WsmanClient client) {
    this.client = client;
  }

  private static Map<String, String> computerSystemSelectors() {
    Map<String, String> selectors = new LinkedHashMap<>();
    selectors.put("CreationClassName", "CIM_ComputerSystem");
    selectors.put("Name", "ManagedSystem");
    return selectors;
  }

  /** The request to move the host to a CIM power state (2 on, 8 off, 10 reset...). */
  public static WsmanRequest requestPowerStateChangeRequest(int powerState) {
    Element input =
        DocumentHelper.createElement(Wsman.inClass(URI, "RequestPowerStateChange_INPUT"));
    input.addElement(Wsman.inClass(URI, "PowerState")).setText(Integer.toString(powerState));
    Envelopes.addReference(
        input, "ManagedElement", Wsman.cim("CIM_ComputerSystem"), COMPUTER_SYSTEM_SELECTORS);
    return WsmanRequest.invoke(URI, REQUEST_POWER_STATE_CHANGE, SELECTORS, input);
  }

  /**
   * Asks the AMT to move the host to a CIM power state.
   *
   * @throws org.amtpxe.api.error.OperationFailedException when ReturnValue is not 0
   * @throws DriverException when the call fails
   */
  public void requestPowerStateChange(int powerState) throws DriverException {
    client.invoke(requestPowerStateChangeRequest(powerState));
  }
}
