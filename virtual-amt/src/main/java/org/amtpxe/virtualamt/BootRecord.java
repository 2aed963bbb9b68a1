package org.amtpxe.virtualamt;

import java.time.Instant;
import java.util.Objects;

/**
 * One boot of a virtual host.
 *
 * @param time when the host firmware started the boot
 * @param device the device it booted from
 * @param cause what made it boot
 * @param overrideUsed true when AMT's one-time boot override chose the device
 */
public record BootRecord(Instant time, BootDevice device, BootCause cause, boolean overrideUsed) {
  /** Checks that no field is null. */
  public BootRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(cause, "cause");
  }
}
