package org.amtpxe.virtualamt.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.transform.Source;
import org.w3c.dom.Node;
import org.xmlunit.builder.Input;
import org.xmlunit.xpath.JAXPXPathEngine;

/** Reads replies namespace-aware with XPath; prefixes here are ours, not the reply's. */
public final class Replies {
  private static final Map<String, String> NS =
      Map.ofEntries(
          Map.entry("s", Wsman.SOAP),
          Map.entry("wsa", Wsman.ADDRESSING),
          Map.entry("wsman", Wsman.WSMAN),
          Map.entry("wsen", Wsman.ENUMERATION),
          Map.entry("wxf", Wsman.TRANSFER),
          Map.entry("apms", Wsman.APMS),
          Map.entry("pms", Wsman.PMS),
          Map.entry("pmc", Wsman.PMC),
          Map.entry("bcap", Wsman.BOOT_CAPS),
          Map.entry("bsd", Wsman.BOOT_SETTINGS),
          Map.entry("bss", Wsman.BOOT_SOURCE),
          Map.entry("bcs", Wsman.BOOT_CONFIG),
          Map.entry("bsv", Wsman.BOOT_SERVICE),
          Map.entry("ml", Wsman.MESSAGE_LOG));

  private final String xml;
  private final JAXPXPathEngine engine = new JAXPXPathEngine();

  private Replies(String xml) {
    this.xml = xml;
    engine.setNamespaceContext(NS);
  }

  public static Replies of(String xml) {
    return new Replies(xml);
  }

  private Source source() {
    return Input.fromString(xml).build();
  }

  /** The string value of an XPath. */
  public String text(String xpath) {
    return engine.evaluate(xpath, source());
  }

  /** The string values of all nodes an XPath selects. */
  public List<String> texts(String xpath) {
    List<String> result = new ArrayList<>();
    for (Node n : engine.selectNodes(xpath, source())) {
      result.add(n.getTextContent());
    }
    return result;
  }

  /** How many nodes an XPath selects. */
  public int count(String xpath) {
    int n = 0;
    for (Node ignored : engine.selectNodes(xpath, source())) {
      n++;
    }
    return n;
  }

  /** The fault subcode's local name and namespace as {@code {ns}local}, or "" for no fault. */
  public String faultSubcode() {
    String value = text("/s:Envelope/s:Body/s:Fault/s:Code/s:Subcode/s:Value").trim();
    if (value.isEmpty()) {
      return "";
    }
    String prefix = value.substring(0, value.indexOf(':'));
    String local = value.substring(value.indexOf(':') + 1);
    String ns = text("/*/namespace::*[name()='" + prefix + "']");
    return "{" + ns + "}" + local;
  }

  public String xml() {
    return xml;
  }
}
