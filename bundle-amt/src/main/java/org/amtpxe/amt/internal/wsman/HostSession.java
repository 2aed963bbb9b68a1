package org.amtpxe.amt.internal.wsman;

import java.io.Closeable;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hc.client5.http.auth.AuthSchemeFactory;
import org.apache.hc.client5.http.auth.StandardAuthScheme;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state the driver keeps for one AMT: the lock that allows one request in flight, the HTTP
 * client (its TLS trust and timeouts), and the HTTP context that holds the Digest state, so that
 * after the first call every request authenticates pre-emptively with the same nonce and an
 * incremented nonce count: one round trip per call.
 */
final class HostSession implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(HostSession.class);

  /** The settings that shape a client; a change builds a new one. */
  private record ClientKey(
      int port,
      boolean https,
      String certSha256,
      boolean verifyCa,
      Duration connectTimeout,
      Duration readTimeout,
      KeyStore trustStore) {}

  final ReentrantLock lock = new ReentrantLock(true);

  // The fields below are guarded by lock.
  private ClientKey clientKey;
  private CloseableHttpClient client;
  private HttpClientContext context;
  private String username;
  private char[] password;

  /** The client for the endpoint, built or rebuilt as needed. Call with the lock held. */
  CloseableHttpClient client(AmtEndpoint endpoint, TransportSettings settings, WsmanMeters meters)
      throws GeneralSecurityException {
    ClientKey key =
        new ClientKey(
            endpoint.port(),
            endpoint.https(),
            endpoint.certSha256(),
            endpoint.verifyCa(),
            settings.connectTimeout(),
            settings.readTimeout(),
            settings.trustStore());
    if (client == null || !key.equals(clientKey)) {
      closeClient();
      client = newClient(endpoint, settings, meters);
      clientKey = key;
      context = null;
    }
    return client;
  }

  /**
   * The HTTP context holding the Digest exchange; a new one when the credentials changed. Call with
   * the lock held.
   */
  HttpClientContext context(AmtEndpoint endpoint) {
    char[] newPassword = endpoint.password().toCharArray();
    if (context == null
        || !Objects.equals(username, endpoint.username())
        || !Arrays.equals(password, newPassword)) {
      UsernamePasswordCredentials credentials =
          new UsernamePasswordCredentials(endpoint.username(), newPassword);
      context = HttpClientContext.create();
      context.setCredentialsProvider((scope, ctx) -> credentials);
      clearPassword();
      username = endpoint.username();
      password = newPassword;
    } else {
      Arrays.fill(newPassword, '\0');
    }
    return context;
  }

  /** Forgets the Digest state, after the device refused it. Call with the lock held. */
  void resetAuthentication() {
    context = null;
  }

  private static CloseableHttpClient newClient(
      AmtEndpoint endpoint, TransportSettings settings, WsmanMeters meters)
      throws GeneralSecurityException {
    Timeout connect = Timeout.ofMilliseconds(settings.connectTimeout().toMillis());
    Timeout read = Timeout.ofMilliseconds(settings.readTimeout().toMillis());
    PoolingHttpClientConnectionManagerBuilder connections =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(1)
            .setMaxConnPerRoute(1)
            .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(read).build())
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(connect)
                    .setSocketTimeout(read)
                    // NOTE: AMT closes idle connections; check a pooled one before reuse rather
                    // than have a non-idempotent POST fail on a dead socket.
                    .setValidateAfterInactivity(TimeValue.ofMilliseconds(500))
                    .setTimeToLive(TimeValue.ofMinutes(1))
                    .build());
    if (endpoint.https()) {
      if (endpoint.certSha256() == null && !endpoint.verifyCa()) {
        LOG.warn(
            "{}: the TLS certificate of AMT at {} is not verified (amt_verify_ca=false); pin it"
                + " with amt_cert_fingerprint instead",
            endpoint.label(),
            endpoint.where());
      }
      connections.setTlsSocketStrategy(AmtTls.strategy(endpoint, settings));
    }
    return HttpClients.custom()
        .setConnectionManager(connections.build())
        .setDefaultAuthSchemeRegistry(
            RegistryBuilder.<AuthSchemeFactory>create()
                .register(StandardAuthScheme.DIGEST, AmtDigestScheme.FACTORY)
                .build())
        .setDefaultRequestConfig(
            RequestConfig.custom()
                .setResponseTimeout(read)
                .setConnectionRequestTimeout(connect)
                .setTargetPreferredAuthSchemes(List.of(StandardAuthScheme.DIGEST))
                .build())
        .disableAuthCaching()
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableContentCompression()
        .setUserAgent("amtpxe-amt")
        // Every 401 counts, the ones HttpClient answers itself (Digest) included.
        .addResponseInterceptorFirst(
            (response, entity, ctx) -> {
              if (response.getCode() == 401) {
                meters.challenge();
              }
            })
        .build();
  }

  private void clearPassword() {
    if (password != null) {
      Arrays.fill(password, '\0');
      password = null;
    }
  }

  private void closeClient() {
    if (client != null) {
      client.close(CloseMode.IMMEDIATE);
      client = null;
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closeClient();
      context = null;
      clearPassword();
    } finally {
      lock.unlock();
    }
  }
}
