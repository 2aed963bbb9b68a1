package org.amtpxe.amt.internal.wsman;

import java.util.Locale;
import java.util.Objects;

/**
 * Where and how to reach one AMT: address, port, scheme, credentials and how to trust its TLS
 * certificate. {@link #toString()} leaves the password out.
 *
 * @param label how messages name the target, for example {@code Node n1}
 * @param address host name or IP address of the AMT interface
 * @param port the WS-Man port (16992 http, 16993 https by default)
 * @param https whether to speak TLS
 * @param username the AMT user
 * @param password the AMT password; never logged
 * @param certSha256 the pinned SHA-256 certificate fingerprint, 64 lower-case hex digits, or null
 * @param verifyCa false to accept any certificate (insecure, explicit per node)
 */
public record AmtEndpoint(
    String label,
    String address,
    int port,
    boolean https,
    String username,
    String password,
    String certSha256,
    boolean verifyCa) {

  public AmtEndpoint {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** The key of per-host state: one AMT per address, whatever the port or scheme. */
  public String hostKey() {
    return address.toLowerCase(Locale.ROOT);
  }

  /** The scheme, {@code http} or {@code https}. */
  public String scheme() {
    return https ? "https" : "http";
  }

  /** The address as it goes into a URL: IPv6 literals in brackets. */
  public String urlHost() {
    return address.indexOf(':') >= 0 && !address.startsWith("[") ? "[" + address + "]" : address;
  }

  /** {@code address:port (scheme)}, for messages. */
  public String where() {
    return urlHost() + ":" + port + " (" + scheme() + ")";
  }

  @Override
  public String toString() {
    return "AmtEndpoint["
        + label
        + ", "
        + where()
        + ", user="
        + username
        + ", certSha256="
        + certSha256
        + ", verifyCa="
        + verifyCa
        + "]";
  }
}
