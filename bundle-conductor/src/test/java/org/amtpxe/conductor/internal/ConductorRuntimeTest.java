package org.amtpxe.conductor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConductorRuntimeTest {
  @TempDir Path data;

  private ConductorSettings settings(Map<String, Object> values) {
    return ConductorSettings.from(values, data);
  }

  @Test
  void aGeneratedCertificateServesHttpsAndSurvivesARestart() throws Exception {
    DriverRegistry drivers = new DriverRegistry();
    Path etc = data.resolve("etc");
    ConductorSettings s =
        ConductorSettings.from(
            Map.of(
                "api_port", 0,
                "host", "c1",
                "api_tls_keystore", "tls/api.p12",
                "api_tls_keystore_password", "keystore-secret",
                "api_tls_generate", true),
            data,
            etc);
    Path keystore = etc.resolve("tls/api.p12");
    String fingerprint;
    try (ConductorRuntime first = ConductorRuntime.start(s, drivers)) {
      assertThat(keystore).exists();
      fingerprint = Files.readString(etc.resolve("tls/api.p12.sha256")).strip();
      assertThat(
              org.amtpxe.conductor.internal.rest.ApiKeystore.fingerprint(
                  keystore, "keystore-secret".toCharArray()))
          .isEqualTo(fingerprint);
      java.net.http.HttpResponse<String> r =
          https(keystore)
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("https://127.0.0.1:" + first.apiPort() + "/v1"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
    try (ConductorRuntime second = ConductorRuntime.start(s, drivers)) {
      assertThat(Files.readString(etc.resolve("tls/api.p12.sha256")).strip())
          .as("the same certificate after a restart")
          .isEqualTo(fingerprint);
    }
  }

  /** An HTTPS client trusting the keystore's certificate. */
  private static java.net.http.HttpClient https(Path keystore) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      ks.load(in, "keystore-secret".toCharArray());
    }
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("api", ks.getCertificate(ks.aliases().nextElement()));
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return java.net.http.HttpClient.newBuilder().sslContext(ctx).build();
  }

  @Test
  void nodesSurviveARestartAndTheApiServes() throws Exception {
    DriverRegistry drivers = new DriverRegistry();
    FakeDriver driver = new FakeDriver("fake");
    drivers.addDriver(driver, Map.of("driver.name", "fake"));
    ConductorSettings s = settings(Map.of("api_port", 0, "host", "c1", "sync_interval", 1));
    String uuid = UUID.randomUUID().toString();

    try (ConductorRuntime first = ConductorRuntime.start(s, drivers)) {
      first.service().nodes().createNode(Node.builder(uuid, "fake").name("keep").build());
      Http http = new Http("http://127.0.0.1:" + first.apiPort());
      assertThat(http.get("/v1/nodes/keep").status()).isEqualTo(200);
    }
    try (ConductorRuntime second = ConductorRuntime.start(s, drivers)) {
      assertThat(second.service().nodes().node("keep").uuid()).isEqualTo(uuid);
    }
  }

  @Test
  void aFailedStartLeavesNothingRunning() throws Exception {
    DriverRegistry drivers = new DriverRegistry();
    ConductorSettings s = settings(Map.of("api_port", 0, "host", "c1"));
    try (ConductorRuntime running = ConductorRuntime.start(s, drivers)) {
      ConductorSettings samePort =
          settings(
              Map.of(
                  "api_port",
                  running.apiPort(),
                  "host",
                  "c2",
                  "db_url",
                  "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"));

      assertThatThrownBy(() -> ConductorRuntime.start(samePort, drivers))
          .hasMessageContaining("ddress already in use");
      assertThat(
              running.service().nodes().nodes(org.amtpxe.conductor.internal.store.NodeQuery.all()))
          .isEmpty();
    }
  }

  @Test
  void aPeriodicTaskSurvivesAnErrorAndAnException() throws Exception {
    java.util.concurrent.ScheduledExecutorService scheduler =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch third = new java.util.concurrent.CountDownLatch(3);
    try {
      ConductorRuntime.periodically(
          scheduler,
          1,
          "test task",
          () -> {
            third.countDown();
            switch (runs.incrementAndGet()) {
              case 1 -> throw new NoClassDefFoundError("org/example/Gone");
              case 2 -> throw new IllegalStateException("broken");
              default -> {}
            }
          });
      assertThat(third.await(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("runs after an Error and an exception")
          .isTrue();
    } finally {
      scheduler.shutdownNow();
    }
  }
}
