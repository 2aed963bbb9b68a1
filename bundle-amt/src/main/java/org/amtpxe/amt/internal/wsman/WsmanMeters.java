package org.amtpxe.amt.internal.wsman;

import java.util.function.Supplier;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.DeviceCommunicationException;
import org.amtpxe.api.error.DeviceTimeoutException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.metrics.Meters;

/**
 * The AMT bundle's meters (docs/observability.md#metrics): each WS-Man exchange by operation and
 * outcome with its latency, and each Digest challenge (a 401 the client answered). Records nothing
 * while no {@link Meters} service is bound.
 */
public final class WsmanMeters {
  /** Meters that record nothing: for a driver made without the service (tools, tests). */
  public static final WsmanMeters NONE = new WsmanMeters(() -> null);

  private final Supplier<Meters> meters;

  /**
   * @param meters the service bound now, or null; read for every event (it may come and go)
   */
  public WsmanMeters(Supplier<Meters> meters) {
    this.meters = meters;
  }

  /**
   * One request sent and answered, or failed.
   *
   * @param outcome {@link #OK} or {@link #outcomeOf} its failure
   */
  void exchange(WsmanRequest request, String outcome, long startNanos) {
    Meters m = meters.get();
    if (m != null) {
      m.timer(
              "amtpxe.amt.requests",
              "WS-Management requests to AMTs by CIM class and action, and outcome",
              "operation",
              operationOf(request),
              "outcome",
              outcome)
          .recordSince(startNanos);
    }
  }

  /** A 401 Digest challenge received from an AMT (one more round trip). */
  void challenge() {
    Meters m = meters.get();
    if (m != null) {
      m.counter(
              "amtpxe.amt.digest.challenges",
              "HTTP 401 Digest challenges from AMTs: each costs a round trip")
          .increment();
    }
  }

  /** The outcome of a successful exchange. */
  static final String OK = "ok";

  /** The outcome tag of a failure: one of a few fixed words. */
  static String outcomeOf(Throwable e) {
    if (e instanceof AuthenticationFailedException) {
      return "auth_failed";
    }
    if (e instanceof DeviceTimeoutException) {
      return "timeout";
    }
    if (e instanceof ConnectionFailedException) {
      return "connection_failed";
    }
    if (e instanceof DeviceCommunicationException) {
      return "bad_reply";
    }
    if (e instanceof OperationFailedException) {
      return "fault";
    }
    return e instanceof DriverException ? "error" : "unexpected";
  }

  /**
   * The operation tag: the CIM class and the action ({@code CIM_PowerManagementService.Get}), from
   * the driver's own fixed set of requests, never from the device.
   */
  static String operationOf(WsmanRequest request) {
    String action = request.action();
    return Wsman.className(request.resourceUri())
        + "."
        + action.substring(action.lastIndexOf('/') + 1);
  }
}
