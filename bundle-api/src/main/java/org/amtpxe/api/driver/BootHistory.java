package org.amtpxe.api.driver;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a node's management controller reported of its boots and power changes at one moment.
 *
 * @param events the events, newest first
 * @param readAt when the log was read (the conductor's clock)
 * @param requests how many requests the read took
 * @param truncated true when the log held more than the driver reads at most: the oldest events are
 *     missing
 * @since 1.3
 */
public record BootHistory(List<BootEvent> events, Instant readAt, int requests, boolean truncated) {

  /** Checks the fields and copies the events. */
  public BootHistory {
    events = List.copyOf(events);
    Objects.requireNonNull(readAt, "readAt");
    if (requests < 0) {
      throw new IllegalArgumentException("requests must not be negative");
    }
  }
}
