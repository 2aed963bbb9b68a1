package org.amtpxe.amt.internal.cim;

import java.util.Map;
import java.util.Set;
import org.amtpxe.amt.internal.wsman.Wsman;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.amt.internal.wsman.WsmanRequest;
import org.amtpxe.api.error.DriverException;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * {@code AMT_BootSettingData}: the options of the next boot (IDE-R, SOL, BIOS setup, locks...).
 * Before a boot source is set, the flags that conflict with it are cleared
 * (docs/amt-wsman.md#boot-settings); Ironic never did this.
 */
public final class AmtBootSettingData {
  public static final String CLASS = "AMT_BootSettingData";
  public static final String URI = Wsman.amt(CLASS);
  public static final QName INSTANCE = Wsman.inClass(URI, CLASS);

  /** Fields the firmware reports but refuses in a Put. */
  public static final Set<String> READ_ONLY =
      Set.of(
          "BIOSLastStatus",
          "BootguardStatus",
          "OptionsCleared",
          "UefiBootParametersArray",
          "WinREBootEnabled",
          "UEFILocalPBABootEnabled",
          "UEFIHTTPSBootEnabled",
          "SecureBootControlEnabled",
          "RPEEnabled");

  /** Flags that conflict with a forced boot source; cleared to false. */
  public static final Set<String> CLEARED_FLAGS =
      Set.of(
          "UseIDER",
          "UseSOL",
          "BIOSSetup",
          "BIOSPause",
          "ReflashBIOS",
          "UseSafeMode",
          "UserPasswordBypass",
          "SecureErase",
          "LockKeyboard",
          "LockPowerButton",
          "LockResetButton",
          "LockSleepButton",
          "ConfigurationDataReset");

  /**
   * Numbers reset to 0. UefiBootNumberOfParams counts the (dropped, read-only) parameter array, so
   * it goes to 0 with it.
   */
  public static final Set<String> ZEROED =
      Set.of("BootMediaIndex", "FirmwareVerbosity", "UefiBootNumberOfParams");

  public static final String BIOS_SETUP = "BIOSSetup";

  private final WsmanClient client;

  public AmtBootSettingData(WsmanClient client) {
    this.client = client;
  }

  /** The selector-less Get of the instance. */
  public static WsmanRequest getRequest() {
    return WsmanRequest.get(URI, Map.of());
  }

  /**
   * The Put that writes back {@code current} (an instance from a Get) with the conflicting flags
   * cleared and the read-only fields dropped, children in the order the Get returned them.
   *
   * @param current the instance as the firmware returned it
   * @param biosSetup true to set BIOSSetup (boot into the BIOS setup screen)
   */
  public static WsmanRequest putRequest(Element current, boolean biosSetup) {
    Element updated = DocumentHelper.createElement(INSTANCE);
    boolean biosSetupWritten = false;
    for (Element field : current.elements()) {
      if (!URI.equals(field.getNamespaceURI()) || READ_ONLY.contains(field.getName())) {
        continue;
      }
      String name = field.getName();
      String value = field.getText();
      if (name.equals(BIOS_SETUP)) {
        value = Boolean.toString(biosSetup);
        biosSetupWritten = true;
      } else if (CLEARED_FLAGS.contains(name)) {
        value = "false";
      } else if (ZEROED.contains(name)) {
        value = "0";
      }
      updated.addElement(Wsman.inClass(URI, name)).setText(value);
    }
    if (biosSetup && !biosSetupWritten) {
      updated.addElement(Wsman.inClass(URI, BIOS_SETUP)).setText("true");
    }
    return WsmanRequest.put(URI, Map.of(), updated);
  }

  /**
   * Reads the current boot options.
   *
   * @throws DriverException when the call fails
   */
  public Element get() throws DriverException {
    return client.fetch(getRequest(), INSTANCE);
  }

  /**
   * Writes the boot options back, cleared for a forced boot source; see {@link #putRequest}.
   *
   * @throws DriverException when the call fails (a fault: Put reports errors as faults)
   */
  public void put(Element current, boolean biosSetup) throws DriverException {
    client.fetch(putRequest(current, biosSetup), INSTANCE);
  }
}
