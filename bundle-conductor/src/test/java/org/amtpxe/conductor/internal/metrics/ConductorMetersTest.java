package org.amtpxe.conductor.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import javax.management.MBeanServerFactory;
import org.amtpxe.conductor.internal.ConductorRuntime;
import org.amtpxe.conductor.internal.ConductorSettings;
import org.amtpxe.conductor.internal.health.HealthRegistry;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.task.Workers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker pool's meters in a running conductor, across a reconfiguration, and promtool. */
class ConductorMetersTest {
  @TempDir Path data;
  private final MicrometerMeters meters = new MicrometerMeters(MBeanServerFactory.newMBeanServer());

  @AfterEach
  void close() {
    meters.close();
  }

  private static String scrape(ConductorRuntime runtime) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + runtime.apiPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void theWorkerGaugesFollowTheRunningConfiguration() throws Exception {
    ConductorSettings first =
        ConductorSettings.from(
            Map.of("api_port", 0, "worker_threads", 3, "worker_queue", 7L, "sync_interval", 0),
            data);
    try (ConductorRuntime runtime =
        ConductorRuntime.start(first, new DriverRegistry(), meters, new HealthRegistry())) {
      assertThat(scrape(runtime))
          .contains("amtpxe_workers_capacity 10.0")
          .contains("amtpxe_workers_in_use 0.0")
          .contains("amtpxe_workers_queued 0.0")
          .contains("amtpxe_workers_saturation 0.0");
    }
    assertThat(meters.scrape()).as("gone with the runtime").doesNotContain("amtpxe_workers_");

    ConductorSettings second =
        ConductorSettings.from(
            Map.of("api_port", 0, "worker_threads", 2, "worker_queue", 2L, "sync_interval", 0),
            data);
    try (ConductorRuntime runtime =
        ConductorRuntime.start(second, new DriverRegistry(), meters, new HealthRegistry())) {
      String text = scrape(runtime);
      assertThat(text).contains("amtpxe_workers_capacity 4.0");
      assertThat(text.lines().filter(l -> l.startsWith("amtpxe_workers_capacity"))).hasSize(1);
      Promtool.assertAccepts(text);
    }
  }

  @Test
  void aRefusalForWantOfWorkersIsCountedAndSaturationReachesOne() throws Exception {
    ConductorMeters m = new ConductorMeters(meters);
    Workers workers = new Workers(Runnable::run, 1, m::workersRefused);
    m.workerGauges(workers::inUse, () -> 0, workers::capacity);

    try (Workers.Place held = workers.reserve("node a")) {
      assertThatThrownBy(() -> workers.reserve("node b")).isInstanceOf(ConductorException.class);
      assertThat(meters.scrape())
          .contains("amtpxe_workers_refused_total 1.0")
          .contains("amtpxe_workers_saturation 1.0");
    }
    m.close();
  }

  @Test
  void promtoolFailsTheTestWhenItRejectsTheText() {
    Promtool.require();
    assertThatThrownBy(() -> Promtool.assertAccepts("amtpxe_broken{le=\"x\" 1\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("promtool check metrics said");
  }
}
