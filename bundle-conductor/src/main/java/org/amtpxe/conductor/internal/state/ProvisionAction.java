package org.amtpxe.conductor.internal.state;

import java.util.Optional;

/**
 * The provision verbs a client sends as {@code target}, with the API version that introduced each.
 */
public enum ProvisionAction {
  MANAGE("manage", 4, true),
  PROVIDE("provide", 4, true),
  ACTIVE("active", 1, true),
  REBUILD("rebuild", 1, true),
  DELETED("deleted", 1, true),
  INSPECT("inspect", 6, true),
  ABORT("abort", 13, false),
  CLEAN("clean", 15, false),
  ADOPT("adopt", 17, false);

  private final String value;
  private final int minMinorVersion;
  private final boolean supported;

  ProvisionAction(String value, int minMinorVersion, boolean supported) {
    this.value = value;
    this.minMinorVersion = minMinorVersion;
    this.supported = supported;
  }

  /** The API spelling. */
  public String value() {
    return value;
  }

  /** The first API minor version (1.x) that accepts the verb. */
  public int minMinorVersion() {
    return minMinorVersion;
  }

  /**
   * Whether this conductor implements the verb. Manual cleaning and adoption need drivers this
   * project does not have; inspection needs a driver with an inspect interface.
   */
  public boolean supported() {
    return supported;
  }

  /** Parses the API spelling. */
  public static Optional<ProvisionAction> fromValue(String value) {
    for (ProvisionAction a : values()) {
      if (a.value.equals(value)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
