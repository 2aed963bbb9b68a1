package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.conductor.internal.auth.Role;
import org.amtpxe.conductor.internal.metrics.Promtool;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.sync.PowerSync;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.amtpxe.conductor.internal.testing.ManualExecutor;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} over real HTTP: who may read it, its format, and the conductor's meters
 * moving with what the conductor does.
 */
class MetricsEndpointTest {
  @TempDir Path dir;
  private final ManualExecutor workers = new ManualExecutor();
  private TestConductor c;
  private ApiServer server;
  private Http anon;

  private void start(boolean authenticated) throws Exception {
    c = new TestConductor(workers);
    org.amtpxe.conductor.internal.auth.Authenticator auth = null;
    if (authenticated) {
      Path users = dir.resolve("users");
      CredentialsFile.addUser(users, "rita", "reader-pw".toCharArray(), Set.of(Role.READER));
      auth = TestRealm.authenticator(users);
    }
    server = new ApiServer("127.0.0.1", 0, 16, new ApiHandler(c.service, auth));
    anon = new Http("http://127.0.0.1:" + server.port());
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (c != null) {
      c.close();
    }
  }

  private String scrape() throws Exception {
    HttpResponse<String> r = get("/metrics", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** A GET whose answer is not JSON, with HTTP Basic credentials ("user:password") or none. */
  private HttpResponse<String> get(String path, String credentials) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (credentials != null) {
      b.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aReaderScrapesPrometheusTextAndAnonymousCallersGet401() throws Exception {
    start(true);

    HttpResponse<String> refused = get("/metrics", null);
    HttpResponse<String> reader = get("/metrics", "rita:reader-pw");
    HttpResponse<String> wrong = get("/metrics", "rita:guess");

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"amtpxe\"");
    assertThat(refused.body()).doesNotContain("amtpxe_");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(reader.statusCode()).isEqualTo(200);
    assertThat(reader.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(reader.body()).contains("# TYPE amtpxe_api_requests_seconds histogram");
    assertThat(anon.basic("rita", "reader-pw").post("/metrics", "{}").status())
        .as("a reader may only read")
        .isEqualTo(403);
  }

  @Test
  void withoutAuthenticationOnLoopbackAnyoneMayScrapeAsTheRestOfTheApi() throws Exception {
    start(false);

    assertThat(anon.get("/metrics").status()).isEqualTo(200);
  }

  /**
   * The start-up warm-up (ApiHandler.warmUp, run by ConductorRuntime) answers nobody: it counts as
   * no API request, writes nothing, and the real list after it is the same.
   */
  @Test
  void theStartUpWarmUpIsNoRequestAndChangesNothing() throws Exception {
    start(false);
    Node n = c.enroll("desk-1");
    String before = anon.version("1.78").get("/v1/nodes/" + n.uuid()).raw().body();
    new ApiHandler(c.service, null).warmUp();
    new ApiHandler(c.service, null).warmUp();

    assertThat(anon.version("1.78").get("/v1/nodes/" + n.uuid()).raw().body()).isEqualTo(before);
    assertThat(scrape())
        .contains(
            "amtpxe_api_requests_seconds_count{method=\"GET\",route=\"/v1/nodes/{node}\",status=\"200\"} 2")
        .doesNotContain("route=\"/v1/nodes\"");
  }

  @Test
  void apiRequestsAreCountedByRouteTemplateNeverByNodeOrPath() throws Exception {
    start(false);
    Node n = c.enroll("desk-1");
    anon.version("1.78").get("/v1/nodes/" + n.uuid());
    anon.version("1.78").get("/v1/nodes/desk-1");
    anon.get("/v1/nodes/no-such-node");
    anon.get("/secret-probe-" + "x".repeat(40));

    String text = scrape();

    assertThat(text)
        .contains(
            "amtpxe_api_requests_seconds_count{method=\"GET\",route=\"/v1/nodes/{node}\",status=\"200\"} 2")
        .contains(
            "amtpxe_api_requests_seconds_count{method=\"GET\",route=\"/v1/nodes/{node}\",status=\"404\"} 1")
        .contains(
            "amtpxe_api_requests_seconds_count{method=\"GET\",route=\"other\",status=\"404\"} 1")
        .doesNotContain(n.uuid())
        .doesNotContain("desk-1")
        .doesNotContain("secret-probe");
  }

  @Test
  void lockWaitsCountAcquiredAndLockedAttempts() throws Exception {
    start(false);
    Node n = c.enroll("lock-1");

    assertThat(anon.put("/v1/nodes/" + n.uuid() + "/states/power", "{\"target\": \"power on\"}"))
        .extracting(Resp::status)
        .isEqualTo(202);
    workers.runAll();
    try (var held = c.tasks.acquire(n, c.driver)) {
      assertThat(
              anon.put("/v1/nodes/" + n.uuid() + "/states/power", "{\"target\": \"power off\"}")
                  .status())
          .isEqualTo(409);
    }

    String text = scrape();

    assertThat(text)
        .containsPattern("amtpxe_lock_wait_seconds_count\\{outcome=\"acquired\"\\} [2-9]")
        .contains("amtpxe_lock_wait_seconds_count{outcome=\"locked\"} 1");
  }

  @Test
  void powerSyncPassesCountTheirDurationAndFailedReads() throws Exception {
    start(false);
    available("sync-bad");
    c.driver.failOn("power.get", new ConnectionFailedException("no route"));
    PowerSync sync = new PowerSync(c.tasks, c.registry, 2, Duration.ofSeconds(5));

    sync.runOnce();
    sync.runOnce();

    String text = scrape();
    assertThat(text)
        .contains("amtpxe_sync_pass_seconds_count{outcome=\"completed\"} 2")
        .contains("amtpxe_sync_read_failures_total 2.0");
  }

  @Test
  void deploysAreTimedFromTheVerbToActiveOrFailed() throws Exception {
    start(false);
    Node n = available("deploy-1");

    c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    workers.runAll();
    Map<String, Object> body = new HashMap<>(Map.of("address", "192.0.2.66"));
    c.service
        .ramdisk()
        .vendorPassthru(
            n.uuid(), FakeDriver.CALLBACK, body, c.lookUpAgentToken(n, "10.1.1.5"), "10.1.1.5");
    workers.runAll();
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.ACTIVE);

    Node f = available("deploy-2");
    c.service.provision().changeProvisionState(f.uuid(), ProvisionAction.ACTIVE);
    workers.runAll();
    c.clock.advance(Duration.ofHours(2));
    c.service.ramdisk().failExpiredCallbacks(Duration.ofMinutes(30));
    workers.runAll();
    assertThat(c.reload(f).provisionState()).isEqualTo(ProvisionState.DEPLOY_FAILED);

    String text = scrape();
    assertThat(text)
        .contains("amtpxe_deploy_seconds_count{outcome=\"active\"} 1")
        .contains("amtpxe_deploy_seconds_count{outcome=\"deploy_failed\"} 1")
        .contains("amtpxe_deploy_seconds_bucket{outcome=\"active\",le=\"10.0\"} 1");
  }

  @Test
  void promtoolAcceptsARealScrape() throws Exception {
    start(false);
    Node n = c.enroll("prom-1");
    anon.put("/v1/nodes/" + n.uuid() + "/states/power", "{\"target\": \"power on\"}");
    new PowerSync(c.tasks, c.registry, 2, Duration.ofSeconds(5)).runOnce();
    anon.get("/v1/nodes");

    Promtool.assertAccepts(scrape());
  }

  private Node available(String name) throws Exception {
    Node n = c.enroll(name);
    c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);
    workers.runAll();
    c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.PROVIDE);
    workers.runAll();
    c.service
        .nodes()
        .updateNode(
            n.uuid(),
            cur ->
                cur.toBuilder().instanceInfo(Map.of("image_source", "http://img/x.qcow2")).build());
    return c.reload(n);
  }
}
