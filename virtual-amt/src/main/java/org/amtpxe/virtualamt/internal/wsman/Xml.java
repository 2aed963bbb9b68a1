package org.amtpxe.virtualamt.internal.wsman;

import java.util.ArrayList;
import java.util.List;
import org.dom4j.Attribute;
import org.dom4j.Element;
import org.dom4j.Node;

/** Namespace-aware navigation helpers over dom4j elements: never match on prefixes. */
public final class Xml {
  private Xml() {}

  /** True when the element has this namespace URI and local name. */
  public static boolean is(Element element, String namespace, String localName) {
    return element != null
        && localName.equals(element.getName())
        && namespace.equals(element.getNamespaceURI());
  }

  /** The first child element with this namespace and local name, or null. */
  public static Element child(Element parent, String namespace, String localName) {
    if (parent == null) {
      return null;
    }
    for (Element e : parent.elements()) {
      if (is(e, namespace, localName)) {
        return e;
      }
    }
    return null;
  }

  /** All child elements with this namespace and local name. */
  public static List<Element> children(Element parent, String namespace, String localName) {
    List<Element> result = new ArrayList<>();
    if (parent != null) {
      for (Element e : parent.elements()) {
        if (is(e, namespace, localName)) {
          result.add(e);
        }
      }
    }
    return result;
  }

  /** The first child element, whatever its name, or null. */
  public static Element firstChild(Element parent) {
    if (parent == null) {
      return null;
    }
    List<Element> elements = parent.elements();
    return elements.isEmpty() ? null : elements.get(0);
  }

  /** The trimmed text of a child element, or null when the child is absent. */
  public static String childText(Element parent, String namespace, String localName) {
    Element e = child(parent, namespace, localName);
    return e == null ? null : e.getTextTrim();
  }

  /** True when the element has element children (not just text). */
  public static boolean hasElementChildren(Element element) {
    for (Node n : element.content()) {
      if (n instanceof Element) {
        return true;
      }
    }
    return false;
  }

  /**
   * A selector's {@code Name} attribute, unqualified (Intel, WinRM) or in the WS-Man namespace
   * (openwsman writes {@code wsman:Name}); null when absent.
   */
  public static String selectorName(Element selector) {
    for (Attribute a : selector.attributes()) {
      if ("Name".equals(a.getName())
          && (a.getNamespaceURI().isEmpty() || Namespaces.WSMAN.equals(a.getNamespaceURI()))) {
        return a.getValue();
      }
    }
    return null;
  }

  /** True when the attribute {@code mustUnderstand} in the SOAP namespace is true or 1. */
  public static boolean mustUnderstand(Element header) {
    for (Attribute a : header.attributes()) {
      if ("mustUnderstand".equals(a.getName()) && Namespaces.SOAP.equals(a.getNamespaceURI())) {
        String v = a.getValue().trim();
        return "true".equals(v) || "1".equals(v);
      }
    }
    return false;
  }
}
