package org.amtpxe.api.model;

import java.util.Locale;
import java.util.Optional;

/**
 * An Ethernet (EUI-48) MAC address, the one way the project reads and writes one: parsed from six
 * pairs of hex digits separated by {@code :} or {@code -} (one kind throughout) in any case,
 * written lower case with colons ({@code 52:54:00:12:34:56}, Ironic's form).
 */
public final class MacAddress implements Comparable<MacAddress> {
  private final long value;

  private MacAddress(long value) {
    this.value = value;
  }

  /**
   * Parses an address.
   *
   * @throws IllegalArgumentException saying what a MAC address looks like
   */
  public static MacAddress parse(String text) {
    return tryParse(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "'"
                        + text
                        + "' is not a MAC address: six pairs of hex digits separated by : or -,"
                        + " e.g. 52:54:00:12:34:56"));
  }

  /** The address, or empty when the text is not one. */
  public static Optional<MacAddress> tryParse(String text) {
    if (text == null || text.length() != 17) {
      return Optional.empty();
    }
    char separator = text.charAt(2);
    if (separator != ':' && separator != '-') {
      return Optional.empty();
    }
    long v = 0;
    for (int i = 0; i < 17; i++) {
      char c = text.charAt(i);
      if (i % 3 == 2) {
        if (c != separator) {
          return Optional.empty();
        }
        continue;
      }
      // NOTE: ASCII only; Character.digit would also take full-width and other Unicode digits.
      int digit =
          c >= '0' && c <= '9'
              ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) {
        return Optional.empty();
      }
      v = (v << 4) | digit;
    }
    return Optional.of(new MacAddress(v));
  }

  /** With another separator: {@code 52-54-00-12-34-56}, as pxelinux names its files. */
  public String withSeparator(char separator) {
    StringBuilder b = new StringBuilder(17);
    for (int i = 5; i >= 0; i--) {
      int octet = (int) (value >> (8 * i)) & 0xff;
      b.append(Character.forDigit(octet >> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
      if (i > 0) {
        b.append(separator);
      }
    }
    return b.toString();
  }

  /** Lower case with hyphens: {@code 52-54-00-12-34-56}. */
  public String hyphenated() {
    return withSeparator('-');
  }

  /** Lower case with colons: {@code 52:54:00:12:34:56}. */
  @Override
  public String toString() {
    return withSeparator(':');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MacAddress m && m.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  @Override
  public int compareTo(MacAddress o) {
    return Long.compare(value, o.value);
  }

  /** Upper case with colons, for messages that quote firmware. */
  public String toUpperCase() {
    return toString().toUpperCase(Locale.ROOT);
  }
}
