package org.amtpxe.amt.internal.wsman;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.dom4j.Document;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.io.OutputFormat;
import org.dom4j.io.XMLWriter;

/** Builds and serialises SOAP 1.2 envelopes for WS-Management requests with Dom4j. */
public final class Envelopes {

  private Envelopes() {}

  /**
   * The envelope of a request, header in the order Intel's tools write it
   * (docs/amt-wsman.md#envelope).
   *
   * @param request the request
   * @param messageId the unique message id, for example {@code uuid:...}
   */
  public static Document build(WsmanRequest request, String messageId) {
    return BundleTccl.call(() -> doBuild(request, messageId));
  }

  private static Document doBuild(WsmanRequest request, String messageId) {
    Document document = DocumentHelper.createDocument();
    Element envelope = document.addElement(Wsman.ENVELOPE);
    envelope.add(Wsman.A);
    envelope.add(Wsman.W);
    Element header = envelope.addElement(Wsman.HEADER);
    mustUnderstand(header.addElement(Wsman.ACTION)).setText(request.action());
    mustUnderstand(header.addElement(Wsman.TO_ELEMENT)).setText(Wsman.TO);
    mustUnderstand(header.addElement(Wsman.RESOURCE_URI)).setText(request.resourceUri());
    mustUnderstand(header.addElement(Wsman.MESSAGE_ID)).setText(messageId);
    mustUnderstand(header.addElement(Wsman.REPLY_TO).addElement(Wsman.ADDRESS))
        .setText(Wsman.ANONYMOUS);
    header.addElement(Wsman.OPERATION_TIMEOUT_ELEMENT).setText(Wsman.OPERATION_TIMEOUT);
    if (!request.selectors().isEmpty()) {
      addSelectorSet(header, request.selectors());
    }
    Element body = envelope.addElement(Wsman.BODY);
    request.appendBodyTo(body);
    return document;
  }

  /**
   * Appends {@code <Name>} holding an endpoint reference to a class instance: the anonymous
   * address, the resource URI and the selectors (docs/amt-wsman.md#endpoint-references).
   */
  public static Element addReference(
      Element parent, String name, String resourceUri, Map<String, String> selectors) {
    Element reference = parent.addElement(Wsman.inClass(parent.getNamespaceURI(), name));
    reference.addElement(Wsman.ADDRESS).setText(Wsman.ANONYMOUS);
    Element parameters = reference.addElement(Wsman.REFERENCE_PARAMETERS);
    parameters.addElement(Wsman.RESOURCE_URI).setText(resourceUri);
    addSelectorSet(parameters, selectors);
    return reference;
  }

  private static void addSelectorSet(Element parent, Map<String, String> selectors) {
    Element set = parent.addElement(Wsman.SELECTOR_SET);
    // NOTE: AMT wants the plain, unqualified Name attribute on selectors
    // (docs/amt-wsman.md#selectors).
    selectors.forEach(
        (name, value) -> set.addElement(Wsman.SELECTOR).addAttribute("Name", name).setText(value));
  }

  private static Element mustUnderstand(Element element) {
    element.addAttribute(Wsman.MUST_UNDERSTAND, "true");
    return element;
  }

  /** The document as UTF-8 bytes with an XML declaration, without indentation. */
  public static byte[] serialize(Document document) {
    return BundleTccl.call(
        () -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
          try {
            OutputFormat format = OutputFormat.createCompactFormat();
            format.setEncoding("UTF-8");
            XMLWriter writer = new XMLWriter(out, format);
            writer.write(document);
            writer.flush();
          } catch (IOException e) {
            // NOTE: writing to a byte array cannot fail for I/O reasons.
            throw new UncheckedIOException(e);
          }
          return out.toByteArray();
        });
  }
}
