package org.amtpxe.pxe.internal;

import java.util.function.Supplier;
import org.amtpxe.api.metrics.Meters;

/**
 * The PXE bundle's meters (docs/observability.md#metrics): boot file transfers by server ({@code
 * tftp}, {@code http}) and outcome, with their duration and bytes. Records nothing while no {@link
 * Meters} service is bound.
 */
public final class PxeMeters {
  /** Meters that record nothing: for servers made without the service (tools, tests). */
  public static final PxeMeters NONE = new PxeMeters(() -> null);

  /** A transfer that ended with the whole file sent. */
  public static final String OK = "ok";

  /** A transfer that started and did not end with the whole file sent. */
  public static final String FAILED = "failed";

  /** A request answered with an error before any transfer (not found, busy, not allowed). */
  public static final String REFUSED = "refused";

  private final Supplier<Meters> meters;

  /**
   * @param meters the service bound now, or null; read for every transfer
   */
  public PxeMeters(Supplier<Meters> meters) {
    this.meters = meters;
  }

  /**
   * One transfer, or one refused request.
   *
   * @param server {@code tftp} or {@code http}
   * @param outcome {@link #OK}, {@link #FAILED} or {@link #REFUSED}
   * @param bytes the file bytes sent (retransmissions included)
   * @param startNanos when the request arrived, a {@link System#nanoTime()} reading
   */
  public void transfer(String server, String outcome, long bytes, long startNanos) {
    Meters m = meters.get();
    if (m == null) {
      return;
    }
    m.timer(
            "amtpxe.pxe.transfers",
            "Boot file requests by server and outcome, with their duration",
            "server",
            server,
            "outcome",
            outcome)
        .recordSince(startNanos);
    if (bytes > 0) {
      m.counter(
              "amtpxe.pxe.bytes",
              "Boot file bytes sent, by server and outcome",
              "server",
              server,
              "outcome",
              outcome)
          .increment(bytes);
    }
  }
}
