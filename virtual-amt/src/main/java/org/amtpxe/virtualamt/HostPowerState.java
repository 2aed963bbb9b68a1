package org.amtpxe.virtualamt;

import java.util.Arrays;
import java.util.Optional;

/**
 * The host's power state as AMT reports it in {@code
 * CIM_AssociatedPowerManagementService.PowerState}.
 */
public enum HostPowerState {
  /** Running (S0). */
  ON(2),
  /** Light sleep (S1/S2). */
  SLEEP_LIGHT(3),
  /** Suspend to RAM (S3). */
  SLEEP_DEEP(4),
  /** Suspend to disk (S4). */
  HIBERNATE(7),
  /** Soft off (S5): what AMT reports for a powered-down host. */
  OFF(8);

  private final int cimValue;

  HostPowerState(int cimValue) {
    this.cimValue = cimValue;
  }

  /** The DSP1027 value AMT writes for this state. */
  public int cimValue() {
    return cimValue;
  }

  /** True when the host is not running and not suspended to RAM (the ME may fall asleep). */
  public boolean isOffLike() {
    return this == OFF || this == HIBERNATE;
  }

  /** True for the suspend states (S1-S3). */
  public boolean isSleeping() {
    return this == SLEEP_LIGHT || this == SLEEP_DEEP;
  }

  /** The state with the given DSP1027 value, if AMT can report it. */
  public static Optional<HostPowerState> fromCimValue(int value) {
    return Arrays.stream(values()).filter(s -> s.cimValue == value).findFirst();
  }
}
