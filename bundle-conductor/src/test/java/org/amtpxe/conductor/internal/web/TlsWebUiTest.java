package org.amtpxe.conductor.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over HTTPS the session cookie is Secure (the browser never sends it over plain HTTP). */
class TlsWebUiTest {
  private static final char[] PASSWORD = "web-tls-pass".toCharArray();

  @TempDir Path dir;

  @Test
  void theSessionCookieIsSecureOverTls() throws Exception {
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
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    try (TestConductor c = new TestConductor(Runnable::run);
        WebStack web =
            new WebStack(
                c,
                TestRealm.authenticator(users),
                new ApiServer.Tls(keystore, new String(PASSWORD)))) {
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(ctx)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create(web.base + "/ui/login"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Origin", web.base)
                  .POST(HttpRequest.BodyPublishers.ofString("user=ada&password=admin-pw"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(303);
      assertThat(r.headers().firstValue("Set-Cookie").orElseThrow())
          .contains("Secure")
          .contains("HttpOnly")
          .contains("SameSite=Strict");
    }
  }
}
