package org.amtpxe.amt.fake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.dom4j.Document;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.QName;
import org.dom4j.io.OutputFormat;
import org.dom4j.io.XMLWriter;

/**
 * Writes replies the way AMT firmware does (docs/amt-wsman.md#replies): prefixes {@code a:} SOAP,
 * {@code b:} addressing, {@code c:} wsman, {@code g:} the class; a header echoing the request's
 * MessageID.
 */
public final class FirmwareXml {
  public static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
  public static final String ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
  public static final String WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
  public static final String CIM = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/";
  public static final String AMT = "http://intel.com/wbem/wscim/1/amt-schema/1/";

  private static final Namespace A = Namespace.get("a", SOAP);
  private static final Namespace B = Namespace.get("b", ADDRESSING);
  private static final Namespace C = Namespace.get("c", WSMAN);
  private static long counter = 0x1a2b;

  private FirmwareXml() {}

  /** A reply envelope with the given body content (may be null). */
  public static Document envelope(String action, String relatesTo, Element content) {
    Document doc = DocumentHelper.createDocument();
    Element envelope = doc.addElement(QName.get("Envelope", A));
    envelope.add(B);
    envelope.add(C);
    Element header = envelope.addElement(QName.get("Header", A));
    header
        .addElement(QName.get("To", B))
        .setText("http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous");
    if (relatesTo != null) {
      header.addElement(QName.get("RelatesTo", B)).setText(relatesTo);
    }
    header.addElement(QName.get("Action", B)).setText(action);
    header
        .addElement(QName.get("MessageID", B))
        .setText(String.format("uuid:00000000-8086-8086-8086-%012x", nextCounter()));
    Element body = envelope.addElement(QName.get("Body", A));
    if (content != null) {
      body.add(content);
    }
    return doc;
  }

  private static synchronized long nextCounter() {
    return counter++;
  }

  /** An instance element {@code g:<Class>} with its fields (a list value repeats the element). */
  public static Element instance(String classUri, Map<String, ?> fields) {
    String className = classUri.substring(classUri.lastIndexOf('/') + 1);
    Namespace g = Namespace.get("g", classUri);
    Element instance = DocumentHelper.createElement(QName.get(className, g));
    fields.forEach(
        (name, value) -> {
          if (value instanceof Iterable<?> values) {
            for (Object v : values) {
              instance.addElement(QName.get(name, g)).setText(String.valueOf(v));
            }
          } else {
            instance.addElement(QName.get(name, g)).setText(String.valueOf(value));
          }
        });
    return instance;
  }

  /** {@code g:<Method>_OUTPUT} with its ReturnValue. */
  public static Element output(String classUri, String method, int returnValue) {
    Namespace g = Namespace.get("g", classUri);
    Element output = DocumentHelper.createElement(QName.get(method + "_OUTPUT", g));
    output.addElement(QName.get("ReturnValue", g)).setText(Integer.toString(returnValue));
    return output;
  }

  /** A SOAP fault body element with the subcode given as a prefixed QName in {@code ns}. */
  public static Element fault(
      String code, String subcodeNs, String subcodeLocal, String reason, String detail) {
    Element fault = DocumentHelper.createElement(QName.get("Fault", A));
    Element codeElement = fault.addElement(QName.get("Code", A));
    codeElement.addElement(QName.get("Value", A)).setText("a:" + code);
    if (subcodeNs != null) {
      Element sub = codeElement.addElement(QName.get("Subcode", A));
      Element value = sub.addElement(QName.get("Value", A));
      value.add(Namespace.get("e", subcodeNs));
      value.setText("e:" + subcodeLocal);
    }
    Element reasonElement = fault.addElement(QName.get("Reason", A));
    reasonElement
        .addElement(QName.get("Text", A))
        .addAttribute(QName.get("lang", Namespace.XML_NAMESPACE), "en-US")
        .setText(reason);
    if (detail != null) {
      fault
          .addElement(QName.get("Detail", A))
          .addElement(QName.get("FaultDetail", C))
          .setText(detail);
    }
    return fault;
  }

  /** The document as UTF-8 bytes. */
  public static byte[] bytes(Document document) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      OutputFormat format = OutputFormat.createCompactFormat();
      format.setEncoding("UTF-8");
      XMLWriter writer = new XMLWriter(out, format);
      writer.write(document);
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
