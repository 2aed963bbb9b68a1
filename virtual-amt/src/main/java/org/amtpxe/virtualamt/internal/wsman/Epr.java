package org.amtpxe.virtualamt.internal.wsman;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * A WS-Addressing endpoint reference to a CIM instance: resource URI plus key selectors, as method
 * parameters (ManagedElement, Source, BootConfigSetting) and association properties carry it.
 *
 * @param resourceUri the referenced class
 * @param selectors the key selectors, in order
 */
public record Epr(String resourceUri, Map<String, String> selectors) {

  /** Copies the selectors, keeping their order. */
  public Epr {
    Objects.requireNonNull(resourceUri, "resourceUri");
    selectors = Collections.unmodifiableMap(new LinkedHashMap<>(selectors));
  }

  /**
   * Reads an EPR parameter: {@code wsa:Address} (ignored: firmware accepts the anonymous role or
   * the bare addressing URI) and {@code wsa:ReferenceParameters} with {@code wsman:ResourceURI} and
   * {@code wsman:SelectorSet}.
   *
   * @param parameter the element holding the EPR
   * @return the EPR, or null when it has no ReferenceParameters/ResourceURI
   */
  public static Epr parse(Element parameter) {
    Element refs = Xml.child(parameter, Namespaces.ADDRESSING, "ReferenceParameters");
    String uri = Xml.childText(refs, Namespaces.WSMAN, "ResourceURI");
    if (uri == null || uri.isEmpty()) {
      return null;
    }
    Map<String, String> selectors = new LinkedHashMap<>();
    Element set = Xml.child(refs, Namespaces.WSMAN, "SelectorSet");
    for (Element s : Xml.children(set, Namespaces.WSMAN, "Selector")) {
      String name = Xml.selectorName(s);
      if (name != null) {
        selectors.put(name, s.getTextTrim());
      }
    }
    return new Epr(uri, selectors);
  }

  /** Writes {@code b:Address} and {@code b:ReferenceParameters} into {@code parent}. */
  public void writeInto(Element parent) {
    parent.addElement(QName.get("Address", ReplyEnvelope.B)).setText(Namespaces.ANONYMOUS);
    Element refs = parent.addElement(QName.get("ReferenceParameters", ReplyEnvelope.B));
    refs.addElement(QName.get("ResourceURI", ReplyEnvelope.C)).setText(resourceUri);
    Element set = refs.addElement(QName.get("SelectorSet", ReplyEnvelope.C));
    for (Map.Entry<String, String> e : selectors.entrySet()) {
      Element s = set.addElement(QName.get("Selector", ReplyEnvelope.C));
      s.addAttribute("Name", e.getKey());
      s.setText(e.getValue());
    }
  }
}
