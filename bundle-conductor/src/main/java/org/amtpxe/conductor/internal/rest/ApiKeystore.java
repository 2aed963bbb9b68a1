package org.amtpxe.conductor.internal.rest;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's TLS keystore (PKCS12): checked before Jetty uses it, generated with a self-signed
 * certificate when asked and missing, and the certificate's SHA-256 fingerprint for operators to
 * compare ({@code <keystore>.sha256}).
 *
 * <p>NOTE: the JDK has no public API to create a certificate, so generation runs the JDK's own
 * {@code keytool} ({@code ${java.home}/bin/keytool}) with arguments, no shell; the password goes
 * through its environment ({@code -storepass:env}), never its command line.
 */
public final class ApiKeystore {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeystore.class);
  static final String ALIAS = "amtpxe-api";
  private static final String PASSWORD_ENV = "AMTPXE_API_KEYSTORE_PASSWORD";
  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
              + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");

  private ApiKeystore() {}

  /**
   * Makes sure the keystore can serve TLS: generates it when missing and {@code generate} is set,
   * checks it holds a private key and its certificate, logs the fingerprint and writes it to {@code
   * <keystore>.sha256}, and the certificate to {@code <keystore>.pem} (for other conductors' {@code
   * cluster_cafile}).
   *
   * @param hostName the machine's host name, for the certificate's names
   * @param bindAddress the address the API binds, for the certificate's names
   * @return the certificate's SHA-256 fingerprint, as {@code AB:CD:...}
   * @throws IOException when the keystore is missing (and not to be generated), cannot be
   *     generated, or cannot be opened with the password; the message names the setting to fix
   */
  public static String prepare(
      Path keystore, char[] password, boolean generate, String hostName, String bindAddress)
      throws IOException {
    if (!Files.exists(keystore)) {
      if (!generate) {
        throw new IOException(
            "api_tls_keystore "
                + keystore
                + " does not exist; create it or set api_tls_generate=true");
      }
      generate(keystore, password, dnsNames(hostName, bindAddress), ipAddresses(bindAddress));
    }
    String fingerprint = fingerprint(keystore, password);
    LOG.info("API certificate in {}: SHA-256 fingerprint {}", keystore, fingerprint);
    Path file = keystore.resolveSibling(keystore.getFileName() + ".sha256");
    Path pem = keystore.resolveSibling(keystore.getFileName() + ".pem");
    try {
      Files.writeString(file, fingerprint + "\n", StandardCharsets.US_ASCII);
      Files.writeString(pem, pem(keystore, password), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      LOG.warn(
          "Cannot write the API certificate's fingerprint and PEM next to {}: {}",
          keystore,
          e.getMessage());
    }
    return fingerprint;
  }

  /**
   * Generates a self-signed certificate (EC P-256, SHA256withECDSA, 10 years) with the given names
   * into a new keystore readable by its owner only; a directory it creates is owner-only too.
   *
   * @throws IOException when keytool is missing or fails (its output is in the message), or the
   *     file appeared meanwhile
   */
  static void generate(Path keystore, char[] password, List<String> dnsNames, List<String> ips)
      throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    if (!Files.isExecutable(keytool)) {
      throw new IOException(
          "api_tls_generate needs the JDK's keytool, but "
              + keytool
              + " is not there; run Karaf on a full JDK or create api_tls_keystore yourself");
    }
    Path dir = keystore.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      restrict(dir, OWNER_DIR);
    }
    // Written in a private directory next to the target, then moved: the keystore is never
    // readable by others, not even while keytool writes it.
    Path work = Files.createTempDirectory(dir, ".keytool-");
    restrict(work, OWNER_DIR);
    Path temp = work.resolve("keystore.p12");
    try {
      List<String> san = new ArrayList<>();
      dnsNames.forEach(n -> san.add("dns:" + n));
      ips.forEach(ip -> san.add("ip:" + ip));
      String cn = dnsNames.isEmpty() ? "amtpxe-conductor" : dnsNames.get(0);
      List<String> command =
          new ArrayList<>(
              List.of(
                  keytool.toString(),
                  "-genkeypair",
                  "-noprompt",
                  "-alias",
                  ALIAS,
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-sigalg",
                  "SHA256withECDSA",
                  "-validity",
                  "3650",
                  "-dname",
                  "CN=" + cn + ", O=amtpxe conductor API",
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  temp.toString(),
                  "-storepass:env",
                  PASSWORD_ENV));
      if (!san.isEmpty()) {
        command.addAll(List.of("-ext", "SAN=" + String.join(",", san)));
      }
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().put(PASSWORD_ENV, new String(password));
      Process p = pb.start();
      p.getOutputStream().close();
      String output;
      try (InputStream in = p.getInputStream()) {
        output = new String(in.readNBytes(16 * 1024), StandardCharsets.UTF_8).strip();
      }
      boolean done;
      try {
        done = p.waitFor(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while keytool generated " + keystore, e);
      }
      if (!done) {
        p.destroyForcibly();
        throw new IOException("keytool did not finish generating " + keystore + " within 60 s");
      }
      if (p.exitValue() != 0 || !Files.exists(temp)) {
        throw new IOException(
            "keytool could not generate api_tls_keystore "
                + keystore
                + " (exit "
                + p.exitValue()
                + "): "
                + output);
      }
      restrict(temp, OWNER_FILE);
      try {
        Files.move(temp, keystore, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        throw new IOException(
            "api_tls_keystore " + keystore + " appeared while it was generated; start again", e);
      }
      LOG.info(
          "Generated a self-signed certificate for the API in {} for {}",
          keystore,
          String.join(", ", san));
    } finally {
      Files.deleteIfExists(temp);
      Files.deleteIfExists(work);
    }
  }

  /**
   * The SHA-256 fingerprint of the certificate of the keystore's private key.
   *
   * @throws IOException when the keystore cannot be opened with the password or holds no key
   */
  public static String fingerprint(Path keystore, char[] password) throws IOException {
    try {
      return HexFormat.ofDelimiter(":")
          .withUpperCase()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(certificate(keystore, password).getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("Cannot take the fingerprint of " + keystore + ": " + e, e);
    }
  }

  /**
   * The certificate of the keystore's private key in PEM, for other conductors' {@code
   * cluster_cafile} and for clients that pin it.
   */
  public static String pem(Path keystore, char[] password) throws IOException {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'})
              .encodeToString(certificate(keystore, password).getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IOException("Cannot encode the certificate of " + keystore + ": " + e, e);
    }
  }

  private static Certificate certificate(Path keystore, char[] password) throws IOException {
    Certificate cert = null;
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      for (String alias : Collections.list(ks.aliases())) {
        if (ks.isKeyEntry(alias) && ks.getCertificate(alias) != null) {
          cert = ks.getCertificate(alias);
          break;
        }
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new IOException(
          "api_tls_keystore "
              + keystore
              + " cannot be opened as PKCS12 with api_tls_keystore_password: "
              + e.getMessage(),
          e);
    }
    if (cert == null) {
      throw new IOException(
          "api_tls_keystore "
              + keystore
              + " holds no private key with a certificate; the API needs one to serve TLS");
    }
    return cert;
  }

  /** The DNS names for a generated certificate: the host name, and localhost on loopback. */
  static List<String> dnsNames(String hostName, String bindAddress) {
    Set<String> names = new LinkedHashSet<>();
    if (hostName != null && DNS_NAME.matcher(hostName).matches()) {
      names.add(hostName.toLowerCase(Locale.ROOT));
    }
    if (isLoopback(bindAddress)) {
      names.add("localhost");
    }
    return new ArrayList<>(names);
  }

  /**
   * The IP addresses for a generated certificate: the bound address, or every address of the
   * machine's interfaces when the API binds all of them (0.0.0.0, ::).
   */
  static List<String> ipAddresses(String bindAddress) {
    Set<String> ips = new LinkedHashSet<>();
    try {
      InetAddress bound = InetAddress.getByName(bindAddress);
      if (!bound.isAnyLocalAddress()) {
        ips.add(bound.getHostAddress());
      } else {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          if (!nic.isUp()) {
            continue;
          }
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            if (!a.isLinkLocalAddress()) {
              ips.add(stripScope(a));
            }
          }
        }
      }
    } catch (UnknownHostException | SocketException e) {
      LOG.warn("Cannot list the addresses for the API certificate: {}", e.getMessage());
    }
    return new ArrayList<>(ips);
  }

  private static String stripScope(InetAddress a) {
    String s = a.getHostAddress();
    int percent = s.indexOf('%');
    return a instanceof Inet6Address && percent > 0 ? s.substring(0, percent) : s;
  }

  private static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, permissions);
    } catch (UnsupportedOperationException e) {
      // NOTE: not a POSIX file system (Windows): its ACLs decide, as for etc/ itself.
    }
  }
}
