package org.amtpxe.conductor.internal.enroll;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The addresses a bulk enrollment probes, from what an operator types: single addresses or host
 * names, IPv4 ranges ({@code 10.0.0.10-10.0.0.50}, or {@code 10.0.0.10-50} for the last octet) and
 * IPv4 networks ({@code 10.0.0.0/24}, its network and broadcast addresses left out), separated by
 * commas or white space. Duplicates are dropped; the order is kept. The total is bounded, so a typo
 * such as {@code 10.0.0.0/8} is refused instead of probing sixteen million addresses.
 */
public final class AddressList {
  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern RANGE =
      Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3})-(\\d{1,3}(?:\\.\\d{1,3}){3}|\\d{1,3})");
  private static final Pattern CIDR = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3})/(\\d{1,2})");
  // A DNS name (RFC 1123 labels) or an IPv6 literal; anything else is refused.
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
              + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private AddressList() {}

  /**
   * Expands the specifications.
   *
   * @param specs each a single address, a range, a network, or several of them separated by commas
   *     or white space
   * @param max the most addresses allowed in all
   * @return the addresses, without duplicates, in the order given
   * @throws IllegalArgumentException naming the bad entry and the forms accepted, or the total when
   *     it exceeds {@code max}
   */
  public static List<String> expand(List<String> specs, int max) {
    Set<String> addresses = new LinkedHashSet<>();
    for (String spec : specs) {
      for (String entry : spec.trim().split("[,\\s]+")) {
        if (!entry.isEmpty()) {
          expandOne(entry, addresses, max);
        }
      }
    }
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException(
          "No address given: name at least one address, range or network, for example"
              + " 10.0.0.10-10.0.0.50.");
    }
    return List.copyOf(addresses);
  }

  private static void expandOne(String entry, Set<String> into, int max) {
    Matcher m;
    if ((m = RANGE.matcher(entry)).matches()) {
      long first = ipv4(m.group(1), entry);
      String end = m.group(2);
      long last = end.contains(".") ? ipv4(end, entry) : (first & ~0xFFL) | octet(end, entry);
      if (last < first) {
        throw bad(entry, "the range ends before it starts");
      }
      addRange(entry, first, last, into, max);
    } else if ((m = CIDR.matcher(entry)).matches()) {
      long base = ipv4(m.group(1), entry);
      int bits = Integer.parseInt(m.group(2));
      if (bits > 32) {
        throw bad(entry, "a prefix length is at most 32");
      }
      long size = 1L << (32 - bits);
      long network = base & ~(size - 1) & 0xFFFF_FFFFL;
      if (size > max + 2L) {
        throw tooMany(entry, size, max);
      }
      if (size <= 2) {
        addRange(entry, network, network + size - 1, into, max);
      } else {
        addRange(entry, network + 1, network + size - 2, into, max);
      }
    } else if (IPV4.matcher(entry).matches()) {
      add(entry, format(ipv4(entry, entry)), into, max);
    } else if (entry.contains(":") && IPV6.matcher(entry).matches()) {
      add(entry, entry.toLowerCase(java.util.Locale.ROOT), into, max);
    } else if (HOST_NAME.matcher(entry).matches() && !entry.matches("[0-9.]+")) {
      add(entry, entry.toLowerCase(java.util.Locale.ROOT), into, max);
    } else {
      throw bad(
          entry,
          "expected an address (10.0.0.10), a host name, a range (10.0.0.10-10.0.0.50 or"
              + " 10.0.0.10-50) or a network (10.0.0.0/24)");
    }
  }

  private static void addRange(String entry, long first, long last, Set<String> into, int max) {
    if (last - first + 1 > max) {
      throw tooMany(entry, last - first + 1, max);
    }
    for (long a = first; a <= last; a++) {
      add(entry, format(a), into, max);
    }
  }

  private static void add(String entry, String address, Set<String> into, int max) {
    if (into.add(address) && into.size() > max) {
      throw tooMany(entry, into.size(), max);
    }
  }

  private static long ipv4(String text, String entry) {
    Matcher m = IPV4.matcher(text);
    if (!m.matches()) {
      throw bad(entry, "\"" + text + "\" is not an IPv4 address");
    }
    long value = 0;
    for (int i = 1; i <= 4; i++) {
      value = value << 8 | octet(m.group(i), entry);
    }
    return value;
  }

  private static int octet(String text, String entry) {
    int value = Integer.parseInt(text);
    if (value > 255) {
      throw bad(entry, text + " is not an address byte (0-255)");
    }
    return value;
  }

  private static String format(long a) {
    return (a >> 24 & 0xFF) + "." + (a >> 16 & 0xFF) + "." + (a >> 8 & 0xFF) + "." + (a & 0xFF);
  }

  private static IllegalArgumentException bad(String entry, String why) {
    return new IllegalArgumentException(
        "Cannot read address \"" + shorten(entry) + "\": " + why + ".");
  }

  private static IllegalArgumentException tooMany(String entry, long count, int max) {
    return new IllegalArgumentException(
        "Too many addresses: \""
            + shorten(entry)
            + "\" brings the total to "
            + count
            + ", and one enrollment probes at most "
            + max
            + "; split it into several enrollments.");
  }

  /** Echoes at most 64 characters of what the caller sent. */
  public static String shorten(String text) {
    return text.length() <= 64 ? text : text.substring(0, 61) + "...";
  }

  /** For tests: the addresses as one list. */
  static List<String> expand(String... specs) {
    return expand(new ArrayList<>(List.of(specs)), 4096);
  }
}
