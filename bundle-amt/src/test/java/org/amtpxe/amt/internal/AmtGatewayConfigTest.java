package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.amtpxe.amt.fake.TestCerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration PID org.amtpxe.amt: validation, defaults, changes without reactivation. */
class AmtGatewayConfigTest {

  /** A typed configuration as SCR would build it: the given keys, defaults for the rest. */
  static AmtConfig config(Map<String, String> values) {
    return (AmtConfig)
        Proxy.newProxyInstance(
            AmtConfig.class.getClassLoader(),
            new Class<?>[] {AmtConfig.class},
            (proxy, method, args) -> {
              String key =
                  method.getName().replace("__", "\u0000").replace("_", ".").replace("\u0000", "_");
              if (values.containsKey(key)) {
                return values.get(key);
              }
              if (method.getName().equals("annotationType")) {
                return AmtConfig.class;
              }
              return method.getDefaultValue();
            });
  }

  @Test
  void defaultsAreIronicsValues() throws Exception {
    AmtSettings settings = AmtSettings.parse(config(Map.of()));

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
        AmtSettings.parse(
            config(
                Map.of(
                    "protocol", "https",
                    "max_attempts", "5",
                    "action_wait", "2",
                    "awake_interval", "0",
                    "connect_timeout", "3",
                    "read_timeout", "20",
                    "boot_sequence", "seed",
                    "max_reply_bytes", "65536",
                    "drain_timeout", "5")));

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
  void everyBadValueIsNamedWithItsRange() {
    assertThatThrownBy(
            () ->
                AmtSettings.parse(
                    config(
                        Map.of(
                            "protocol", "HTTP",
                            "max_attempts", "0",
                            "action_wait", "ten",
                            "boot_sequence", "fast",
                            "max_reply_bytes", "10",
                            "drain_timeout", "forever"))))
        .isInstanceOfSatisfying(
            AmtSettings.InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "protocol='HTTP' is not one of http, https",
                        "boot_sequence='fast' is not one of intel, seed",
                        "max_attempts='0' is not an integer in 1-20",
                        "action_wait='ten' is not an integer in 1-300",
                        "max_reply_bytes='10' is not an integer in 4096-67108864",
                        "drain_timeout='forever' is not an integer in 0-600"))
        .hasMessageStartingWith("Invalid configuration org.amtpxe.amt: ");
  }

  @Test
  void modifiedAppliesAValidChangeWithoutReactivation() {
    try (AmtGateway gateway = new AmtGateway(config(Map.of()), null)) {
      gateway.modified(config(Map.of("max_attempts", "7")));

      assertThat(gateway.settings().maxAttempts()).isEqualTo(7);
    }
  }

  @Test
  void invalidChangeLogsOneErrorLineAndKeepsThePreviousConfiguration() {
    try (AmtGateway gateway = new AmtGateway(config(Map.of("max_attempts", "4")), null)) {
      AmtSettings before = gateway.settings();

      String log =
          captureStderr(
              () -> gateway.modified(config(Map.of("max_attempts", "99", "read_timeout", "-1"))));

      assertThat(gateway.settings()).isSameAs(before);
      assertThat(gateway.settings().maxAttempts()).isEqualTo(4);
      assertThat(log.lines().filter(l -> l.contains("ERROR"))).hasSize(1);
      assertThat(log)
          .contains("max_attempts='99' is not an integer in 1-20")
          .contains("read_timeout='-1' is not an integer in 1-600")
          .contains("previous valid configuration stays in force");
    }
  }

  @Test
  void invalidConfigurationAtActivationFallsBackToDefaults() {
    String log =
        captureStderr(
            () -> {
              try (AmtGateway gateway =
                  new AmtGateway(config(Map.of("protocol", "gopher")), null)) {
                assertThat(gateway.settings()).isEqualTo(AmtSettings.defaults());
              }
            });

    assertThat(log).contains("protocol='gopher'");
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

    assertThat(AmtSettings.parse(config(good)).transport().trustStore()).isNotNull();

    good.put(".truststore_password", "wrong-Pa55");
    assertThatThrownBy(() -> AmtSettings.parse(config(good)))
        .hasMessageContaining("truststore_path")
        .hasMessageNotContaining("wrong-Pa55");
    good.put("truststore_path", dir.resolve("missing.p12").toString());
    assertThatThrownBy(() -> AmtSettings.parse(config(good)))
        .hasMessageContaining("not a readable file");
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
