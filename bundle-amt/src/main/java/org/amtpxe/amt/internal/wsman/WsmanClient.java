package org.amtpxe.amt.internal.wsman;

import java.util.ArrayList;
import java.util.List;
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
  /** Far more than the 36 characters of a firmware's context (a UUID). */
  private static final int MAX_CONTEXT_CHARS = 256;

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

  /**
   * Enumerates every instance of a class: an Enumerate, then Pulls until EndOfSequence
   * (docs/amt-wsman.md#inventory). Reads the items of an optimized EnumerateResponse too, should a
   * service send them unasked. Bounded against a firmware that never ends the sequence: at most
   * {@code maxPulls} Pulls and {@code maxItems} items.
   *
   * @return the item elements in reply order, each as the firmware wrote it: an instance of the
   *     class or of a subclass, in that class's namespace
   * @throws org.amtpxe.api.error.DeviceCommunicationException when a reply has the wrong shape or a
   *     bound is exceeded
   * @throws DriverException as {@link WsmanTransport#send}
   */
  public List<Element> enumerate(String resourceUri, int maxPulls, int maxItems)
      throws DriverException {
    WsmanRequest request = WsmanRequest.enumerate(resourceUri);
    Element response = fetch(request, Wsman.ENUMERATE_RESPONSE);
    List<Element> items = new ArrayList<>();
    String context = context(request, response, null);
    boolean end = false;
    Element optimized = response.element(Wsman.WSMAN_ITEMS);
    if (optimized != null) {
      addItems(request, optimized, items, maxItems);
      end =
          response.element(Wsman.WSMAN_END_OF_SEQUENCE) != null
              || response.element(Wsman.END_OF_SEQUENCE) != null;
    }
    if (!end && context == null) {
      throw WsmanFailures.unusableReply(
          endpoint, request, 200, "EnumerateResponse has no EnumerationContext", null);
    }
    for (int pulls = 0; !end; pulls++) {
      request = WsmanRequest.pull(resourceUri, context);
      if (pulls == maxPulls) {
        throw WsmanFailures.unusableReply(
            endpoint,
            request,
            200,
            "the enumeration did not end after " + maxPulls + " Pulls (" + items.size() + " items)",
            null);
      }
      response = fetch(request, Wsman.PULL_RESPONSE);
      Element pulled = response.element(Wsman.ITEMS);
      if (pulled != null) {
        addItems(request, pulled, items, maxItems);
      }
      end = response.element(Wsman.END_OF_SEQUENCE) != null;
      // NOTE: a PullResponse may carry a new EnumerationContext; the next Pull must use it
      // (WS-Enumeration 3.3). Without one the old one stays valid.
      context = context(request, response, context);
      if (!end && context == null) {
        throw WsmanFailures.unusableReply(
            endpoint, request, 200, "PullResponse has neither EndOfSequence nor a context", null);
      }
    }
    return items;
  }

  private String context(WsmanRequest request, Element response, String previous)
      throws DriverException {
    Element element = response.element(Wsman.ENUMERATION_CONTEXT);
    if (element == null) {
      return previous;
    }
    String value = element.getTextTrim();
    if (value.isEmpty() || value.length() > MAX_CONTEXT_CHARS) {
      throw WsmanFailures.unusableReply(
          endpoint, request, 200, "EnumerationContext is empty or too long", null);
    }
    return value;
  }

  private void addItems(WsmanRequest request, Element items, List<Element> into, int maxItems)
      throws DriverException {
    for (Element item : items.elements()) {
      if (into.size() == maxItems) {
        throw WsmanFailures.unusableReply(
            endpoint,
            request,
            200,
            "the enumeration returned more than " + maxItems + " items",
            null);
      }
      into.add(item);
    }
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
