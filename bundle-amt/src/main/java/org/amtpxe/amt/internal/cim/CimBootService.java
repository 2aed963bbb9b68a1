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
 * {@code CIM_BootService}: makes the boot configuration apply to the next boot
 * (docs/amt-wsman.md#boot-role).
 */
public final class CimBootService {
  public static final String CLASS = "CIM_BootService";
  public static final String URI = Wsman.cim(CLASS);
  public static final String SET_BOOT_CONFIG_ROLE = "SetBootConfigRole";
  public static final Map<String, String> SELECTORS = Map.of("Name", "Intel(r) AMT Boot Service");

  /** Role 1, IsNextSingleUse: the configuration applies to the next boot only. */
  public static final int ROLE_IS_NEXT_SINGLE_USE = 1;

  private final WsmanClient client;

  public CimBootService(WsmanClient client) {
    this.client = client;
  }

  /** The request that gives AMT's boot configuration the role {@code role}. */
  public static WsmanRequest setBootConfigRoleRequest(int role) {
    Element input = DocumentHelper.createElement(Wsman.inClass(URI, "SetBootConfigRole_INPUT"));
    Envelopes.addReference(
        input, "BootConfigSetting", CimBootConfigSetting.URI, CimBootConfigSetting.SELECTORS);
    input.addElement(Wsman.inClass(URI, "Role")).setText(Integer.toString(role));
    return WsmanRequest.invoke(URI, SET_BOOT_CONFIG_ROLE, SELECTORS, input);
  }

  /**
   * Gives AMT's boot configuration a role; 1 arms it for the next boot.
   *
   * @throws org.amtpxe.api.error.OperationFailedException when ReturnValue is not 0
   * @throws DriverException when the call fails
   */
  public void setBootConfigRole(int role) throws DriverException {
    client.invoke(setBootConfigRoleRequest(role));
  }
}
