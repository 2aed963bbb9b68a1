package org.amtpxe.api.model;

import java.util.Optional;

/** Power states and power targets, spelled as Ironic's REST API spells them. */
public enum PowerState {
  /** The node is running (sleep states count as running: the machine is not off). */
  POWER_ON("power on"),
  /** The node is off. */
  POWER_OFF("power off"),
  /** A hard reboot: a target only, never a state that is read. */
  REBOOT("rebooting"),
  /** An orderly shutdown through the operating system: a target only. */
  SOFT_POWER_OFF("soft power off"),
  /** An orderly reboot through the operating system: a target only. */
  SOFT_REBOOT("soft rebooting"),
  /** The state could not be determined. */
  ERROR("error");

  private final String value;

  PowerState(String value) {
    this.value = value;
  }

  /** The API spelling, for example {@code "power on"}. */
  public String value() {
    return value;
  }

  /** Whether this value can be the target of a power change. */
  public boolean isTarget() {
    return this != ERROR;
  }

  /**
   * Parses the API spelling.
   *
   * @param value the string as a client sends it, for example {@code "power off"}
   * @return the state, or empty when the string names none
   */
  public static Optional<PowerState> fromValue(String value) {
    for (PowerState s : values()) {
      if (s.value.equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
