package org.amtpxe.conductor.internal.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The trust for calls between conductors over HTTPS ({@code cluster_cafile}): the certificates of a
 * PEM file, and only those, as Ironic's JSON-RPC client takes a {@code cafile}. A conductor's
 * generated certificate is written next to its keystore as {@code <keystore>.pem}; the file here is
 * those of every conductor (or of the CA that signed them) one after the other. Host names are
 * checked as usual: each conductor's API URL must be one of its certificate's names.
 */
public final class ClusterTrust {
  /** A PEM file of a few CA or conductor certificates is a few KiB; anything beyond is refused. */
  static final long MAX_FILE = 1024 * 1024;

  private ClusterTrust() {}

  /**
   * Reads the certificates of a PEM file into a TLS context that trusts only them.
   *
   * @throws IOException when the file cannot be read, is too large, or holds no certificate; the
   *     message names the setting and what to put there
   */
  public static SSLContext fromPem(Path file) throws IOException {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IOException(
          "cluster_cafile "
              + file
              + " is not a readable file; put the conductors' <api_tls_keystore>.pem files (or"
              + " their CA's certificate) in it");
    }
    if (Files.size(file) > MAX_FILE) {
      throw new IOException(
          "cluster_cafile " + file + " is larger than " + MAX_FILE + " bytes: is it a PEM file?");
    }
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(file)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cluster_cafile "
              + file
              + " is not a PEM file of certificates ("
              + e.getMessage()
              + "); put the conductors' <api_tls_keystore>.pem files (or their CA's certificate)"
              + " in it",
          e);
    }
    if (certificates.isEmpty()) {
      throw new IOException(
          "cluster_cafile "
              + file
              + " holds no certificate; put the conductors' <api_tls_keystore>.pem files (or"
              + " their CA's certificate) in it");
    }
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      int i = 0;
      for (Certificate c : certificates) {
        if (!(c instanceof X509Certificate)) {
          continue;
        }
        trusted.setCertificateEntry("conductor-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IOException("Cannot build the trust of cluster_cafile " + file + ": " + e, e);
    }
  }
}
