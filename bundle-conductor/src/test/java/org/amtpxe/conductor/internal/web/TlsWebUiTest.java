package org.amtpxe.conductor.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.conductor.internal.auth.Role;
import org.amtpxe.conductor.internal.rest.ApiKeystore;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestRealm;
import org.amtpxe.conductor.internal.testing.WebStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page over HTTPS: the session cookie is Secure (the browser never sends it over plain HTTP),
 * and a closed stream is noticed through TLS as without it.
 */
class TlsWebUiTest {
  private static final char[] PASSWORD = "web-tls-pass".toCharArray();

  @TempDir Path dir;

  private SSLContext ctx;
  private TestConductor c;
  private WebStack web;

  @BeforeEach
  void start() throws Exception {
    Path users = dir.resolve("users");
    CredentialsFile.addUser(users, "ada", "admin-pw".toCharArray(), Set.of(Role.ADMIN));
    Path keystore = dir.resolve("api.p12");
    ApiKeystore.prepare(keystore, PASSWORD, true, "localhost", "127.0.0.1");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "api", (X509Certificate) ks.getCertificate(ks.aliases().nextElement()));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    c = new TestConductor(Runnable::run);
    web =
        new WebStack(
            c, TestRealm.authenticator(users), new ApiServer.Tls(keystore, new String(PASSWORD)));
  }

  @AfterEach
  void stop() throws Exception {
    web.close();
    c.close();
  }

  private HttpResponse<String> login() throws Exception {
    HttpClient client =
        HttpClient.newBuilder().sslContext(ctx).followRedirects(HttpClient.Redirect.NEVER).build();
    return client.send(
        HttpRequest.newBuilder(URI.create(web.base + "/ui/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", web.base)
            .POST(HttpRequest.BodyPublishers.ofString("user=ada&password=admin-pw"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theSessionCookieIsSecureOverTls() throws Exception {
    HttpResponse<String> r = login();
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Set-Cookie").orElseThrow())
        .contains("Secure")
        .contains("HttpOnly")
        .contains("SameSite=Strict");
  }

  /** Over TLS too, a stream whose page closed its connection stops counting at once. */
  @Test
  void eventStreamsClosedOverTlsAreNoticedAtOnce() throws Exception {
    String cookie = login().headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    for (int reload = 0; reload < 2 * NodeFeed.MAX_PER_USER; reload++) {
      try (Socket s = ctx.getSocketFactory().createSocket("127.0.0.1", web.server.port())) {
        s.setSoTimeout(10_000);
        s.getOutputStream()
            .write(
                ("GET /ui/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String line;
        do {
          line = in.readLine();
          assertThat(line).as("a hello event (reload " + reload + ")").isNotNull();
          assertThat(line).doesNotContain("event: refused");
        } while (!line.equals("event: hello"));
      }
    }
    long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (web.feed.streams() > 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(web.feed.streams()).isZero();
  }
}
