package org.amtpxe.amt.internal.wsman;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;

/**
 * One WS-Management request: what to do (action), to what (resource URI and selectors) and the
 * body. Immutable: the body is copied in and copied out.
 *
 * @param operation a short name for messages, for example {@code RequestPowerStateChange}
 * @param action the WS-Addressing action URI
 * @param resourceUri the class the request addresses
 * @param selectors header selectors, in the order they are written
 * @param body the single body element, or null for an empty body
 */
public record WsmanRequest(
    String operation,
    String action,
    String resourceUri,
    Map<String, String> selectors,
    Element body) {

  public WsmanRequest {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resourceUri, "resourceUri");
    selectors = Collections.unmodifiableMap(new LinkedHashMap<>(selectors));
    body = body == null ? null : body.createCopy();
  }

  /** A WS-Transfer Get of a class instance. */
  public static WsmanRequest get(String resourceUri, Map<String, String> selectors) {
    return new WsmanRequest(
        "Get " + Wsman.className(resourceUri), Wsman.ACTION_GET, resourceUri, selectors, null);
  }

  /** A WS-Transfer Put of a class instance. */
  public static WsmanRequest put(String resourceUri, Map<String, String> selectors, Element body) {
    return new WsmanRequest(
        "Put " + Wsman.className(resourceUri),
        Wsman.ACTION_PUT,
        resourceUri,
        selectors,
        Objects.requireNonNull(body, "body"));
  }

  /**
   * A WS-Enumeration Enumerate of every instance of a class, with Intel's body: an empty {@code
   * Enumerate}, no filter, no mode, not optimized (docs/amt-wsman.md#inventory).
   */
  public static WsmanRequest enumerate(String resourceUri) {
    return new WsmanRequest(
        "Enumerate " + Wsman.className(resourceUri),
        Wsman.ACTION_ENUMERATE,
        resourceUri,
        Map.of(),
        DocumentHelper.createElement(Wsman.ENUMERATE));
  }

  /**
   * A WS-Enumeration Pull of the next items of an open enumeration, asking for as many as Intel's
   * tools do.
   *
   * @param context the EnumerationContext of the previous Enumerate or Pull reply
   */
  public static WsmanRequest pull(String resourceUri, String context) {
    Element pull = DocumentHelper.createElement(Wsman.PULL);
    pull.addElement(Wsman.ENUMERATION_CONTEXT).setText(Objects.requireNonNull(context));
    pull.addElement(Wsman.MAX_ELEMENTS).setText(Integer.toString(Wsman.PULL_MAX_ELEMENTS));
    pull.addElement(Wsman.MAX_CHARACTERS).setText(Integer.toString(Wsman.PULL_MAX_CHARACTERS));
    return new WsmanRequest(
        "Pull " + Wsman.className(resourceUri), Wsman.ACTION_PULL, resourceUri, Map.of(), pull);
  }

  /**
   * A method call: the action is {@code <resourceUri>/<method>}, the body the method's {@code
   * <method>_INPUT} element.
   */
  public static WsmanRequest invoke(
      String resourceUri, String method, Map<String, String> selectors, Element input) {
    return new WsmanRequest(
        method, resourceUri + "/" + method, resourceUri, selectors, Objects.requireNonNull(input));
  }

  /** A copy of the body element, or null for an empty body. */
  @Override
  public Element body() {
    return body == null ? null : body.createCopy();
  }

  /** Whether the request is a method call (its reply carries a ReturnValue). */
  public boolean isInvoke() {
    return !action.equals(Wsman.ACTION_GET)
        && !action.equals(Wsman.ACTION_PUT)
        && !action.equals(Wsman.ACTION_ENUMERATE)
        && !action.equals(Wsman.ACTION_PULL);
  }

  /** Writes the body into {@code parent} without an intermediate copy. */
  void appendBodyTo(Element parent) {
    if (body != null) {
      parent.add(body.createCopy());
    }
  }
}
