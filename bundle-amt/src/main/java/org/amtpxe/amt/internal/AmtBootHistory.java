package org.amtpxe.amt.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amtpxe.amt.internal.cim.AmtMessageLog;
import org.amtpxe.amt.internal.wsman.AmtEndpoint;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.driver.BootEvent;
import org.amtpxe.api.driver.BootHistory;
import org.amtpxe.api.driver.BootHistoryInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * AMT Boot History: reads AMT's event log (AMT_MessageLog, docs/amt-wsman.md#event-log) and decodes
 * its records into the boots and power changes the BIOS and AMT reported. Read-only; one request at
 * a time like every call to an AMT.
 */
@Component(
    service = BootHistoryInterface.class,
    property = PowerInterface.DRIVER_PROPERTY + "=amt",
    // amt.version: the bundle version, written into the jar by bnd (see pom.xml).
    properties = "OSGI-INF/amt-version.properties")
public final class AmtBootHistory implements BootHistoryInterface {
  private final AmtGateway gateway;
  private final AmtMessageLog.Bounds bounds;

  @Activate
  public AmtBootHistory(@Reference AmtGateway gateway) {
    this(gateway, AmtMessageLog.Bounds.DEFAULT);
  }

  AmtBootHistory(AmtGateway gateway, AmtMessageLog.Bounds bounds) {
    this.gateway = gateway;
    this.bounds = bounds;
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
   * Reads every record of the log (at most {@link AmtMessageLog.Bounds#maxRecords}), newest first.
   *
   * @throws UnsupportedDriverOperationException when the firmware has no event log class or does
   *     not give it out
   * @throws org.amtpxe.api.error.DeviceCommunicationException when an answer is malformed or a
   *     bound is exceeded
   * @throws DriverException as any AMT call: refused login, unreachable, timeout
   */
  @Override
  public BootHistory readBootHistory(TaskContext task) throws DriverException {
    AmtSettings settings = gateway.settings();
    AmtEndpoint endpoint = AmtDriverInfo.parse(task.node(), settings.protocol());
    WsmanClient client = gateway.client(endpoint, settings);
    AmtMessageLog.Read read;
    try {
      read = gateway.call(() -> new AmtMessageLog(client, bounds, System::nanoTime).read());
    } catch (OperationFailedException e) {
      if (unsupported(e)) {
        throw new UnsupportedDriverOperationException(
            "Node "
                + task.node().displayName()
                + ": this AMT keeps no event log that can be read ("
                + AmtInspect.describe(e)
                + "); there is no boot history to show.",
            e);
      }
      throw e;
    }
    List<BootEvent> events = new ArrayList<>(read.records().size());
    for (byte[] record : read.records()) {
      events.add(AmtEvents.decode(record));
    }
    return new BootHistory(events, Instant.now(), read.requests(), read.truncated());
  }

  private static boolean unsupported(OperationFailedException e) {
    String subcode = e.faultSubcode();
    if (subcode != null) {
      return subcode.endsWith("}DestinationUnreachable") || subcode.endsWith("}ActionNotSupported");
    }
    Integer value = e.returnValue();
    return value != null && value == 1;
  }
}
