package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.amtpxe.virtualamt.internal.wsman.Epr;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.QName;

/**
 * One CIM instance as AMT writes it: properties in ASCII order of their names (firmware order),
 * each with one or more text values or an endpoint reference, plus the key selectors that name it.
 */
public final class CimInstance {

  /**
   * A property: repeated text values, one reference, or one CIM date-time.
   *
   * @param name the property name
   * @param values the text values (one for a date-time)
   * @param reference the reference, or null
   * @param datetime true when the value is written as a {@code cim:Datetime} child
   */
  public record Property(String name, List<String> values, Epr reference, boolean datetime) {}

  /** The namespace of CIM's common types ({@code Datetime}), prefix {@code i:} as firmware. */
  static final Namespace COMMON = Namespace.get("i", "http://schemas.dmtf.org/wbem/wscim/1/common");

  private final String resourceUri;
  private final String className;
  private final List<Property> properties;
  private final Map<String, String> keys;

  private CimInstance(String resourceUri, List<Property> properties, Map<String, String> keys) {
    this.resourceUri = resourceUri;
    this.className = resourceUri.substring(resourceUri.lastIndexOf('/') + 1);
    List<Property> sorted = new ArrayList<>(properties);
    sorted.sort(Comparator.comparing(Property::name));
    this.properties = Collections.unmodifiableList(sorted);
    this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
  }

  /** A builder for an instance of the class with this resource URI. */
  public static Builder builder(String resourceUri) {
    return new Builder(resourceUri);
  }

  public String resourceUri() {
    return resourceUri;
  }

  public String className() {
    return className;
  }

  public List<Property> properties() {
    return properties;
  }

  /** The key selectors, in order. */
  public Map<String, String> keys() {
    return keys;
  }

  /** The reference to this instance. */
  public Epr epr() {
    return new Epr(resourceUri, keys);
  }

  /** True when every given selector names a key of this instance with the same value. */
  public boolean matches(Map<String, String> selectors) {
    for (Map.Entry<String, String> e : selectors.entrySet()) {
      if (!Objects.equals(keys.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the instance element into {@code parent}.
   *
   * @param parent where to add it
   * @param ns the class namespace with the prefix to use ({@code g:} or {@code h:})
   */
  public void writeInto(Element parent, Namespace ns) {
    Element element = parent.addElement(QName.get(className, ns));
    for (Property p : properties) {
      if (p.reference() != null) {
        p.reference().writeInto(element.addElement(QName.get(p.name(), ns)));
      } else if (p.datetime()) {
        element
            .addElement(QName.get(p.name(), ns))
            .addElement(QName.get("Datetime", COMMON))
            .setText(p.values().get(0));
      } else {
        for (String v : p.values()) {
          element.addElement(QName.get(p.name(), ns)).setText(v);
        }
      }
    }
  }

  /**
   * This instance without the properties a filter names (a firmware that leaves optional properties
   * out); the key selectors stay.
   *
   * @param omitted true for the names to leave out
   */
  public CimInstance without(Predicate<String> omitted) {
    List<Property> kept = new ArrayList<>();
    for (Property p : properties) {
      if (!omitted.test(p.name())) {
        kept.add(p);
      }
    }
    return kept.size() == properties.size() ? this : new CimInstance(resourceUri, kept, keys);
  }

  /** Builds a {@link CimInstance}. */
  public static final class Builder {
    private final String resourceUri;
    private final List<Property> properties = new ArrayList<>();
    private final Map<String, String> keys = new LinkedHashMap<>();

    private Builder(String resourceUri) {
      this.resourceUri = resourceUri;
    }

    /** Adds a property with one value. */
    public Builder property(String name, Object value) {
      properties.add(new Property(name, List.of(String.valueOf(value)), null, false));
      return this;
    }

    /** Adds a repeated property. */
    public Builder property(String name, List<?> values) {
      List<String> texts = new ArrayList<>();
      for (Object v : values) {
        texts.add(String.valueOf(v));
      }
      properties.add(new Property(name, Collections.unmodifiableList(texts), null, false));
      return this;
    }

    /** Adds a property written as a CIM date-time, e.g. {@code 2023-05-17T00:00:00Z}. */
    public Builder datetime(String name, String value) {
      properties.add(new Property(name, List.of(value), null, true));
      return this;
    }

    /** Adds a property with one value unless the value is null (an optional property). */
    public Builder optional(String name, Object value) {
      return value == null ? this : property(name, value);
    }

    /** Adds a property that is also a key selector. */
    public Builder key(String name, String value) {
      keys.put(name, value);
      return property(name, value);
    }

    /** Adds a reference property. */
    public Builder reference(String name, Epr epr) {
      properties.add(new Property(name, List.of(), epr, false));
      return this;
    }

    public CimInstance build() {
      return new CimInstance(resourceUri, properties, keys);
    }
  }
}
