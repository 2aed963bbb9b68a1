package org.amtpxe.amt.internal.sol;

import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * Where one AMT's redirection listener is and how to log into it. {@link #toString()} leaves the
 * password out.
 *
 * @param label how messages name the target, for example {@code Node n1}
 * @param host the AMT's address
 * @param port the redirection port (16994 plain, 16995 TLS)
 * @param username the AMT user
 * @param password the AMT password; never logged
 * @param tls the TLS socket factory for 16995 (trust set up as for WS-Man), or null for plain TCP
 * @param verifyHostname true when the certificate must also name {@code host} (CA trust; a pinned
 *     fingerprint or an explicitly insecure node does not check names)
 */
public record SolTarget(
    String label,
    String host,
    int port,
    String username,
    String password,
    SSLSocketFactory tls,
    boolean verifyHostname) {

  public SolTarget {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** {@code host:port (tls|plain)}, for messages. */
  public String where() {
    String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return h + ":" + port + (tls == null ? " (plain TCP)" : " (TLS)");
  }

  @Override
  public String toString() {
    return "SolTarget[" + label + ", " + where() + ", user=" + username + "]";
  }
}
