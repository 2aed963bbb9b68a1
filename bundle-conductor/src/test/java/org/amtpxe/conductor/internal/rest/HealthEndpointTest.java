package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.amtpxe.api.health.Health;
import org.amtpxe.api.health.HealthCheck;
import org.amtpxe.conductor.internal.auth.Authenticator;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.conductor.internal.auth.Role;
import org.amtpxe.conductor.internal.health.HealthService;
import org.amtpxe.conductor.internal.testing.RawHttp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /health} over raw HTTP, as curl or a load balancer sends it: 200 or 503, the overall
 * status for anyone, each check for readers, and bounded by the checks' timeout.
 */
class HealthEndpointTest {
  @TempDir Path dir;
  private final List<HealthCheck> extra = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private TestConductor c;
  private HealthService health;
  private ApiServer server;

  private void start(boolean authenticated, Duration timeout) throws Exception {
    c = new TestConductor(Runnable::run);
    Authenticator auth = null;
    if (authenticated) {
      Path users = dir.resolve("users");
      CredentialsFile.addUser(users, "rita", "reader-pw".toCharArray(), Set.of(Role.READER));
      auth = TestRealm.authenticator(users);
    }
    health =
        new HealthService(
            List.of(
                org.amtpxe.conductor.internal.health.ConductorChecks.database(c.database, 1),
                org.amtpxe.conductor.internal.health.ConductorChecks.drivers(c.registry)),
            () -> List.copyOf(extra),
            timeout);
    server =
        new ApiServer(
            "127.0.0.1",
            0,
            16,
            new ApiHandler(c.service, auth, ApiHandler.Options.DEFAULT, null, health));
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    if (server != null) {
      server.close();
    }
    if (health != null) {
      health.close();
    }
    if (c != null) {
      c.close();
    }
  }

  private RawHttp.Reply get(String... headers) throws Exception {
    List<String> lines = new ArrayList<>(List.of("GET /health HTTP/1.1", "Host: 127.0.0.1"));
    lines.addAll(List.of(headers));
    lines.add("Connection: close");
    return RawHttp.exchange(
        new InetSocketAddress("127.0.0.1", server.port()),
        RawHttp.head(lines.toArray(String[]::new)),
        false,
        Duration.ofSeconds(10));
  }

  private static String basic(String userAndPassword) {
    return "Authorization: Basic "
        + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode json(RawHttp.Reply r) throws Exception {
    return new ObjectMapper().readTree(r.text());
  }

  @Test
  void anonymousCallersGetTheOverallStatusOnly() throws Exception {
    start(true, Duration.ofSeconds(2));

    RawHttp.Reply r = get();

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    assertThat(r.text()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  void readersGetEachCheckWithItsReason() throws Exception {
    start(true, Duration.ofSeconds(2));

    JsonNode body = json(get(basic("rita:reader-pw")));

    assertThat(body.path("status").asText()).isEqualTo("UP");
    assertThat(body.path("checks").findValuesAsText("name"))
        .containsExactly("conductor.database", "conductor.drivers");
    assertThat(body.path("checks").get(0).path("reason").asText())
        .isEqualTo("h2 database reachable");
    assertThat(body.path("checks").get(1).path("reason").asText())
        .isEqualTo("available: fake; pxe_amt is not loaded");
  }

  @Test
  void wrongCredentialsAreRefusedNotIgnored() throws Exception {
    start(true, Duration.ofSeconds(2));

    RawHttp.Reply r = get(basic("rita:guess"));

    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void anyDownCheckMakesIt503WithTheReasonForReaders() throws Exception {
    start(true, Duration.ofSeconds(2));
    extra.add(
        new HealthCheck() {
          @Override
          public String name() {
            return "pxe.tftp";
          }

          @Override
          public Health check() {
            return Health.down("TFTP server cannot listen on UDP 127.0.0.1:69 (in use)");
          }
        });

    RawHttp.Reply anonymous = get();
    JsonNode reader = json(get(basic("rita:reader-pw")));

    assertThat(anonymous.status()).isEqualTo(503);
    assertThat(anonymous.text()).isEqualTo("{\"status\":\"DOWN\"}");
    assertThat(reader.path("status").asText()).isEqualTo("DOWN");
    assertThat(reader.path("checks").get(2).path("name").asText()).isEqualTo("pxe.tftp");
    assertThat(reader.path("checks").get(2).path("reason").asText()).contains("(in use)");
  }

  @Test
  void withoutAuthenticationOnLoopbackEveryoneSeesTheChecks() throws Exception {
    start(false, Duration.ofSeconds(2));

    assertThat(json(get()).path("checks").size()).isEqualTo(2);
  }

  @Test
  void aHangingCheckCannotHangTheEndpoint() throws Exception {
    start(false, Duration.ofMillis(500));
    extra.add(
        new HealthCheck() {
          @Override
          public String name() {
            return "slow.db";
          }

          @Override
          public Health check() {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Health.up("late");
          }
        });

    RawHttp.Reply r = get();

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.millis()).isLessThan(2000);
    assertThat(json(r).path("checks").findValuesAsText("reason"))
        .contains("no answer within 500 ms");
  }
}
