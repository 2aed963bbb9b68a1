package org.amtpxe.amt.internal.cim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.amtpxe.amt.internal.wsman.Wsman;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * One enumerated instance, read by namespace URI and local name: its properties are the children in
 * the namespace of the instance element. Values are trimmed and capped in length; an empty value
 * counts as absent.
 */
public final class CimInstance {
  /** The namespace of {@code cim:Datetime} inside a datetime property (DMTF DSP0230). */
  public static final String COMMON_NS = "http://schemas.dmtf.org/wbem/wscim/1/common";

  /** The longest value kept; longer ones are cut (a hostile firmware could send megabytes). */
  public static final int MAX_VALUE_CHARS = 256;

  private static final java.util.regex.Pattern XS_DATE =
      java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}(T|$)");

  private final Element element;

  private CimInstance(Element element) {
    this.element = element;
  }

  /** The items that are instances of exactly {@code type}, in reply order. */
  public static List<CimInstance> of(List<Element> items, InventoryClass type) {
    QName name = type.instanceName();
    List<CimInstance> result = new ArrayList<>();
    for (Element item : items) {
      if (item.getQName().equals(name)) {
        result.add(new CimInstance(item));
      }
    }
    return result;
  }

  private Element child(String property) {
    return element.element(Wsman.inClass(element.getNamespaceURI(), property));
  }

  /** Whether the instance carries the property at all, even empty. */
  public boolean has(String property) {
    return child(property) != null;
  }

  /** The property's text, absent when missing or empty. */
  public Optional<String> text(String property) {
    Element child = child(property);
    return child == null ? Optional.empty() : clean(child.getTextTrim());
  }

  /** The property as a non-negative whole number, absent when missing or not one. */
  public OptionalLong number(String property) {
    Optional<String> text = text(property);
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long value = Long.parseLong(text.get());
      return value < 0 ? OptionalLong.empty() : OptionalLong.of(value);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The property as a boolean ({@code true}/{@code false}), absent otherwise. */
  public Optional<Boolean> flag(String property) {
    return text(property)
        .map(t -> t.toLowerCase(Locale.ROOT))
        .filter(t -> t.equals("true") || t.equals("false"))
        .map(Boolean::valueOf);
  }

  /**
   * A datetime property: the text of its {@code cim:Datetime} child, as an ISO date ({@code
   * 2023-05-17}) when it is an {@code xs:dateTime} or a CIM timestamp ({@code
   * yyyymmddhhmmss.mmmmmmsutc}), else as sent.
   */
  public Optional<String> date(String property) {
    Element child = child(property);
    if (child == null) {
      return Optional.empty();
    }
    Element datetime = child.element(QName.get("Datetime", COMMON_NS));
    Optional<String> text = clean((datetime != null ? datetime : child).getTextTrim());
    return text.map(CimInstance::isoDate);
  }

  private static String isoDate(String cim) {
    if (XS_DATE.matcher(cim).lookingAt()) {
      return cim.substring(0, 10);
    }
    if (cim.length() >= 8 && cim.substring(0, 8).chars().allMatch(Character::isDigit)) {
      return cim.substring(0, 4) + "-" + cim.substring(4, 6) + "-" + cim.substring(6, 8);
    }
    return cim;
  }

  private static Optional<String> clean(String text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS) : text);
  }

  @Override
  public String toString() {
    return element.getName();
  }
}
