package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.amtpxe.amt.fake.TestCerts;
import org.amtpxe.api.config.ConfigProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration PID org.amtpxe.amt: validation, defaults, changes without reactivation. */
class AmtGatewayConfigTest {

  @Test
  void defaultsAreIronicsValues() throws Exception {
    AmtSettings settings = AmtSettings.from(Map.of());

    assertThat(settings).isEqualTo(AmtSettings.defaults());
    assertThat(settings.protocol()).isEqualTo(AmtProtocol.HTTP);
    assertThat(settings.maxAttempts()).isEqualTo(3);
    assertThat(settings.actionWait()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.transport().awakeInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.transport().maxReplyBytes()).isEqualTo(1 << 20);
    assertThat(settings.bootSequence()).isEqualTo(BootSequence.INTEL);
  }

  @Test
  void validValuesAreApplied() throws Exception {
    AmtSettings settings =
        AmtSettings.from(
            Map.of(
                "protocol", "https",
                "max_attempts", "5",
                "action_wait", "2",
                "awake_interval", "0",
                "connect_timeout", " 3 ",
                "read_timeout", 20,
                "boot_sequence", "seed",
                "max_reply_bytes", 65536L,
                "drain_timeout", "5"));

    assertThat(settings.protocol()).isEqualTo(AmtProtocol.HTTPS);
    assertThat(settings.maxAttempts()).isEqualTo(5);
    assertThat(settings.actionWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.transport().awakeInterval()).isZero();
    assertThat(settings.transport().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.transport().readTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(settings.bootSequence()).isEqualTo(BootSequence.SEED);
    assertThat(settings.transport().maxReplyBytes()).isEqualTo(65536);
    assertThat(settings.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void everyBadValueIsNamedWithItsKeyAndWhatIsAllowed() {
    assertThatThrownBy(
            () ->
                AmtSettings.from(
                    Map.of(
                        "protocol", "HTTP",
                        "max_attempts", "0",
                        "action_wait", "ten",
                        "boot_sequence", "fast",
                        "max_reply_bytes", "10",
                        "drain_timeout", "forever")))
        .isInstanceOfSatisfying(
            ConfigProblems.InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "protocol=HTTP: must be one of http, https (case-sensitive)",
                        "boot_sequence=fast: must be one of intel, seed",
                        "max_attempts=0: must be an integer in 1-20",
                        "action_wait=ten: must be an integer in 1-300",
                        "max_reply_bytes=10: must be an integer in 4096-67108864",
                        "drain_timeout=forever: must be an integer in 0-600"))
        .hasMessageStartingWith("Invalid configuration org.amtpxe.amt: ")
        .hasMessageEndingWith(
            ". Fix etc/org.amtpxe.amt.cfg; the previous configuration stays in force.");
  }

  /**
   * What Felix SCR 2.2.6 cannot do with a typed interface: a value that is no integer at all, or
   * out of the int range, is reported with its key, and the other keys are still checked.
   */
  @Test
  void aValueThatIsNoIntegerIsReportedWithItsKeyNextToTheOtherProblems() {
    assertThatThrownBy(
            () ->
                AmtSettings.from(
                    Map.of(
                        "max_attempts", "many",
                        "read_timeout", "99999999999",
                        "wake_attempts", "2.5",
                        "connect_timeout", "0")))
        .isInstanceOfSatisfying(
            ConfigProblems.InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "max_attempts=many: must be an integer in 1-20",
                        "read_timeout=99999999999: must be an integer in 1-600",
                        "wake_attempts=2.5: must be an integer in 1-20",
                        "connect_timeout=0: must be an integer in 1-300"));
  }

  @Test
  void modifiedAppliesAValidChangeWithoutReactivation() {
    try (AmtGateway gateway = new AmtGateway(Map.of(), null)) {
      gateway.modified(Map.of("max_attempts", "7"));

      assertThat(gateway.settings().maxAttempts()).isEqualTo(7);
    }
  }

  @Test
  void invalidChangeLogsOneErrorLineAndKeepsThePreviousConfiguration() {
    try (AmtGateway gateway = new AmtGateway(Map.of("max_attempts", "4"), null)) {
      AmtSettings before = gateway.settings();

      String log =
          captureStderr(
              () -> gateway.modified(Map.of("max_attempts", "many", "read_timeout", "-1")));

      assertThat(gateway.settings()).isSameAs(before);
      assertThat(gateway.settings().maxAttempts()).isEqualTo(4);
      assertThat(log.lines().filter(l -> l.contains("ERROR"))).hasSize(1);
      assertThat(log)
          .contains(
              "Invalid configuration org.amtpxe.amt: max_attempts=many: must be an integer in"
                  + " 1-20; read_timeout=-1: must be an integer in 1-600. Fix"
                  + " etc/org.amtpxe.amt.cfg; the previous configuration stays in force.");
    }
  }

  @Test
  void invalidConfigurationAtActivationFallsBackToDefaults() {
    String log =
        captureStderr(
            () -> {
              try (AmtGateway gateway = new AmtGateway(Map.of("protocol", "gopher"), null)) {
                assertThat(gateway.settings()).isEqualTo(AmtSettings.defaults());
              }
            });

    assertThat(log)
        .contains("protocol=gopher: must be one of http, https")
        .contains("Fix etc/org.amtpxe.amt.cfg; the defaults are in force until then.");
  }

  @Test
  void trustStoreIsLoadedAndItsPasswordNeverReported(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("trust.p12");
    try (var out = java.nio.file.Files.newOutputStream(file)) {
      TestCerts.trustStoreOf(TestCerts.namingLoopback()).store(out, "store-Pa55".toCharArray());
    }
    Map<String, String> good = new HashMap<>();
    good.put("truststore_path", file.toString());
    good.put(".truststore_password", "store-Pa55");

    assertThat(AmtSettings.from(good).transport().trustStore()).isNotNull();

    good.put(".truststore_password", "wrong-Pa55");
    assertThatThrownBy(() -> AmtSettings.from(good))
        .hasMessageContaining(
            "truststore_path="
                + file
                + ": must be a PKCS12 or JKS file that .truststore_password"
                + " opens")
        .hasMessageNotContaining("wrong-Pa55");
    good.put("truststore_path", dir.resolve("missing.p12").toString());
    assertThatThrownBy(() -> AmtSettings.from(good))
        .hasMessageContaining("missing.p12: must be a readable file");
  }

  private static String captureStderr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
