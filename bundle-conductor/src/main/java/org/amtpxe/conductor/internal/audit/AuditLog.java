package org.amtpxe.conductor.internal.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per API write (and per refused attempt) on the logger {@value #LOGGER}, which the
 * distribution routes to its own file, {@code data/log/amtpxe-audit.log}: who (user, address), what
 * (method, path, node) and the outcome (HTTP status). The time comes from the log pattern. Never a
 * body, a header or a secret: the path is the decoded request path, which names resources only.
 */
public final class AuditLog {
  /** The logger name to route to an audit file. */
  public static final String LOGGER = "org.amtpxe.audit";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private AuditLog() {}

  /**
   * Records a request.
   *
   * @param user the authenticated user, or "-" (unauthenticated: loopback without auth, a ramdisk,
   *     or a refused login)
   * @param address the client's address
   * @param node the node the path names, or "-"
   * @param status the HTTP status answered
   */
  public static void record(
      String user, String address, String method, String path, String node, int status) {
    LOG.info(
        "user={} address={} method={} path={} node={} status={} outcome={}",
        clean(user),
        clean(address),
        clean(method),
        clean(path),
        clean(node),
        status,
        status < 400 ? "ok" : status == 401 || status == 403 ? "denied" : "failed");
  }

  /** Keeps a value on one line and bounded, so a crafted path cannot forge or flood lines. */
  static String clean(String value) {
    if (value == null || value.isEmpty()) {
      return "-";
    }
    StringBuilder b = new StringBuilder(Math.min(value.length(), 256));
    for (int i = 0; i < value.length() && b.length() < 256; i++) {
      char c = value.charAt(i);
      b.append(c < 0x20 || c == 0x7f || c == ' ' ? '_' : c);
    }
    return b.toString();
  }
}
