package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.amtpxe.conductor.internal.testing.RawHttp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's keystore (generated with keytool, checked, fingerprinted) and HTTPS. */
class ApiTlsTest {
  private static final char[] PASSWORD = "s3cret-pass".toCharArray();

  @TempDir Path dir;

  private static X509Certificate certificate(Path keystore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    return (X509Certificate) ks.getCertificate(ApiKeystore.ALIAS);
  }

  /** A client context that trusts exactly this certificate. */
  private static SSLContext trusting(X509Certificate cert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("api", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void aMissingKeystoreIsGeneratedForTheOwnerOnlyWithItsNamesAndFingerprint() throws Exception {
    Path keystore = dir.resolve("etc/tls/api.p12");

    String fingerprint =
        ApiKeystore.prepare(keystore, PASSWORD, true, "conductor-1.example", "127.0.0.1");

    assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore.getParent())))
        .as("the directory it created")
        .isEqualTo("rwx------");
    assertThat(Files.readString(dir.resolve("etc/tls/api.p12.sha256")).strip())
        .isEqualTo(fingerprint);
    try (var files = Files.list(keystore.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no work files left")
          .containsExactlyInAnyOrder("api.p12", "api.p12.sha256", "api.p12.pem");
    }
    X509Certificate cert = certificate(keystore);
    try (var pem = Files.newInputStream(dir.resolve("etc/tls/api.p12.pem"))) {
      assertThat(
              java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(pem))
          .as("the certificate in PEM, for other conductors' cluster_cafile")
          .isEqualTo(cert);
    }
    List<String> names = new ArrayList<>();
    for (List<?> san : cert.getSubjectAlternativeNames()) {
      names.add(san.get(1).toString());
    }
    assertThat(names).containsExactlyInAnyOrder("conductor-1.example", "localhost", "127.0.0.1");
    assertThat(cert.getSubjectX500Principal().getName()).contains("CN=conductor-1.example");

    // keytool itself reports the same fingerprint.
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-list",
                "-v",
                "-keystore",
                keystore.toString(),
                "-storepass:env",
                "KS_PASS")
            .redirectErrorStream(true);
    pb.environment().put("KS_PASS", new String(PASSWORD));
    Process p = pb.start();
    String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(listing).contains("SHA256: " + fingerprint);

    assertThat(ApiKeystore.prepare(keystore, PASSWORD, true, "other.example", "127.0.0.1"))
        .as("an existing keystore is kept")
        .isEqualTo(fingerprint);
  }

  @Test
  void aKeystoreThatCannotServeSaysWhichSettingToFix() throws Exception {
    Path missing = dir.resolve("none.p12");
    assertThatThrownBy(() -> ApiKeystore.prepare(missing, PASSWORD, false, "h", "127.0.0.1"))
        .hasMessageContaining("api_tls_keystore " + missing + " does not exist")
        .hasMessageContaining("api_tls_generate=true");

    Path keystore = dir.resolve("api.p12");
    ApiKeystore.prepare(keystore, PASSWORD, true, "h", "127.0.0.1");
    assertThatThrownBy(
            () -> ApiKeystore.prepare(keystore, "wrong-pw".toCharArray(), true, "h", "127.0.0.1"))
        .hasMessageContaining("cannot be opened as PKCS12 with api_tls_keystore_password")
        .hasMessageNotContaining("wrong-pw")
        .hasMessageNotContaining(new String(PASSWORD));

    Path junk = dir.resolve("junk.p12");
    Files.writeString(junk, "not a keystore");
    assertThatThrownBy(() -> ApiKeystore.prepare(junk, PASSWORD, true, "h", "127.0.0.1"))
        .hasMessageContaining("api_tls_keystore " + junk);
  }

  @Test
  void theApiServesHttpsWithTls12And13AndIronicErrors() throws Exception {
    Path keystore = dir.resolve("api.p12");
    ApiKeystore.prepare(keystore, PASSWORD, true, "conductor-1.example", "127.0.0.1");
    X509Certificate cert = certificate(keystore);
    try (TestConductor c = new TestConductor(Runnable::run);
        ApiServer server =
            new ApiServer(
                new ApiServer.Config(
                    "127.0.0.1", 0, 8, 16, new ApiServer.Tls(keystore, new String(PASSWORD))),
                new ApiHandler(c.service, null))) {
      String base = "https://127.0.0.1:" + server.port();
      for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[] {protocol});
        HttpClient client =
            HttpClient.newBuilder().sslContext(trusting(cert)).sslParameters(params).build();
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create(base + "/v1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(protocol).isEqualTo(200);
        assertThat(r.body()).as("links name the scheme").contains("https://127.0.0.1:");
      }

      HttpClient trustsNothing = HttpClient.newHttpClient();
      assertThatThrownBy(
              () ->
                  trustsNothing.send(
                      HttpRequest.newBuilder(URI.create(base + "/v1")).build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);

      // Jetty's own rejections over TLS are Ironic's JSON too.
      try (SSLSocket s =
          (SSLSocket) trusting(cert).getSocketFactory().createSocket("127.0.0.1", server.port())) {
        s.setSoTimeout(5000);
        s.getOutputStream()
            .write(
                RawHttp.head(
                    "GET /v1/nodes/%2e%2e/x HTTP/1.1", "Host: 127.0.0.1", "Connection: close"));
        RawHttp.Reply r = RawHttp.read(s.getInputStream(), System.nanoTime());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.fault()).contains("path");
      }

      // Plain HTTP on the TLS port gets no HTTP answer (and no data is served).
      assertThatThrownBy(
              () ->
                  RawHttp.exchange(
                      new InetSocketAddress("127.0.0.1", server.port()),
                      RawHttp.head("GET /v1/nodes HTTP/1.1", "Host: 127.0.0.1"),
                      false,
                      Duration.ofSeconds(5)))
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void theRamdiskPortServesPlainHttpForTheRamdiskAndNothingElse() throws Exception {
    Path keystore = dir.resolve("api.p12");
    ApiKeystore.prepare(keystore, PASSWORD, true, "conductor-1.example", "127.0.0.1");
    Path users = dir.resolve("users");
    org.amtpxe.conductor.internal.auth.CredentialsFile.addUser(
        users,
        "ada",
        "admin-pw".toCharArray(),
        java.util.Set.of(org.amtpxe.conductor.internal.auth.Role.ADMIN));
    try (TestConductor c = new TestConductor(Runnable::run);
        ApiServer server =
            new ApiServer(
                new ApiServer.Config(
                    "127.0.0.1", 0, 8, 16, new ApiServer.Tls(keystore, new String(PASSWORD)), 0),
                new ApiHandler(
                    c.service,
                    org.amtpxe.conductor.internal.testing.TestRealm.authenticator(users)))) {
      assertThat(server.ramdiskPort()).isPositive().isNotEqualTo(server.port());
      org.amtpxe.api.model.Node n = c.enroll("rd");
      c.service
          .ports()
          .createPort(
              org.amtpxe.api.model.Port.builder(
                      java.util.UUID.randomUUID().toString(),
                      org.amtpxe.api.model.MacAddress.parse("52:54:00:0d:0d:01"),
                      n.uuid())
                  .build());
      c.service
          .provision()
          .changeProvisionState(
              n.uuid(), org.amtpxe.conductor.internal.state.ProvisionAction.MANAGE);
      c.service
          .provision()
          .changeProvisionState(
              n.uuid(), org.amtpxe.conductor.internal.state.ProvisionAction.PROVIDE);
      c.service
          .nodes()
          .updateNode(
              n.uuid(),
              cur -> cur.toBuilder().instanceInfo(java.util.Map.of("image_source", "x")).build());
      c.service
          .provision()
          .changeProvisionState(
              n.uuid(), org.amtpxe.conductor.internal.state.ProvisionAction.ACTIVE);

      org.amtpxe.conductor.internal.testing.Http ramdisk =
          new org.amtpxe.conductor.internal.testing.Http("http://127.0.0.1:" + server.ramdiskPort())
              .version("1.22");
      org.amtpxe.conductor.internal.testing.Http.Resp lookup =
          ramdisk.get("/v1/lookup?addresses=52:54:00:0d:0d:01");
      assertThat(lookup.status()).as(lookup.raw().body()).isEqualTo(200);
      String token = lookup.json().at("/config/agent_token").asText();
      assertThat(
              ramdisk
                  .post(
                      "/v1/nodes/" + n.uuid() + "/vendor_passthru/pass_deploy_info",
                      "{\"agent_token\": \"" + token + "\"}")
                  .status())
          .isEqualTo(202);

      org.amtpxe.conductor.internal.testing.Http.Resp nodes =
          ramdisk.basic("ada", "admin-pw").get("/v1/nodes");
      assertThat(nodes.status()).as("nothing else, even with credentials").isEqualTo(404);
      assertThat(nodes.fault()).contains("deploy ramdisk's port");
      assertThat(ramdisk.post("/v1/nodes", "{\"driver\": \"fake\"}").status()).isEqualTo(404);
      assertThat(c.store.countNodes()).isEqualTo(1);
    }
  }
}
