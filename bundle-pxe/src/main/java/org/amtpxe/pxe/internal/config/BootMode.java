package org.amtpxe.pxe.internal.config;

import java.util.Locale;

/** The firmware a node boots with, as Ironic's {@code boot_mode} capability names it. */
public enum BootMode {
  BIOS("bios"),
  UEFI("uefi");

  private final String value;

  BootMode(String value) {
    this.value = value;
  }

  /** The spelling in capabilities and kernel parameters. */
  public String value() {
    return value;
  }

  /**
   * Parses {@code bios} or {@code uefi}, case-insensitively.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static BootMode parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (BootMode m : values()) {
      if (m.value.equals(v)) {
        return m;
      }
    }
    throw new IllegalArgumentException("boot_mode must be 'bios' or 'uefi', not '" + value + "'");
  }

  @Override
  public String toString() {
    return value;
  }
}
