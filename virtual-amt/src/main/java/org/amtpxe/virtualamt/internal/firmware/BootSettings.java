package org.amtpxe.virtualamt.internal.firmware;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;
import org.amtpxe.virtualamt.internal.wsman.WsmanFault;
import org.amtpxe.virtualamt.internal.wsman.Xml;
import org.dom4j.Element;

/**
 * The one instance of AMT_BootSettingData: the boot options applied with the next override boot.
 * Properties are kept in the order firmware writes them (ASCII order of their names).
 */
public final class BootSettings {
  public static final String CLASS_NAME = "AMT_BootSettingData";
  public static final String RESOURCE_URI = Namespaces.amtClass(CLASS_NAME);
  public static final String INSTANCE_ID = "Intel(r) AMT:BootSettingData 0";

  /** The XML schema type of a property. */
  enum Type {
    BOOLEAN,
    UINT8,
    UINT16,
    UINT32,
    STRING
  }

  /** How a Put treats a property. */
  enum Access {
    /** Written by Put. */
    WRITE,
    /** Ignored by Put (the client may send it back unchanged or drop it). */
    READ_ONLY,
    /** Written by Put, read back empty. */
    WRITE_ONLY,
    /** The instance key: must match if sent. */
    KEY
  }

  /**
   * One property.
   *
   * @param oneTime cleared by the boot that applies the override
   * @param array may repeat
   */
  record Field(
      String name,
      Type type,
      Access access,
      boolean oneTime,
      boolean array,
      List<String> initial) {}

  private static final SortedMap<String, Field> FIELDS = fields();

  private final TreeMap<String, List<String>> values = new TreeMap<>();

  /** Settings as a freshly provisioned AMT reports them. */
  public BootSettings() {
    for (Field f : FIELDS.values()) {
      values.put(f.name(), f.initial());
    }
  }

  private static SortedMap<String, Field> fields() {
    List<Field> list =
        List.of(
            ro("BIOSLastStatus", Type.UINT16, true, "2", "0"),
            oneTime("BIOSPause", Type.BOOLEAN, "false"),
            oneTime("BIOSSetup", Type.BOOLEAN, "false"),
            oneTime("BootMediaIndex", Type.UINT8, "0"),
            ro("BootguardStatus", Type.UINT16, false, "127"),
            oneTime("ConfigurationDataReset", Type.BOOLEAN, "false"),
            ro("ElementName", Type.STRING, false, "Intel(r) AMT Boot Configuration Settings"),
            write("EnforceSecureBoot", Type.BOOLEAN, "false"),
            oneTime("FirmwareVerbosity", Type.UINT8, "0"),
            oneTime("ForcedProgressEvents", Type.BOOLEAN, "false"),
            write("IDERBootDevice", Type.UINT8, "0"),
            new Field("InstanceID", Type.STRING, Access.KEY, false, false, List.of(INSTANCE_ID)),
            oneTime("LockKeyboard", Type.BOOLEAN, "false"),
            oneTime("LockPowerButton", Type.BOOLEAN, "false"),
            oneTime("LockResetButton", Type.BOOLEAN, "false"),
            oneTime("LockSleepButton", Type.BOOLEAN, "false"),
            ro("OptionsCleared", Type.BOOLEAN, false, "true"),
            ro("OwningEntity", Type.STRING, false, "Intel(r) AMT"),
            oneTime("PlatformErase", Type.BOOLEAN, "false"),
            ro("RPEEnabled", Type.BOOLEAN, false, "false"),
            new Field("RSEPassword", Type.STRING, Access.WRITE_ONLY, true, false, List.of("")),
            oneTime("ReflashBIOS", Type.BOOLEAN, "false"),
            ro("SecureBootControlEnabled", Type.BOOLEAN, false, "false"),
            oneTime("SecureErase", Type.BOOLEAN, "false"),
            ro("UEFIHTTPSBootEnabled", Type.BOOLEAN, false, "false"),
            ro("UEFILocalPBABootEnabled", Type.BOOLEAN, false, "false"),
            write("UefiBootNumberOfParams", Type.UINT32, "0"),
            ro("UefiBootParametersArray", Type.STRING, true),
            oneTime("UseIDER", Type.BOOLEAN, "false"),
            oneTime("UseSOL", Type.BOOLEAN, "false"),
            oneTime("UseSafeMode", Type.BOOLEAN, "false"),
            oneTime("UserPasswordBypass", Type.BOOLEAN, "false"),
            ro("WinREBootEnabled", Type.BOOLEAN, false, "false"));
    TreeMap<String, Field> map = new TreeMap<>();
    for (Field f : list) {
      map.put(f.name(), f);
    }
    return Collections.unmodifiableSortedMap(map);
  }

  private static Field ro(String name, Type type, boolean array, String... initial) {
    return new Field(name, type, Access.READ_ONLY, false, array, List.of(initial));
  }

  private static Field write(String name, Type type, String initial) {
    return new Field(name, type, Access.WRITE, false, false, List.of(initial));
  }

  private static Field oneTime(String name, Type type, String initial) {
    return new Field(name, type, Access.WRITE, true, false, List.of(initial));
  }

  /**
   * The properties as a Get returns them, in firmware order; write-only ones read empty and empty
   * arrays are left out.
   */
  public synchronized SortedMap<String, List<String>> snapshot() {
    TreeMap<String, List<String>> result = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : values.entrySet()) {
      Field f = FIELDS.get(e.getKey());
      if (f.access() == Access.WRITE_ONLY) {
        result.put(e.getKey(), List.of(""));
      } else if (!e.getValue().isEmpty()) {
        result.put(e.getKey(), e.getValue());
      }
    }
    return result;
  }

  /** True when the next override boot enters BIOS setup. */
  public synchronized boolean biosSetup() {
    return "true".equals(values.get("BIOSSetup").get(0));
  }

  /** Clears the one-time options, as the boot that applied them does. */
  public synchronized void clearOneTimeOptions() {
    for (Field f : FIELDS.values()) {
      if (f.oneTime()) {
        values.put(f.name(), f.initial());
      }
    }
    values.put("OptionsCleared", List.of("true"));
  }

  /**
   * Applies a Put body: the {@code AMT_BootSettingData} element with its children in firmware
   * order. Read-only children are ignored; nothing changes unless the whole body is valid.
   *
   * @param instance the body element
   * @throws WsmanFault {@code wxf:InvalidRepresentation} for a wrong element, namespace, order,
   *     unknown or repeated property, a value of the wrong type, or another InstanceID
   */
  public synchronized void put(Element instance) throws WsmanFault {
    if (instance == null) {
      throw WsmanFault.invalidRepresentation(
          "MissingValues", "the Put body must hold an AMT_BootSettingData element");
    }
    if (!CLASS_NAME.equals(instance.getName())) {
      throw WsmanFault.invalidRepresentation(
          "InvalidValues", "the Put body holds " + instance.getName() + ", not " + CLASS_NAME);
    }
    if (!RESOURCE_URI.equals(instance.getNamespaceURI())) {
      throw WsmanFault.invalidRepresentation(
          "InvalidNamespace", CLASS_NAME + " must be in the namespace " + RESOURCE_URI);
    }
    Map<String, List<String>> updates = new LinkedHashMap<>();
    String previous = null;
    for (Element child : instance.elements()) {
      String name = child.getName();
      if (!RESOURCE_URI.equals(child.getNamespaceURI())) {
        throw WsmanFault.invalidRepresentation(
            "InvalidNamespace", name + " must be in the namespace " + RESOURCE_URI);
      }
      Field field = FIELDS.get(name);
      if (field == null) {
        throw WsmanFault.invalidRepresentation(
            "InvalidValues",
            CLASS_NAME + " has no property " + name + " (names are case-sensitive)");
      }
      if (previous != null && name.compareTo(previous) < 0) {
        throw WsmanFault.invalidRepresentation(
            "InvalidValues", name + " comes after " + previous + ": send properties in Get order");
      }
      if (name.equals(previous) && !field.array()) {
        throw WsmanFault.invalidRepresentation("InvalidValues", name + " is repeated");
      }
      previous = name;
      if (Xml.hasElementChildren(child)) {
        throw WsmanFault.invalidRepresentation("InvalidValues", name + " must hold a plain value");
      }
      String value = normalise(field, child.getText());
      if (field.access() == Access.KEY && !INSTANCE_ID.equals(value)) {
        throw WsmanFault.invalidRepresentation(
            "InvalidValues", "InstanceID must be '" + INSTANCE_ID + "'");
      }
      if (field.access() == Access.WRITE || field.access() == Access.WRITE_ONLY) {
        updates.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    values.putAll(updates);
    values.put("OptionsCleared", List.of(String.valueOf(!oneTimeOptionsSet())));
  }

  private boolean oneTimeOptionsSet() {
    for (Field f : FIELDS.values()) {
      if (f.oneTime() && !values.get(f.name()).equals(f.initial())) {
        return true;
      }
    }
    return false;
  }

  private static String normalise(Field field, String raw) throws WsmanFault {
    String value = field.type() == Type.STRING ? raw : raw.trim();
    switch (field.type()) {
      case BOOLEAN:
        if ("true".equals(value) || "1".equals(value)) {
          return "true";
        }
        if ("false".equals(value) || "0".equals(value)) {
          return "false";
        }
        throw WsmanFault.invalidRepresentation(
            "InvalidValues", field.name() + " must be true or false, not '" + value + "'");
      case UINT8:
        return unsigned(field, value, 0xFFL);
      case UINT16:
        return unsigned(field, value, 0xFFFFL);
      case UINT32:
        return unsigned(field, value, 0xFFFF_FFFFL);
      default:
        return value;
    }
  }

  private static String unsigned(Field field, String value, long max) throws WsmanFault {
    try {
      long v = Long.parseLong(value);
      if (v >= 0 && v <= max) {
        return Long.toString(v);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw WsmanFault.invalidRepresentation(
        "InvalidValues",
        field.name() + " must be a number from 0 to " + max + ", not '" + value + "'");
  }
}
