package org.amtpxe.pxe.internal.deploy;

import java.util.Locale;

/** Whether the deployed instance boots over the network or from its disk. */
public enum BootOption {
  NETBOOT("netboot"),
  LOCAL("local");

  private final String value;

  BootOption(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  /**
   * Parses {@code netboot} or {@code local}.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static BootOption parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (BootOption o : values()) {
      if (o.value.equals(v)) {
        return o;
      }
    }
    throw new IllegalArgumentException(
        "boot_option must be 'netboot' or 'local', not '" + value + "'");
  }

  @Override
  public String toString() {
    return value;
  }
}
