package org.amtpxe.amt.internal.cim;

import java.util.Map;
import org.amtpxe.amt.internal.wsman.Wsman;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.amt.internal.wsman.WsmanRequest;
import org.amtpxe.api.error.DriverException;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * {@code AMT_RedirectionService}: whether the redirection listener (TCP 16994/16995) accepts
 * sessions and which of SOL and IDE-R it allows (docs/amt-sol.md#enabling). SOL is enabled the way
 * Intel's library does it: {@code RequestStateChange} to an EnabledState that includes SOL, and a
 * Put of the instance with {@code ListenerEnabled} true.
 */
public final class AmtRedirectionService {
  public static final String CLASS = "AMT_RedirectionService";
  public static final String URI = Wsman.amt(CLASS);
  public static final QName INSTANCE = Wsman.inClass(URI, CLASS);
  public static final String REQUEST_STATE_CHANGE = "RequestStateChange";

  /** EnabledState: IDE-R and SOL disabled. */
  public static final int IDER_AND_SOL_DISABLED = 32768;

  /** EnabledState: IDE-R enabled, SOL disabled. */
  public static final int IDER_ONLY = 32769;

  /** EnabledState: SOL enabled, IDE-R disabled. */
  public static final int SOL_ONLY = 32770;

  /** EnabledState: IDE-R and SOL enabled. */
  public static final int IDER_AND_SOL_ENABLED = 32771;

  /** Fields of the instance a Put must not carry (firmware computes them). */
  private static final java.util.Set<String> READ_ONLY = java.util.Set.of("AccessLog");

  private final WsmanClient client;

  public AmtRedirectionService(WsmanClient client) {
    this.client = client;
  }

  /** The selector-less Get of the single instance. */
  public static WsmanRequest getRequest() {
    return WsmanRequest.get(URI, Map.of());
  }

  /** The request to change which redirections are enabled (one of the EnabledState values). */
  public static WsmanRequest requestStateChangeRequest(int requestedState) {
    Element input = DocumentHelper.createElement(Wsman.inClass(URI, "RequestStateChange_INPUT"));
    input
        .addElement(Wsman.inClass(URI, "RequestedState"))
        .setText(Integer.toString(requestedState));
    return WsmanRequest.invoke(URI, REQUEST_STATE_CHANGE, Map.of(), input);
  }

  /**
   * The Put that writes back {@code current} (the instance from a Get) with {@code ListenerEnabled}
   * true, fields in the order the Get returned them.
   */
  public static WsmanRequest enableListenerRequest(Element current) {
    Element updated = DocumentHelper.createElement(INSTANCE);
    boolean written = false;
    for (Element field : current.elements()) {
      if (!URI.equals(field.getNamespaceURI()) || READ_ONLY.contains(field.getName())) {
        continue;
      }
      String value = field.getText();
      if ("ListenerEnabled".equals(field.getName())) {
        value = "true";
        written = true;
      }
      updated.addElement(Wsman.inClass(URI, field.getName())).setText(value);
    }
    if (!written) {
      updated.addElement(Wsman.inClass(URI, "ListenerEnabled")).setText("true");
    }
    return WsmanRequest.put(URI, Map.of(), updated);
  }

  /** The EnabledState that adds SOL to {@code current}, keeping IDE-R as it is. */
  public static int withSol(int current) {
    return current == IDER_ONLY || current == IDER_AND_SOL_ENABLED
        ? IDER_AND_SOL_ENABLED
        : SOL_ONLY;
  }

  /** True when the EnabledState allows SOL sessions. */
  public static boolean solEnabled(int enabledState) {
    return enabledState == SOL_ONLY || enabledState == IDER_AND_SOL_ENABLED;
  }

  /**
   * Reads the instance.
   *
   * @throws DriverException when the call fails
   */
  public Element get() throws DriverException {
    return client.fetch(getRequest(), INSTANCE);
  }

  /**
   * Makes the listener accept SOL sessions: at most one Get, one RequestStateChange and one Put,
   * each only when needed.
   *
   * @return true when something had to be changed
   * @throws org.amtpxe.api.error.OperationFailedException when the firmware refuses (a non-zero
   *     ReturnValue, or a fault)
   * @throws DriverException when a call fails
   */
  public boolean enableSol() throws DriverException {
    Element current = get();
    int state = parseState(current.elementText(Wsman.inClass(URI, "EnabledState")));
    boolean changed = false;
    if (!solEnabled(state)) {
      client.invoke(requestStateChangeRequest(withSol(state)));
      changed = true;
    }
    if (!"true"
        .equalsIgnoreCase(trim(current.elementText(Wsman.inClass(URI, "ListenerEnabled"))))) {
      client.fetch(enableListenerRequest(current), INSTANCE);
      changed = true;
    }
    return changed;
  }

  private static int parseState(String text) {
    try {
      return Integer.parseInt(trim(text));
    } catch (NumberFormatException e) {
      // NOTE: an absent or unreadable EnabledState is treated as "SOL disabled": asking for it
      // once more is harmless, assuming it is enabled is not.
      return IDER_AND_SOL_DISABLED;
    }
  }

  private static String trim(String text) {
    return text == null ? "" : text.trim();
  }
}
