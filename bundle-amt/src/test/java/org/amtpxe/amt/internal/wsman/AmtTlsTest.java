package org.amtpxe.amt.internal.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyStore;
import java.time.Clock;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.TestCerts;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.amt.internal.cim.CimAssociatedPowerManagementService;
import org.amtpxe.api.error.ConnectionFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** https with a pinned fingerprint, a trust store, or the explicit insecure flag. */
class AmtTlsTest {
  private static final WsmanRequest GET_POWER = CimAssociatedPowerManagementService.getRequest();

  private FakeAmt amt;
  private final AmtHosts hosts = new AmtHosts(WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);

  @AfterEach
  void stop() {
    hosts.close();
    if (amt != null) {
      amt.close();
    }
  }

  private AmtEndpoint start(KeyStore serverKeys, String pin, boolean verifyCa) throws Exception {
    amt = FakeAmt.startTls(TestCerts.serverContext(serverKeys));
    AmtEndpoint e = amt.endpoint();
    return new AmtEndpoint(
        e.label(), e.address(), e.port(), true, e.username(), e.password(), pin, verifyCa);
  }

  private static TransportSettings withTrustStore(KeyStore trust) {
    TransportSettings t = TestSettings.transport();
    return new TransportSettings(
        t.connectTimeout(),
        t.readTimeout(),
        t.maxReplyBytes(),
        t.awakeInterval(),
        t.wakeAttempts(),
        t.wakeRetryDelay(),
        trust);
  }

  private static String fingerprint(KeyStore store) throws Exception {
    return AmtTls.fingerprint(TestCerts.certificate(store));
  }

  @Test
  void pinnedFingerprintIsTrustedAndDigestWorksOverTls() throws Exception {
    KeyStore keys = TestCerts.namingNothing();
    AmtEndpoint endpoint = start(keys, fingerprint(keys), true);
    WsmanTransport transport = hosts.transport(endpoint, TestSettings.transport());

    transport.send(GET_POWER);
    transport.send(GET_POWER);

    assertThat(amt.requests()).isEqualTo(3);
    assertThat(amt.problems()).isEmpty();
  }

  @Test
  void fingerprintMismatchShowsThePresentedFingerprint() throws Exception {
    KeyStore keys = TestCerts.namingNothing();
    String wrong = "00".repeat(32);
    AmtEndpoint endpoint = start(keys, wrong, true);

    assertThatThrownBy(() -> hosts.transport(endpoint, TestSettings.transport()).send(GET_POWER))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining(AmtTls.colons(fingerprint(keys)))
        .hasMessageContaining("amt_cert_fingerprint is " + AmtTls.colons(wrong))
        .hasMessageNotContaining(FakeAmt.PASSWORD);
    assertThat(amt.requests()).isZero();
  }

  @Test
  void selfSignedCertificateWithoutPinSuggestsPinningIt() throws Exception {
    KeyStore keys = TestCerts.namingNothing();
    AmtEndpoint endpoint = start(keys, null, true);

    assertThatThrownBy(() -> hosts.transport(endpoint, TestSettings.transport()).send(GET_POWER))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("is not trusted")
        .hasMessageContaining("amt_cert_fingerprint=" + AmtTls.colons(fingerprint(keys)));
  }

  @Test
  void insecureFlagAcceptsAnyCertificate() throws Exception {
    AmtEndpoint endpoint = start(TestCerts.namingNothing(), null, false);

    hosts.transport(endpoint, TestSettings.transport()).send(GET_POWER);

    assertThat(amt.problems()).isEmpty();
  }

  @Test
  void configuredTrustStoreIsUsed() throws Exception {
    KeyStore keys = TestCerts.namingLoopback();
    AmtEndpoint endpoint = start(keys, null, true);

    hosts.transport(endpoint, withTrustStore(TestCerts.trustStoreOf(keys))).send(GET_POWER);

    assertThat(amt.requests()).isEqualTo(2);
  }

  @Test
  void trustedCertificateThatDoesNotNameTheAddressIsRefused() throws Exception {
    KeyStore keys = TestCerts.namingNothing();
    AmtEndpoint endpoint = start(keys, null, true);

    assertThatThrownBy(
            () ->
                hosts
                    .transport(endpoint, withTrustStore(TestCerts.trustStoreOf(keys)))
                    .send(GET_POWER))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("does not name amt_address");
  }

  @Test
  void plainHttpToATlsPortFailsClearly() throws Exception {
    AmtEndpoint tls = start(TestCerts.namingNothing(), null, false);
    AmtEndpoint plain =
        new AmtEndpoint(
            tls.label(),
            tls.address(),
            tls.port(),
            false,
            tls.username(),
            tls.password(),
            null,
            true);

    assertThatThrownBy(() -> hosts.transport(plain, TestSettings.transport()).send(GET_POWER))
        .isInstanceOf(org.amtpxe.api.error.DriverException.class)
        .hasMessageContaining("Node fake");
  }
}
