package org.amtpxe.conductor.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.amtpxe.api.health.Health;
import org.amtpxe.conductor.internal.health.ConductorChecks;
import org.amtpxe.conductor.internal.health.HealthService;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code amtpxe:status}: the health checks as a table with the overall status. */
class StatusCommandTest {
  private final TestConductor c = new TestConductor(Runnable::run);
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private HealthService health;

  @AfterEach
  void close() {
    if (health != null) {
      health.close();
    }
    c.close();
  }

  private String run(HealthService service) {
    StatusCommand command = new StatusCommand();
    command.health = service;
    command.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    command.execute();
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsEachCheckAndTheOverallStatus() {
    health =
        new HealthService(
            List.of(ConductorChecks.database(c.database, 1), ConductorChecks.drivers(c.registry)),
            () ->
                List.of(
                    new org.amtpxe.api.health.HealthCheck() {
                      @Override
                      public String name() {
                        return "pxe.tftp";
                      }

                      @Override
                      public Health check() {
                        return Health.down("TFTP server cannot listen on UDP 0.0.0.0:69");
                      }
                    }),
            Duration.ofSeconds(2));

    String out = run(health);

    assertThat(out.lines().findFirst().orElseThrow())
        .contains("Check")
        .contains("Status")
        .contains("Reason");
    assertThat(out)
        .containsPattern("conductor\\.database\\s+\\S\\s+UP\\s+\\S\\s+h2 database reachable")
        .containsPattern("pxe\\.tftp\\s+\\S\\s+DOWN\\s+\\S\\s+TFTP server cannot listen")
        .endsWith("Overall: DOWN" + System.lineSeparator());
  }

  @Test
  void withoutARunningConductorItSaysSo() {
    assertThat(run(null)).startsWith("Overall: DOWN (the conductor is not running");
  }
}
