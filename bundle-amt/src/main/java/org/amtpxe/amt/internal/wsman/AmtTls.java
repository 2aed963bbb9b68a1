package org.amtpxe.amt.internal.wsman;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;

/**
 * How the driver trusts an AMT's TLS certificate: a pinned SHA-256 fingerprint from driver_info, a
 * configured trust store, the JDK's trust, or (explicitly, per node) nothing at all. Failures carry
 * the fingerprint the device presented, which is public, so the operator can pin it.
 */
public final class AmtTls {

  /** The certificate the device presented is not the pinned one. */
  public static final class FingerprintMismatchException extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final String presented;

    FingerprintMismatchException(String presented, String expected) {
      super(
          "the certificate's SHA-256 fingerprint is "
              + colons(presented)
              + " but amt_cert_fingerprint is "
              + colons(expected));
      this.presented = presented;
    }

    /** The fingerprint the device presented, lower-case hex without colons. */
    public String presented() {
      return presented;
    }
  }

  /** The certificate chain is not trusted by the trust store in use. */
  public static final class UntrustedCertificateException extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final String presented;

    UntrustedCertificateException(String presented, String subject, CertificateException cause) {
      super(
          "the certificate ("
              + subject
              + ", SHA-256 "
              + colons(presented)
              + ") is not trusted: "
              + cause.getMessage(),
          cause);
      this.presented = presented;
    }

    /** The fingerprint the device presented, lower-case hex without colons. */
    public String presented() {
      return presented;
    }
  }

  private AmtTls() {}

  /**
   * The TLS context for an https endpoint under the given settings, as {@link #strategy} trusts
   * (the redirection port uses it too). Host names are checked only when neither a fingerprint is
   * pinned nor verification is turned off.
   */
  public static SSLContext context(AmtEndpoint endpoint, TransportSettings settings)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    if (endpoint.certSha256() != null) {
      context.init(null, new TrustManager[] {new PinnedTrustManager(endpoint.certSha256())}, null);
    } else if (!endpoint.verifyCa()) {
      context.init(null, new TrustManager[] {new TrustingTrustManager()}, null);
    } else {
      context.init(null, new TrustManager[] {caTrust(settings)}, null);
    }
    return context;
  }

  private static X509TrustManager caTrust(TransportSettings settings)
      throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(settings.trustStore());
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return new ExplainingTrustManager(x509);
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager available");
  }

  /** The TLS strategy for an https endpoint under the given settings. */
  public static TlsSocketStrategy strategy(AmtEndpoint endpoint, TransportSettings settings)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    if (endpoint.certSha256() != null) {
      context.init(null, new TrustManager[] {new PinnedTrustManager(endpoint.certSha256())}, null);
      // NOTE: the pin names the exact certificate; AMT's self-signed certificates carry no
      // subject matching the address, so the host name is not checked in this mode.
      return new DefaultClientTlsStrategy(
          context, HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE);
    }
    if (!endpoint.verifyCa()) {
      context.init(null, new TrustManager[] {new TrustingTrustManager()}, null);
      return new DefaultClientTlsStrategy(
          context, HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(settings.trustStore());
    X509TrustManager delegate = null;
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        delegate = x509;
      }
    }
    if (delegate == null) {
      throw new GeneralSecurityException("no X.509 trust manager available");
    }
    context.init(null, new TrustManager[] {new ExplainingTrustManager(delegate)}, null);
    return new DefaultClientTlsStrategy(
        context, HostnameVerificationPolicy.CLIENT, new DefaultHostnameVerifier());
  }

  /** The SHA-256 fingerprint of a certificate, lower-case hex without colons. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a certificate", e);
    }
  }

  /** Upper-case hex with colons, as browsers and keytool print fingerprints. */
  public static String colons(String hex) {
    StringBuilder sb = new StringBuilder(hex.length() * 3 / 2);
    for (int i = 0; i < hex.length(); i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(hex, i, Math.min(i + 2, hex.length()));
    }
    return sb.toString().toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * A trust manager for the client side of a connection: every overload routes to {@link
   * #checkServerTrusted(X509Certificate[], String)}, and client certificates are never accepted.
   */
  private abstract static class ServerTrustManager extends X509ExtendedTrustManager {
    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Accepts exactly the leaf certificate with the pinned fingerprint. */
  private static final class PinnedTrustManager extends ServerTrustManager {
    private final String expected;

    PinnedTrustManager(String expected) {
      this.expected = expected;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the device presented no certificate");
      }
      String presented = fingerprint(chain[0]);
      if (!MessageDigest.isEqual(presented.getBytes(), expected.getBytes())) {
        throw new FingerprintMismatchException(presented, expected);
      }
    }
  }

  /** Accepts any certificate: the explicit, per-node insecure mode. */
  private static final class TrustingTrustManager extends ServerTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}
  }

  /** Delegates to a trust store and, on refusal, says which certificate was refused. */
  private static final class ExplainingTrustManager extends ServerTrustManager {
    private final X509TrustManager delegate;

    ExplainingTrustManager(X509TrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        delegate.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        if (chain == null || chain.length == 0) {
          throw e;
        }
        throw new UntrustedCertificateException(
            fingerprint(chain[0]), chain[0].getSubjectX500Principal().getName(), e);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
