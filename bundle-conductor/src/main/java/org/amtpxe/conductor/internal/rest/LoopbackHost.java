package org.amtpxe.conductor.internal.rest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a Host header names this machine's loopback: {@code localhost}, an IPv4 address in
 * 127.0.0.0/8 or {@code [::1]}, each with an optional port. Literals only: a name is never looked
 * up, since the point is to refuse names an attacker can point at 127.0.0.1.
 */
public final class LoopbackHost {
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");
  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private LoopbackHost() {}

  /** Whether a Host header value ({@code host[:port]}) names the loopback. */
  public static boolean isLoopbackAuthority(String authority) {
    String a = authority.strip();
    String host;
    String port = null;
    if (a.startsWith("[")) {
      int close = a.indexOf(']');
      if (close < 0) {
        return false;
      }
      host = a.substring(0, close + 1);
      String after = a.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          return false;
        }
        port = after.substring(1);
      }
    } else {
      int colon = a.indexOf(':');
      host = colon < 0 ? a : a.substring(0, colon);
      port = colon < 0 ? null : a.substring(colon + 1);
    }
    return (port == null || PORT.matcher(port).matches()) && isLoopbackHost(host);
  }

  /** Whether a host (no port; IPv6 in brackets or not) is localhost or a loopback literal. */
  public static boolean isLoopbackHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    var v4 = IPV4.matcher(h);
    if (v4.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(v4.group(i)) > 255) {
          return false;
        }
      }
      return v4.group(1).equals("127");
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.indexOf(':') < 0 || !IPV6.matcher(h).matches()) {
      return false;
    }
    try {
      // A literal with a colon is parsed, never resolved.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
