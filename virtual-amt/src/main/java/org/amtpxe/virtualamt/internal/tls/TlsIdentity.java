package org.amtpxe.virtualamt.internal.tls;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS key and certificate the virtual AMTs present: self-signed like AMT's own certificate
 * (clients must pin its SHA-256 fingerprint or trust it explicitly), or loaded from a PKCS#12 file.
 */
public final class TlsIdentity {
  /** The subject of generated certificates, in the style of AMT's own. */
  public static final String SUBJECT = "CN=Intel(R) AMT self-signed certificate, O=virtual-amt";

  private static final int MAX_ADDRESS_NAMES = 64;

  private final KeyStore keyStore;
  private final String keyStorePassword;
  private final X509Certificate certificate;

  private TlsIdentity(KeyStore keyStore, String keyStorePassword, X509Certificate certificate) {
    this.keyStore = keyStore;
    this.keyStorePassword = keyStorePassword;
    this.certificate = certificate;
  }

  /**
   * Generates an RSA 2048 key and a self-signed certificate valid for ten years.
   *
   * @param addresses IP addresses to name in the certificate (left out beyond 64)
   * @throws GeneralSecurityException if the JDK cannot create the key or certificate
   */
  public static TlsIdentity generate(Collection<String> addresses) throws GeneralSecurityException {
    SecureRandom random = new SecureRandom();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048, random);
    KeyPair keys = generator.generateKeyPair();
    X500Name subject = new X500Name(SUBJECT);
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            new BigInteger(63, random),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(3650))),
            subject,
            keys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.dNSName, "localhost"));
      if (addresses.size() <= MAX_ADDRESS_NAMES) {
        for (String address : addresses) {
          if (isIpLiteral(address)) {
            names.add(new GeneralName(GeneralName.iPAddress, address));
          }
        }
      }
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(new GeneralName[0])));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
      String password = HexFormat.of().formatHex(random.generateSeed(12));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "virtual-amt",
          keys.getPrivate(),
          password.toCharArray(),
          new Certificate[] {certificate});
      return new TlsIdentity(store, password, certificate);
    } catch (IOException | OperatorCreationException e) {
      throw new GeneralSecurityException(
          "Cannot create the self-signed certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a key and certificate from a PKCS#12 file.
   *
   * @throws IOException if the file cannot be read
   * @throws GeneralSecurityException if it is not a PKCS#12 file with a key entry, or the password
   *     is wrong
   */
  public static TlsIdentity load(Path file, String password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    Enumeration<String> aliases = store.aliases();
    while (aliases.hasMoreElements()) {
      String alias = aliases.nextElement();
      if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate cert) {
        return new TlsIdentity(store, password, cert);
      }
    }
    throw new GeneralSecurityException(
        "The key store " + file + " holds no private key with an X.509 certificate");
  }

  private static boolean isIpLiteral(String address) {
    if (!address.matches("[0-9.]+") && !address.contains(":")) {
      return false;
    }
    try {
      InetAddress.getByName(address);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The key store holding the key and certificate. */
  public KeyStore keyStore() {
    return keyStore;
  }

  /** The key store's password (generated for a generated identity). */
  public String keyStorePassword() {
    return keyStorePassword;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The certificate's SHA-256 fingerprint: upper-case hex pairs joined by colons. */
  public String sha256Fingerprint() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot fingerprint the certificate", e);
    }
  }

  @Override
  public String toString() {
    return "TlsIdentity["
        + certificate.getSubjectX500Principal()
        + ", SHA-256 "
        + sha256Fingerprint()
        + "]";
  }
}
