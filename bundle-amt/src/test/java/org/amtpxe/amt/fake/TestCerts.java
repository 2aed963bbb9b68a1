package org.amtpxe.amt.fake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Self-signed server certificates for TLS tests, made once per test run with the JDK's keytool,
 * named as AMT's own ({@code CN=Intel(R) AMT self-signed certificate}); EC keys, because they are
 * made fast.
 */
public final class TestCerts {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static KeyStore withAddress;
  private static KeyStore withoutAddress;

  private TestCerts() {}

  /** A key store whose certificate names 127.0.0.1. */
  public static synchronized KeyStore namingLoopback() throws Exception {
    if (withAddress == null) {
      withAddress = generate("SAN=ip:127.0.0.1");
    }
    return withAddress;
  }

  /** A key store whose certificate names no address. */
  public static synchronized KeyStore namingNothing() throws Exception {
    if (withoutAddress == null) {
      withoutAddress = generate(null);
    }
    return withoutAddress;
  }

  private static KeyStore generate(String extension) throws Exception {
    Path dir = Files.createTempDirectory("amt-certs");
    Path file = dir.resolve("amt.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                keytool,
                "-genkeypair",
                "-alias",
                "amt",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=Intel(R) AMT self-signed certificate",
                "-validity",
                "3650",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit"));
    if (extension != null) {
      command.add("-ext");
      command.add(extension);
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IOException("keytool failed: " + output);
    }
    KeyStore store = KeyStore.getInstance(file.toFile(), PASSWORD);
    Files.delete(file);
    Files.delete(dir);
    return store;
  }

  /** The server's certificate. */
  public static X509Certificate certificate(KeyStore store) throws Exception {
    return (X509Certificate) store.getCertificate("amt");
  }

  /** A trust store holding only the certificate of {@code store}. */
  public static KeyStore trustStoreOf(KeyStore store) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("amt", certificate(store));
    return trust;
  }

  /** A server TLS context presenting the key of {@code store}. */
  public static SSLContext serverContext(KeyStore store) throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }
}
