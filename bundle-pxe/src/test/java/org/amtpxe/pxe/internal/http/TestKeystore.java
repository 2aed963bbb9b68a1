package org.amtpxe.pxe.internal.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

/** Makes a PKCS12 keystore with a self-signed EC key for 127.0.0.1, with the JDK's keytool. */
public final class TestKeystore {
  private TestKeystore() {}

  /** Creates the keystore; skips the test when keytool fails. */
  public static Path create(Path keystore, String password) throws Exception {
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "boot",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password,
                "-keypass",
                password)
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes());
    assumeTrue(keytool.waitFor() == 0, "keytool failed: " + out);
    return keystore;
  }
}
