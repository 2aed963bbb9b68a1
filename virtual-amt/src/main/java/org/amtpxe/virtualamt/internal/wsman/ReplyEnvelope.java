package org.amtpxe.virtualamt.internal.wsman;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.dom4j.Document;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.QName;
import org.dom4j.io.OutputFormat;
import org.dom4j.io.XMLWriter;

/**
 * A reply envelope written the way AMT firmware writes it (docs/amt-wsman.md#replies): prefixes
 * {@code a:} SOAP, {@code b:} addressing, {@code c:} WS-Man, {@code d:} to {@code f:} declared but
 * unused, {@code g:} the class or enumeration namespace, {@code h:} the class inside Pull items;
 * header {@code To} anonymous, {@code RelatesTo}, {@code Action} with mustUnderstand, {@code
 * MessageID}, {@code ResourceURI}.
 */
public final class ReplyEnvelope {
  public static final Namespace A = Namespace.get("a", Namespaces.SOAP);
  public static final Namespace B = Namespace.get("b", Namespaces.ADDRESSING);
  public static final Namespace C = Namespace.get("c", Namespaces.WSMAN);
  private static final Namespace D = Namespace.get("d", Namespaces.TRUST);
  private static final Namespace E = Namespace.get("e", Namespaces.WSSE);
  private static final Namespace F = Namespace.get("f", Namespaces.CIM_BINDING);
  private static final Namespace XSI = Namespace.get("xsi", Namespaces.XSI);
  private static final String FAULT_LANGUAGE = "en-US";

  private final Document document;
  private final Element header;
  private final Element body;

  private ReplyEnvelope(
      String action,
      String relatesTo,
      String resourceUri,
      String messageId,
      List<Namespace> extra) {
    document = DocumentHelper.createDocument();
    Element envelope = document.addElement(QName.get("Envelope", A));
    for (Namespace ns : List.of(B, C, D, E, F)) {
      envelope.add(ns);
    }
    for (Namespace ns : extra) {
      envelope.add(ns);
    }
    envelope.add(XSI);
    header = envelope.addElement(QName.get("Header", A));
    header.addElement(QName.get("To", B)).setText(Namespaces.ANONYMOUS);
    if (relatesTo != null) {
      header.addElement(QName.get("RelatesTo", B)).setText(relatesTo);
    }
    Element actionElement = header.addElement(QName.get("Action", B));
    actionElement.addAttribute(QName.get("mustUnderstand", A), "true");
    actionElement.setText(action);
    header.addElement(QName.get("MessageID", B)).setText(messageId);
    if (resourceUri != null) {
      header.addElement(QName.get("ResourceURI", C)).setText(resourceUri);
    }
    body = envelope.addElement(QName.get("Body", A));
  }

  /**
   * Starts a reply.
   *
   * @param action the reply action (request action + {@code Response})
   * @param relatesTo the request's MessageID
   * @param resourceUri the request's ResourceURI
   * @param messageId this reply's MessageID
   * @param g the namespace bound to {@code g:}
   * @param h the namespace bound to {@code h:}, or null
   */
  public static ReplyEnvelope create(
      String action, String relatesTo, String resourceUri, String messageId, String g, String h) {
    List<Namespace> extra = new ArrayList<>();
    extra.add(Namespace.get("g", g));
    if (h != null) {
      extra.add(Namespace.get("h", h));
    }
    return new ReplyEnvelope(action, relatesTo, resourceUri, messageId, extra);
  }

  /**
   * A fault reply.
   *
   * @param fault the fault
   * @param relatesTo the request's MessageID, null when the request could not be read
   * @param messageId this reply's MessageID
   */
  public static ReplyEnvelope fault(WsmanFault fault, String relatesTo, String messageId) {
    List<Namespace> extra = new ArrayList<>();
    Namespace subcode = null;
    if (fault.subcodeNamespace() != null) {
      subcode = prefixFor(fault.subcodeNamespace());
      if (subcode == null) {
        subcode = Namespace.get("g", fault.subcodeNamespace());
        extra.add(subcode);
      }
    }
    ReplyEnvelope reply = new ReplyEnvelope(fault.faultAction(), relatesTo, null, messageId, extra);
    if (fault.notUnderstoodLocalName() != null) {
      Element notUnderstood = reply.header.addElement(QName.get("NotUnderstood", A));
      notUnderstood.add(Namespace.get("x", fault.notUnderstoodNamespace()));
      notUnderstood.addAttribute("qname", "x:" + fault.notUnderstoodLocalName());
    }
    Element f = reply.body.addElement(QName.get("Fault", A));
    Element code = f.addElement(QName.get("Code", A));
    code.addElement(QName.get("Value", A)).setText("a:" + fault.code().localName());
    if (subcode != null) {
      code.addElement(QName.get("Subcode", A))
          .addElement(QName.get("Value", A))
          .setText(subcode.getPrefix() + ":" + fault.subcodeLocalName());
    }
    Element text = f.addElement(QName.get("Reason", A)).addElement(QName.get("Text", A));
    text.addAttribute(QName.get("lang", Namespace.XML_NAMESPACE), FAULT_LANGUAGE);
    text.setText(fault.reason());
    switch (fault.detailKind()) {
      case FAULT_DETAIL:
        f.addElement(QName.get("Detail", A))
            .addElement(QName.get("FaultDetail", C))
            .setText(fault.detail());
        break;
      case ACTION:
        f.addElement(QName.get("Detail", A))
            .addElement(QName.get("Action", B))
            .setText(fault.detail());
        break;
      case TEXT:
        f.addElement(QName.get("Detail", A)).setText(fault.detail());
        break;
      default:
        break;
    }
    return reply;
  }

  private static Namespace prefixFor(String uri) {
    for (Namespace ns : List.of(A, B, C, D, E, F)) {
      if (ns.getURI().equals(uri)) {
        return ns;
      }
    }
    return null;
  }

  /** The {@code a:Body} element to fill. */
  public Element body() {
    return body;
  }

  /** The {@code g:} namespace of this reply. */
  public Namespace g() {
    return document.getRootElement().getNamespaceForPrefix("g");
  }

  /** The {@code h:} namespace of this reply, or null. */
  public Namespace h() {
    return document.getRootElement().getNamespaceForPrefix("h");
  }

  /** The reply as UTF-8 bytes, on one line like firmware writes it. */
  public byte[] toBytes() {
    OutputFormat format = new OutputFormat("", false, "UTF-8");
    format.setExpandEmptyElements(true);
    format.setTrimText(false);
    format.setNewLineAfterDeclaration(false);
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    try {
      XMLWriter writer = new XMLWriter(out, format);
      writer.write(document);
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Writing to memory failed", e);
    }
    return out.toByteArray();
  }
}
