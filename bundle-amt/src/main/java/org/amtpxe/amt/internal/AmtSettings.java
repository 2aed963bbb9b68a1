package org.amtpxe.amt.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.amtpxe.amt.internal.wsman.TransportSettings;

/**
 * The validated driver configuration; see {@link AmtConfig} for the keys.
 *
 * @param protocol the protocol of nodes without amt_protocol
 * @param maxAttempts power change requests before giving up
 * @param actionWait pause between a power request and the next poll
 * @param bootSequence how a boot device is armed
 * @param transport timeouts, reply limit, wake-up and TLS trust
 * @param drainTimeout how long a stopping driver waits for its running AMT calls
 */
public record AmtSettings(
    AmtProtocol protocol,
    int maxAttempts,
    Duration actionWait,
    BootSequence bootSequence,
    TransportSettings transport,
    Duration drainTimeout) {

  /** The default drain_timeout. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  public AmtSettings {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(actionWait, "actionWait");
    Objects.requireNonNull(bootSequence, "bootSequence");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
  }

  /** Settings with the default drain_timeout. */
  public AmtSettings(
      AmtProtocol protocol,
      int maxAttempts,
      Duration actionWait,
      BootSequence bootSequence,
      TransportSettings transport) {
    this(protocol, maxAttempts, actionWait, bootSequence, transport, DEFAULT_DRAIN_TIMEOUT);
  }

  /** A configuration with values the driver cannot use; the message names each one. */
  public static final class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    InvalidConfigurationException(List<String> problems) {
      super(
          "Invalid configuration "
              + AmtGateway.PID
              + ": "
              + String.join("; ", problems)
              + ". The previous valid configuration stays in force.");
      this.problems = List.copyOf(problems);
    }

    /** One entry per bad key: key, value and the allowed values. */
    public List<String> problems() {
      return problems;
    }
  }

  /** The defaults, as in {@link AmtConfig}. */
  public static AmtSettings defaults() {
    return new AmtSettings(
        AmtProtocol.HTTP,
        3,
        Duration.ofSeconds(10),
        BootSequence.INTEL,
        new TransportSettings(
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            1 << 20,
            Duration.ofSeconds(60),
            5,
            Duration.ofMillis(200),
            null));
  }

  /**
   * Validates a configuration.
   *
   * @throws InvalidConfigurationException naming every key with a bad value and its allowed range
   */
  public static AmtSettings parse(AmtConfig config) throws InvalidConfigurationException {
    List<String> problems = new ArrayList<>();
    AmtProtocol protocol = AmtProtocol.fromValue(trim(config.protocol())).orElse(null);
    if (protocol == null) {
      problems.add("protocol='" + config.protocol() + "' is not one of http, https");
    }
    BootSequence sequence = BootSequence.fromValue(trim(config.boot__sequence())).orElse(null);
    if (sequence == null) {
      problems.add("boot_sequence='" + config.boot__sequence() + "' is not one of intel, seed");
    }
    int maxAttempts = integer(problems, "max_attempts", config.max__attempts(), 1, 20);
    int actionWait = integer(problems, "action_wait", config.action__wait(), 1, 300);
    int awakeInterval = integer(problems, "awake_interval", config.awake__interval(), 0, 86400);
    int connectTimeout = integer(problems, "connect_timeout", config.connect__timeout(), 1, 300);
    int readTimeout = integer(problems, "read_timeout", config.read__timeout(), 1, 600);
    int maxReplyBytes =
        integer(problems, "max_reply_bytes", config.max__reply__bytes(), 4096, 64 << 20);
    int wakeAttempts = integer(problems, "wake_attempts", config.wake__attempts(), 1, 20);
    int wakeDelay =
        integer(problems, "wake_retry_delay_ms", config.wake__retry__delay__ms(), 0, 10000);
    int drainTimeout = integer(problems, "drain_timeout", config.drain__timeout(), 0, 600);
    KeyStore trustStore = trustStore(problems, config);
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    return new AmtSettings(
        protocol,
        maxAttempts,
        Duration.ofSeconds(actionWait),
        sequence,
        new TransportSettings(
            Duration.ofSeconds(connectTimeout),
            Duration.ofSeconds(readTimeout),
            maxReplyBytes,
            Duration.ofSeconds(awakeInterval),
            wakeAttempts,
            Duration.ofMillis(wakeDelay),
            trustStore),
        Duration.ofSeconds(drainTimeout));
  }

  private static String trim(String value) {
    return value == null ? null : value.trim();
  }

  private static int integer(List<String> problems, String key, String value, int min, int max) {
    try {
      int parsed = Integer.parseInt(trim(value));
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException | NullPointerException e) {
      // reported below
    }
    problems.add(key + "='" + value + "' is not an integer in " + min + "-" + max);
    return min;
  }

  private static KeyStore trustStore(List<String> problems, AmtConfig config) {
    String path = trim(config.truststore__path());
    if (path == null || path.isEmpty()) {
      return null;
    }
    Path file = Path.of(path);
    if (!Files.isReadable(file)) {
      problems.add("truststore_path='" + path + "' is not a readable file");
      return null;
    }
    String password = config._truststore__password();
    try {
      return KeyStore.getInstance(
          file.toFile(), password == null || password.isEmpty() ? null : password.toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      // NOTE: the message names the file, never the password.
      problems.add(
          "truststore_path='"
              + path
              + "' cannot be loaded as PKCS12 or JKS with truststore_password ("
              + e.getClass().getSimpleName()
              + ")");
      return null;
    }
  }
}
