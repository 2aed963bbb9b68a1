package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.amtpxe.virtualamt.testing.Emulator;
import org.amtpxe.virtualamt.testing.Replies;
import org.amtpxe.virtualamt.testing.Wsman;
import org.amtpxe.virtualamt.testing.Wsman.Style;
import org.junit.jupiter.api.Test;

class TlsTest {
  @Test
  void nodeAnswersOverTlsWithTheSelfSignedCertificateWhoseFingerprintItReports() throws Exception {
    try (Emulator e = Emulator.start(b -> b.tlsPort(0))) {
      VirtualAmt amt = e.amt();
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("amt", amt.tlsCertificate().orElseThrow());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      DigestClient client =
          new DigestClient(
              e.node().wsmanTlsUri().orElseThrow(), Emulator.USER, Emulator.PASSWORD, tls);

      String body = client.send(Wsman.request(Style.INTEL, Wsman.GET, Wsman.APMS).build()).body();

      assertThat(Replies.of(body).text("//apms:PowerState")).isEqualTo("8");
      String expected =
          HexFormat.ofDelimiter(":")
              .withUpperCase()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(amt.tlsCertificate().get().getEncoded()));
      assertThat(amt.tlsFingerprint()).contains(expected);
      assertThat(amt.tlsCertificate().get().getSubjectX500Principal().getName())
          .contains("Intel(R) AMT self-signed certificate");
      assertThat(e.node().counters().connections()).isEqualTo(2);
      assertThat(e.node().wsmanUri().getPort()).isNotEqualTo(e.node().tlsPort().orElseThrow());
    }
  }

  @Test
  void nodesWithoutTlsHaveNoCertificate() throws Exception {
    try (Emulator e = Emulator.start()) {
      assertThat(e.amt().tlsFingerprint()).isEmpty();
      assertThat(e.node().wsmanTlsUri()).isEmpty();
    }
  }
}
