package org.amtpxe.amt.internal.wsman;

import org.dom4j.Document;
import org.dom4j.Element;
import org.dom4j.Namespace;

/**
 * A SOAP 1.2 fault as AMT sends it: code, the innermost subcode as {@code {namespace}local}, reason
 * text and detail text. Read by namespace URI and local name, never by prefix.
 *
 * @param code the fault code, for example {@code {http://www.w3.org/2003/05/soap-envelope}Sender}
 * @param subcode the innermost subcode, or null
 * @param reason the reason text, or null
 * @param detail the detail text (a FaultDetail URI, {@code AMT-STATUS <n>}...), or null
 */
public record SoapFault(String code, String subcode, String reason, String detail) {

  /** The fault in a reply envelope, or null when the body holds none. */
  public static SoapFault find(Document reply) {
    Element root = reply.getRootElement();
    if (root == null || !root.getQName().equals(Wsman.ENVELOPE)) {
      return null;
    }
    Element body = root.element(Wsman.BODY);
    Element fault = body == null ? null : body.element(Wsman.FAULT);
    return fault == null ? null : of(fault);
  }

  /** Reads a {@code Fault} element. */
  public static SoapFault of(Element fault) {
    Element codeElement = fault.element(Wsman.CODE);
    String code = null;
    String subcode = null;
    if (codeElement != null) {
      code = qualified(codeElement.element(Wsman.VALUE));
      Element sub = codeElement.element(Wsman.SUBCODE);
      while (sub != null) {
        subcode = qualified(sub.element(Wsman.VALUE));
        sub = sub.element(Wsman.SUBCODE);
      }
    }
    Element reasonElement = fault.element(Wsman.REASON);
    String reason = null;
    if (reasonElement != null) {
      Element text = reasonElement.element(Wsman.TEXT);
      reason = normalized(text != null ? text : reasonElement);
    }
    Element detailElement = fault.element(Wsman.DETAIL);
    String detail = detailElement == null ? null : normalized(detailElement);
    return new SoapFault(code, subcode, reason, detail);
  }

  /** The local name of the subcode, or null. */
  public String subcodeLocalName() {
    return subcode == null ? null : subcode.substring(subcode.indexOf('}') + 1);
  }

  /** Resolves a QName-valued element text ({@code prefix:local}) against its in-scope names. */
  private static String qualified(Element value) {
    if (value == null) {
      return null;
    }
    String text = value.getTextTrim();
    int colon = text.indexOf(':');
    String prefix = colon < 0 ? "" : text.substring(0, colon);
    String local = text.substring(colon + 1);
    Namespace namespace = value.getNamespaceForPrefix(prefix);
    String uri = namespace == null ? "" : namespace.getURI();
    return "{" + uri + "}" + local;
  }

  private static String normalized(Element element) {
    String text = element.getStringValue().replaceAll("\\s+", " ").trim();
    return text.isEmpty() ? null : text;
  }
}
