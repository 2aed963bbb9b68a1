package org.amtpxe.virtualamt.internal.wsman;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.dom4j.Document;
import org.dom4j.DocumentException;
import org.dom4j.Element;
import org.dom4j.io.SAXReader;
import org.xml.sax.SAXException;

/**
 * A WS-Man request as received: the SOAP envelope read namespace-aware, with its addressing
 * headers, selectors and body. Values are as sent (null when absent); checking them is the
 * dispatcher's job, so that a fault can still relate to the request's MessageID.
 */
public final class RequestEnvelope {

  /** A header selector: its name and text value; {@code reference} when it holds an EPR. */
  public record Selector(String name, String value, boolean reference) {}

  private static final ThreadLocal<SAXReader> READERS =
      ThreadLocal.withInitial(RequestEnvelope::newReader);

  private final Element header;
  private final Element body;

  private RequestEnvelope(Element header, Element body) {
    this.header = header;
    this.body = body;
  }

  /**
   * Reads a request.
   *
   * @param xml the HTTP body
   * @return the envelope
   * @throws WsmanFault SchemaValidationError when the body is not a SOAP 1.2 envelope with a Body,
   *     VersionMismatch for a SOAP 1.1 envelope
   */
  public static RequestEnvelope parse(byte[] xml) throws WsmanFault {
    Document document;
    try {
      document = READERS.get().read(new ByteArrayInputStream(xml));
    } catch (DocumentException e) {
      throw WsmanFault.schemaValidation("the request is not well-formed XML");
    }
    Element root = document.getRootElement();
    if (Xml.is(root, Namespaces.SOAP_11, "Envelope")) {
      throw WsmanFault.versionMismatch();
    }
    if (!Xml.is(root, Namespaces.SOAP, "Envelope")) {
      throw WsmanFault.schemaValidation("the root element is not a SOAP 1.2 Envelope");
    }
    Element header = Xml.child(root, Namespaces.SOAP, "Header");
    Element body = Xml.child(root, Namespaces.SOAP, "Body");
    if (body == null) {
      throw WsmanFault.schemaValidation("the envelope has no Body");
    }
    return new RequestEnvelope(header, body);
  }

  private static SAXReader newReader() {
    SAXReader reader = SAXReader.createDefault();
    try {
      reader.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    } catch (SAXException e) {
      throw new IllegalStateException("The XML parser cannot refuse DOCTYPEs", e);
    }
    return reader;
  }

  /** The header elements, in document order (empty without a Header). */
  public List<Element> headers() {
    return header == null ? List.of() : Collections.unmodifiableList(header.elements());
  }

  /** {@code wsa:Action}, trimmed, or null. */
  public String action() {
    return Xml.childText(header, Namespaces.ADDRESSING, "Action");
  }

  /** {@code wsa:To}, trimmed, or null. */
  public String to() {
    return Xml.childText(header, Namespaces.ADDRESSING, "To");
  }

  /** {@code wsa:MessageID}, trimmed, or null. */
  public String messageId() {
    return Xml.childText(header, Namespaces.ADDRESSING, "MessageID");
  }

  /** {@code wsman:ResourceURI}, trimmed, or null. */
  public String resourceUri() {
    return Xml.childText(header, Namespaces.WSMAN, "ResourceURI");
  }

  /** {@code wsa:ReplyTo/wsa:Address}, trimmed, or null. */
  public String replyTo() {
    return Xml.childText(
        Xml.child(header, Namespaces.ADDRESSING, "ReplyTo"), Namespaces.ADDRESSING, "Address");
  }

  /** {@code wsman:MaxEnvelopeSize}, trimmed, or null. */
  public String maxEnvelopeSize() {
    return Xml.childText(header, Namespaces.WSMAN, "MaxEnvelopeSize");
  }

  /** The {@code wsman:SelectorSet/wsman:Selector} entries, in order. */
  public List<Selector> selectors() {
    List<Selector> result = new ArrayList<>();
    Element set = Xml.child(header, Namespaces.WSMAN, "SelectorSet");
    for (Element s : Xml.children(set, Namespaces.WSMAN, "Selector")) {
      result.add(new Selector(Xml.selectorName(s), s.getTextTrim(), Xml.hasElementChildren(s)));
    }
    return result;
  }

  /** True when the header carries a SelectorSet element (maybe empty). */
  public boolean hasSelectorSet() {
    return Xml.child(header, Namespaces.WSMAN, "SelectorSet") != null;
  }

  /** The first element inside the Body, or null for an empty body. */
  public Element payload() {
    return Xml.firstChild(body);
  }
}
