package org.amtpxe.amt.internal.cim;

import java.util.Map;
import org.amtpxe.amt.internal.wsman.Envelopes;
import org.amtpxe.amt.internal.wsman.Wsman;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.amt.internal.wsman.WsmanRequest;
import org.amtpxe.api.error.DriverException;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;

/**
 * {@code CIM_BootConfigSetting}: the boot source of the next boot (docs/amt-wsman.md#boot-order).
 */
public final class CimBootConfigSetting {
  public static final String CLASS = "CIM_BootConfigSetting";
  public static final String URI = Wsman.cim(CLASS);
  public static final String CHANGE_BOOT_ORDER = "ChangeBootOrder";
  public static final String INSTANCE_ID = "Intel(r) AMT: Boot Configuration 0";
  public static final Map<String, String> SELECTORS = Map.of("InstanceID", INSTANCE_ID);

  /** The {@code CIM_BootSourceSetting} class a Source reference points to. */
  public static final String BOOT_SOURCE_URI = Wsman.cim("CIM_BootSourceSetting");

  public static final String SOURCE_PXE = "Intel(r) AMT: Force PXE Boot";
  public static final String SOURCE_HARD_DRIVE = "Intel(r) AMT: Force Hard-drive Boot";
  public static final String SOURCE_CD_DVD = "Intel(r) AMT: Force CD/DVD Boot";

  private final WsmanClient client;

  public CimBootConfigSetting(WsmanClient client) {
    this.client = client;
  }

  /**
   * The request that sets the first boot source, or clears it when {@code sourceInstanceId} is null
   * (an empty {@code ChangeBootOrder_INPUT}).
   */
  public static WsmanRequest changeBootOrderRequest(String sourceInstanceId) {
    Element input = DocumentHelper.createElement(Wsman.inClass(URI, "ChangeBootOrder_INPUT"));
    if (sourceInstanceId != null) {
      Envelopes.addReference(
          input, "Source", BOOT_SOURCE_URI, Map.of("InstanceID", sourceInstanceId));
    }
    return WsmanRequest.invoke(URI, CHANGE_BOOT_ORDER, SELECTORS, input);
  }

  /**
   * Sets (or, with null, clears) the boot source. Only the first source counts.
   *
   * @throws org.amtpxe.api.error.OperationFailedException when ReturnValue is not 0
   * @throws DriverException when the call fails
   */
  public void changeBootOrder(String sourceInstanceId) throws DriverException {
    client.invoke(changeBootOrderRequest(sourceInstanceId));
  }
}
