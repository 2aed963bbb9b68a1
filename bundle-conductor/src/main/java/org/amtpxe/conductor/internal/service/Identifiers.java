package org.amtpxe.conductor.internal.service;

import java.util.regex.Pattern;

/** Syntax of UUIDs, node names and MAC addresses, as Ironic accepts them. */
public final class Identifiers {
  private static final Pattern UUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  // API 1.10+: RFC 3986 unreserved characters.
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9\\-._~]{1,255}$");

  private Identifiers() {}

  public static boolean isUuid(String s) {
    return s != null && UUID.matcher(s).matches();
  }

  /** A valid node name: unreserved characters only, and not shaped like a UUID. */
  public static boolean isValidName(String s) {
    return s != null && NAME.matcher(s).matches() && !isUuid(s);
  }
}
