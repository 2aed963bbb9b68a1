package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import org.amtpxe.virtualamt.internal.wsman.Epr;
import org.amtpxe.virtualamt.internal.wsman.Xml;
import org.dom4j.Element;

/** Reads the parameters of a {@code <Method>_INPUT} element (children in the class namespace). */
final class MethodInput {
  private final Element input;
  private final String namespace;

  MethodInput(Element input, String namespace) {
    this.input = input;
    this.namespace = namespace;
  }

  /** True when the input has no parameters at all. */
  boolean isEmpty() {
    return input.elements().isEmpty();
  }

  /** True when the parameter is present. */
  boolean has(String name) {
    return Xml.child(input, namespace, name) != null;
  }

  /** The trimmed text of a parameter, or null. */
  String text(String name) {
    return Xml.childText(input, namespace, name);
  }

  /** A numeric parameter, or null when absent or not a number. */
  Long number(String name) {
    String text = text(name);
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Every occurrence of a reference parameter, in order; null entries for unreadable ones. */
  List<Epr> references(String name) {
    return Xml.children(input, namespace, name).stream().map(Epr::parse).toList();
  }
}
