package org.amtpxe.virtualamt;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the in-memory machine takes for each power transition. During a transition the old state
 * is still reported, as real hosts do (the PowerState reads 8 until the host is really on).
 *
 * @param powerOnDelay from a power-on request until the host is on and starts booting
 * @param powerOffDelay from a hard power-off request until the host is off
 * @param resetDelay from a reset (or a reboot by the host itself) until the host boots again
 * @param powerCycleOffTime how long a power cycle keeps the host off before it boots again
 * @param gracefulDelay how long the OS takes to shut down or reboot when asked gracefully
 */
public record MachineTiming(
    Duration powerOnDelay,
    Duration powerOffDelay,
    Duration resetDelay,
    Duration powerCycleOffTime,
    Duration gracefulDelay) {

  /** Validates that every delay is present and not negative. */
  public MachineTiming {
    check(powerOnDelay, "powerOnDelay");
    check(powerOffDelay, "powerOffDelay");
    check(resetDelay, "resetDelay");
    check(powerCycleOffTime, "powerCycleOffTime");
    check(gracefulDelay, "gracefulDelay");
  }

  /** Every transition happens at once. */
  public static MachineTiming instant() {
    Duration zero = Duration.ZERO;
    return new MachineTiming(zero, zero, zero, zero, zero);
  }

  /** Every transition takes the same time. */
  public static MachineTiming uniform(Duration delay) {
    return new MachineTiming(delay, delay, delay, delay, delay);
  }

  private static void check(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, not " + value);
    }
  }
}
