package org.amtpxe.conductor.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import javax.management.MBeanServerFactory;
import org.amtpxe.api.health.Health;
import org.amtpxe.api.health.HealthCheck;
import org.amtpxe.conductor.internal.ConductorRuntime;
import org.amtpxe.conductor.internal.ConductorSettings;
import org.amtpxe.conductor.internal.metrics.MicrometerMeters;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /health} of a running conductor: its own checks and those other bundles register. */
class ConductorHealthTest {
  @TempDir Path data;
  private final MicrometerMeters meters = new MicrometerMeters(MBeanServerFactory.newMBeanServer());

  @AfterEach
  void close() {
    meters.close();
  }

  private static HttpResponse<String> health(ConductorRuntime runtime) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.apiPort() + "/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRunningConductorReportsItsChecksAndTheRegisteredOnes() throws Exception {
    DriverRegistry drivers = new DriverRegistry();
    drivers.addDriver(new FakeDriver("fake"), Map.of());
    HealthRegistry registry = new HealthRegistry();
    ConductorSettings s = ConductorSettings.from(Map.of("api_port", 0, "sync_interval", 0), data);
    try (ConductorRuntime runtime = ConductorRuntime.start(s, drivers, meters, registry)) {
      HttpResponse<String> r = health(runtime);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode body = new ObjectMapper().readTree(r.body());
      assertThat(body.path("checks").findValuesAsText("name"))
          .containsExactly(
              "conductor.api", "conductor.database", "conductor.drivers", "conductor.workers");
      assertThat(body.path("checks").get(0).path("reason").asText())
          .isEqualTo("serving http://127.0.0.1:" + runtime.apiPort());

      HealthCheck tftp =
          new HealthCheck() {
            @Override
            public String name() {
              return "pxe.tftp";
            }

            @Override
            public Health check() {
              return Health.down("TFTP server cannot listen on UDP 127.0.0.1:69 (in use)");
            }
          };
      registry.addCheck(tftp);
      assertThat(health(runtime).statusCode()).isEqualTo(503);

      registry.removeCheck(tftp);
      assertThat(health(runtime).statusCode()).isEqualTo(200);
      assertThat(runtime.health().check().isUp()).isTrue();
    }
  }
}
