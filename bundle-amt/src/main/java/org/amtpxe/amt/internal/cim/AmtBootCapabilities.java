package org.amtpxe.amt.internal.cim;

import java.util.Map;
import org.amtpxe.amt.internal.wsman.Wsman;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.amt.internal.wsman.WsmanRequest;
import org.amtpxe.api.error.DriverException;
import org.dom4j.Element;
import org.dom4j.QName;

/** {@code AMT_BootCapabilities}: which boot options the firmware offers. */
public final class AmtBootCapabilities {
  public static final String CLASS = "AMT_BootCapabilities";
  public static final String URI = Wsman.amt(CLASS);
  public static final QName INSTANCE = Wsman.inClass(URI, CLASS);

  /**
   * The boot options the driver uses; an option the reply does not mention is not offered.
   *
   * @param biosSetup boot into the BIOS setup screen
   * @param forcePxe force a PXE boot
   * @param forceHardDrive force a boot from the hard drive
   * @param forceCdDvd force a boot from CD/DVD
   */
  public record Capabilities(
      boolean biosSetup, boolean forcePxe, boolean forceHardDrive, boolean forceCdDvd) {}

  private final WsmanClient client;

  public AmtBootCapabilities(WsmanClient client) {
    this.client = client;
  }

  /** The selector-less Get of the instance. */
  public static WsmanRequest getRequest() {
    return WsmanRequest.get(URI, Map.of());
  }

  /** Reads the instance element of a Get reply. */
  public static Capabilities parse(Element instance) {
    return new Capabilities(
        flag(instance, "BIOSSetup"),
        flag(instance, "ForcePXEBoot"),
        flag(instance, "ForceHardDriveBoot"),
        flag(instance, "ForceCDorDVDBoot"));
  }

  private static boolean flag(Element instance, String name) {
    Element element = instance.element(Wsman.inClass(URI, name));
    return element != null && Boolean.parseBoolean(element.getTextTrim());
  }

  /**
   * Reads the capabilities.
   *
   * @throws DriverException when the call fails
   */
  public Capabilities get() throws DriverException {
    return parse(client.fetch(getRequest(), INSTANCE));
  }
}
