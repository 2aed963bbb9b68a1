package org.amtpxe.pxe.internal.boot;

import java.util.Locale;
import java.util.regex.Pattern;

/** An Ethernet MAC address in the forms boot loaders ask for. */
public record MacAddress(String value) {
  private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}[:-]){5}[0-9a-f]{2}");

  public MacAddress {
    value = value.trim().toLowerCase(Locale.ROOT).replace('-', ':');
    if (!MAC.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a MAC address; write six hex pairs, e.g. 52:54:00:12:34:56");
    }
  }

  /** Lower case with dashes, as in {@code pxelinux.cfg/01-52-54-00-12-34-56} and iPXE's hexhyp. */
  public String dashed() {
    return value.replace(':', '-');
  }

  @Override
  public String toString() {
    return value;
  }
}
