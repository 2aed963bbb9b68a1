package org.amtpxe.conductor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  private Settings settings(Map<String, Object> values) {
    return Settings.from(Configs.of(values), data);
  }

  @Test
  void defaultsPutTheDatabaseUnderKarafData() {
    Settings s = settings(Map.of("host", "c1"));

    assertThat(s.dbUrl()).startsWith("jdbc:h2:file:" + data.resolve("amtpxe").toAbsolutePath());
    assertThat(s.apiHost()).isEqualTo("127.0.0.1");
    assertThat(s.apiPort()).isEqualTo(6385);
    assertThat(s.callbackTimeout().toSeconds()).isEqualTo(1800);
  }

  @Test
  void invalidValuesAreAllNamed() {
    assertThatThrownBy(
            () ->
                settings(
                    Map.of(
                        "api_port", 70000,
                        "sync_parallelism", 0,
                        "db_url", "jdbc:mysql://x/y",
                        "callback_timeout", -1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("api_port 70000")
        .hasMessageContaining("sync_parallelism")
        .hasMessageContaining("db_url")
        .hasMessageContaining("callback_timeout");
  }

  @Test
  void aValueThatIsNotANumberIsNamedWithItsKeyAndWhatIsAllowed() {
    assertThatThrownBy(
            () ->
                settings(
                    Map.of("api_port", "port-six", "worker_threads", " 4 ", "sync_timeout", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "api_port \"port-six\" is not a port (1-65535, or 0 for any free one);"
                + " sync_timeout \"\" is not a positive number of seconds");
  }

  @Test
  void numbersMayBeGivenAsTextWithSpaces() {
    Settings s = settings(Map.of("api_port", " 6390 ", "worker_threads", "4"));

    assertThat(s.apiPort()).isEqualTo(6390);
    assertThat(s.workerThreads()).isEqualTo(4);
  }

  @Test
  void aNonLoopbackAddressNeedsACredentialsFile() {
    assertThatThrownBy(() -> settings(Map.of("api_host", "0.0.0.0")))
        .hasMessageContaining("not a loopback address")
        .hasMessageContaining("auth_file");
    assertThatThrownBy(
            () -> settings(Map.of("api_host", "0.0.0.0", "auth_file", "/nonexistent/users")))
        .hasMessageContaining("cannot be read");
  }

  @Test
  void thePasswordNeverAppearsInToString() {
    Settings s =
        settings(
            Map.of(
                "db_password", "topsecret",
                "db_url", "jdbc:postgresql://127.0.0.1/db?password=topsecret"));

    assertThat(s.toString()).doesNotContain("topsecret");
  }

  @Test
  void nodesSurviveARestartAndTheApiServes() throws Exception {
    DriverRegistry drivers = new DriverRegistry();
    FakeDriver driver = new FakeDriver("fake");
    drivers.addDriver(driver, Map.of("driver.name", "fake"));
    Settings s = settings(Map.of("api_port", 0, "host", "c1", "sync_interval", 1));
    String uuid = UUID.randomUUID().toString();

    try (ConductorRuntime first = ConductorRuntime.start(s, drivers)) {
      first.service().createNode(Node.builder(uuid, "fake").name("keep").build());
      Http http = new Http("http://127.0.0.1:" + first.apiPort());
      assertThat(http.get("/v1/nodes/keep").status()).isEqualTo(200);
    }
    try (ConductorRuntime second = ConductorRuntime.start(s, drivers)) {
      assertThat(second.service().node("keep").uuid()).isEqualTo(uuid);
    }
  }

  @Test
  void aFailedStartLeavesNothingRunning() throws Exception {
    DriverRegistry drivers = new DriverRegistry();
    Settings s = settings(Map.of("api_port", 0, "host", "c1"));
    try (ConductorRuntime running = ConductorRuntime.start(s, drivers)) {
      Settings samePort =
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
      assertThat(running.service().nodes(org.amtpxe.conductor.internal.store.NodeQuery.all()))
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
