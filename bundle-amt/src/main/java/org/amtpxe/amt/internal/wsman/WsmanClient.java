package org.amtpxe.amt.internal.wsman;

import org.amtpxe.api.error.DriverException;
import org.dom4j.Document;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * Sends requests to one AMT and hands back the part of the reply that matters: the instance of a
 * Get or Put, or the checked {@code <Method>_OUTPUT} of a method call. Replies are recognised by
 * their body element (namespace and local name), never by the Action header, which some firmware
 * gets wrong (docs/amt-wsman.md#replies).
 */
public final class WsmanClient {
  private final WsmanTransport transport;
  private final AmtEndpoint endpoint;

  public WsmanClient(WsmanTransport transport, AmtEndpoint endpoint) {
    this.transport = transport;
    this.endpoint = endpoint;
  }

  /** The AMT this client talks to. */
  public AmtEndpoint endpoint() {
    return endpoint;
  }

  /**
   * Sends a Get or Put and returns the body element, which must be {@code expected}.
   *
   * @throws DriverException as {@link WsmanTransport#send}, or when the body holds something else
   */
  public Element fetch(WsmanRequest request, QName expected) throws DriverException {
    Element element = firstBodyElement(request, transport.send(request));
    if (element == null || !element.getQName().equals(expected)) {
      throw WsmanFailures.unusableReply(
          endpoint,
          request,
          200,
          "expected " + expected.getName() + " in the body, found " + describe(element),
          null);
    }
    return element;
  }

  /**
   * Calls a method and returns its {@code <Method>_OUTPUT} after checking that ReturnValue is 0.
   *
   * @throws org.amtpxe.api.error.OperationFailedException when ReturnValue is not 0
   * @throws DriverException as {@link WsmanTransport#send}
   */
  public Element invoke(WsmanRequest request) throws DriverException {
    QName output = Wsman.inClass(request.resourceUri(), request.operation() + "_OUTPUT");
    Element element = fetch(request, output);
    WsmanFailures.checkReturnValue(endpoint, request, element);
    return element;
  }

  private Element firstBodyElement(WsmanRequest request, Document reply) throws DriverException {
    Element body = reply.getRootElement().element(Wsman.BODY);
    if (body == null) {
      throw WsmanFailures.unusableReply(endpoint, request, 200, "the envelope has no Body", null);
    }
    return body.elements().isEmpty() ? null : body.elements().get(0);
  }

  private static String describe(Element element) {
    return element == null ? "nothing" : "{" + element.getNamespaceURI() + "}" + element.getName();
  }
}
