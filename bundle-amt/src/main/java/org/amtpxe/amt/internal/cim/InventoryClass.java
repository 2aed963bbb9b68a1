package org.amtpxe.amt.internal.cim;

import java.util.List;
import org.amtpxe.amt.internal.wsman.Wsman;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.amt.internal.wsman.WsmanRequest;
import org.amtpxe.api.error.DriverException;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * The classes an inspection enumerates, in the order it reads them, and what each one feeds
 * (docs/amt-wsman.md#inventory). Each is read with Enumerate and Pull, bounded per class.
 */
public enum InventoryClass {
  CIM_COMPUTER_SYSTEM_PACKAGE("CIM_ComputerSystemPackage", Wsman.CIM_SCHEMA, "amt.platform_guid"),
  CIM_CHASSIS("CIM_Chassis", Wsman.CIM_SCHEMA, "system_vendor"),
  CIM_CARD("CIM_Card", Wsman.CIM_SCHEMA, "amt.baseboard"),
  CIM_BIOS_ELEMENT("CIM_BIOSElement", Wsman.CIM_SCHEMA, "system_vendor.firmware"),
  CIM_PROCESSOR("CIM_Processor", Wsman.CIM_SCHEMA, "cpu"),
  CIM_CHIP("CIM_Chip", Wsman.CIM_SCHEMA, "cpu.model_name"),
  CIM_PHYSICAL_MEMORY("CIM_PhysicalMemory", Wsman.CIM_SCHEMA, "memory"),
  CIM_MEDIA_ACCESS_DEVICE("CIM_MediaAccessDevice", Wsman.CIM_SCHEMA, "disks"),
  CIM_PHYSICAL_PACKAGE("CIM_PhysicalPackage", Wsman.CIM_SCHEMA, "disks model and serial"),
  AMT_ETHERNET_PORT_SETTINGS("AMT_EthernetPortSettings", Wsman.AMT_SCHEMA, "interfaces"),
  AMT_GENERAL_SETTINGS("AMT_GeneralSettings", Wsman.AMT_SCHEMA, "hostname"),
  CIM_SOFTWARE_IDENTITY("CIM_SoftwareIdentity", Wsman.CIM_SCHEMA, "amt.firmware_version");

  /**
   * The most Pulls per class. Intel's Pull asks for 999 items, so a class needs one; more rounds
   * only come from a firmware that pages by size, never this many.
   */
  public static final int MAX_PULLS = 16;

  /** The most instances per class; a desktop has a handful of each. */
  public static final int MAX_ITEMS = 256;

  private final String className;
  private final String resourceUri;
  private final String feeds;

  InventoryClass(String className, String schema, String feeds) {
    this.className = className;
    this.resourceUri = schema + className;
    this.feeds = feeds;
  }

  /** The CIM or AMT class name, for example {@code CIM_Chassis}. */
  public String className() {
    return className;
  }

  /** The resource URI, which is also the namespace of the class's properties. */
  public String resourceUri() {
    return resourceUri;
  }

  /** The part of the inventory the class feeds, for the lines of what is missing. */
  public String feeds() {
    return feeds;
  }

  /** The name of an instance of exactly this class (not of a subclass) in a reply. */
  public QName instanceName() {
    return Wsman.inClass(resourceUri, className);
  }

  /** The Enumerate that opens the enumeration of the class. */
  public WsmanRequest enumerateRequest() {
    return WsmanRequest.enumerate(resourceUri);
  }

  /** A Pull of the class with the given context. */
  public WsmanRequest pullRequest(String context) {
    return WsmanRequest.pull(resourceUri, context);
  }

  /**
   * Reads every item of the class, bounded by {@link #MAX_PULLS} and {@link #MAX_ITEMS}.
   *
   * @throws DriverException as {@link WsmanClient#enumerate}
   */
  public List<Element> enumerate(WsmanClient client) throws DriverException {
    return client.enumerate(resourceUri, MAX_PULLS, MAX_ITEMS);
  }
}
