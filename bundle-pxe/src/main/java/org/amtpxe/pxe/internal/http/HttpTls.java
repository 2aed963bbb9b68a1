package org.amtpxe.pxe.internal.http;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The HTTP boot server's TLS key: a PKCS12 keystore and its password. The password never appears in
 * {@link #toString}, so that settings can be logged.
 *
 * @param keystore the PKCS12 file with the server's private key and certificate chain
 * @param password the keystore's (and its key's) password
 */
public record HttpTls(Path keystore, String password) {
  public HttpTls {
    Objects.requireNonNull(keystore, "keystore");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "HttpTls[keystore=" + keystore + ", password=******]";
  }
}
