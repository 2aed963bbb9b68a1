package org.amtpxe.amt.internal;

import java.util.Optional;

/** How the driver arms a one-time boot device (docs/amt-wsman.md#arming-sequences). */
public enum BootSequence {
  /**
   * Intel's safe sequence: Get AMT_BootSettingData, clear conflicting flags, Put; ChangeBootOrder
   * empty, then with the source; SetBootConfigRole 1.
   */
  INTEL("intel"),
  /** Ironic's two calls: ChangeBootOrder with the source, SetBootConfigRole 1. */
  SEED("seed");

  private final String value;

  BootSequence(String value) {
    this.value = value;
  }

  /** The spelling in the configuration. */
  public String value() {
    return value;
  }

  /** Parses the configuration spelling. */
  public static Optional<BootSequence> fromValue(String value) {
    for (BootSequence s : values()) {
      if (s.value.equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
