package org.amtpxe.amt.internal;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.amt.internal.cim.InventoryClass;
import org.amtpxe.amt.internal.wsman.AmtEndpoint;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.driver.InspectInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.model.Inspection;
import org.dom4j.Element;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AMT Inspect: reads a node's hardware out of band by enumerating the AMT inventory classes one
 * request at a time, and maps them to Ironic's inventory (docs/amt-wsman.md#inventory). A class the
 * firmware faults on is named in {@link Inspection#missing()}; a refused login, an unreachable AMT
 * or an unusable reply fails the inspection.
 */
@Component(
    service = InspectInterface.class,
    property = PowerInterface.DRIVER_PROPERTY + "=amt",
    // amt.version: the bundle version, written into the jar by bnd (see pom.xml).
    properties = "OSGI-INF/amt-version.properties")
public final class AmtInspect implements InspectInterface {
  private static final Logger LOG = LoggerFactory.getLogger(AmtInspect.class);

  private final AmtGateway gateway;

  @Activate
  public AmtInspect(@Reference AmtGateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public Map<String, String> properties() {
    return AmtDriverInfo.PROPERTIES;
  }

  @Override
  public void validate(TaskContext task) throws DriverException {
    AmtDriverInfo.parse(task.node(), gateway.settings().protocol());
  }

  /**
   * Enumerates every {@link InventoryClass}, in order, one request at a time (the host session's
   * lock keeps other calls to the AMT out between them).
   *
   * @throws org.amtpxe.api.error.AuthenticationFailedException when the AMT refuses the
   *     credentials; nothing more is sent
   * @throws org.amtpxe.api.error.ConnectionFailedException when the AMT cannot be reached
   * @throws org.amtpxe.api.error.DeviceTimeoutException when it does not answer in time
   * @throws org.amtpxe.api.error.DeviceCommunicationException when a reply cannot be used or an
   *     enumeration exceeds its bounds
   * @throws OperationFailedException when the AMT faults on every class
   */
  @Override
  public Inspection inspectHardware(TaskContext task) throws DriverException {
    AmtSettings settings = gateway.settings();
    AmtEndpoint endpoint = AmtDriverInfo.parse(task.node(), settings.protocol());
    WsmanClient client = gateway.client(endpoint, settings);
    return gateway.call(() -> inspect(client, endpoint));
  }

  private static Inspection inspect(WsmanClient client, AmtEndpoint endpoint)
      throws DriverException {
    Map<InventoryClass, List<Element>> read = new EnumMap<>(InventoryClass.class);
    Map<InventoryClass, String> failures = new EnumMap<>(InventoryClass.class);
    OperationFailedException firstFault = null;
    for (InventoryClass type : InventoryClass.values()) {
      try {
        read.put(type, type.enumerate(client));
      } catch (OperationFailedException e) {
        // NOTE: firmware answers a class it does not implement with a fault, typically
        // wsa:DestinationUnreachable with detail InvalidResourceURI (docs/amt-wsman.md#faults).
        LOG.debug("{}: {} not read: {}", endpoint.label(), type.className(), e.getMessage());
        failures.put(type, describe(e));
        if (firstFault == null) {
          firstFault = e;
        }
      }
    }
    if (read.isEmpty() && firstFault != null) {
      throw firstFault;
    }
    return AmtInventory.build(endpoint.address(), read, failures);
  }

  /** A short reason for a line of what is missing: the fault or the HTTP status. */
  static String describe(OperationFailedException e) {
    if (e.faultSubcode() != null) {
      String subcode = e.faultSubcode();
      String local = subcode.substring(subcode.indexOf('}') + 1);
      String detail = e.faultDetail();
      if (detail != null) {
        detail = detail.substring(detail.lastIndexOf('/') + 1);
      }
      return "fault "
          + local
          + (detail == null || detail.isEmpty() || detail.length() > 80 ? "" : " " + detail)
          + ("DestinationUnreachable".equals(local) || "ActionNotSupported".equals(local)
              ? ": the firmware does not support it"
              : "");
    }
    return "HTTP " + e.httpStatus();
  }
}
