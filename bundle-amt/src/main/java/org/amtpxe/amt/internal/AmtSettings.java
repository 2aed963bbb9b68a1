package org.amtpxe.amt.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.amtpxe.amt.internal.wsman.TransportSettings;
import org.amtpxe.api.config.ConfigProblems;
import org.amtpxe.api.config.TypedConfig;

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
    this(protocol, maxAttempts, actionWait, bootSequence, transport, defaults().drainTimeout());
  }

  /** The defaults, computed once. */
  private static final class Defaults {
    static final AmtSettings VALUE = from(Map.of());
  }

  /** The defaults: those of {@link AmtConfig}, the only place they are written. */
  public static AmtSettings defaults() {
    return Defaults.VALUE;
  }

  /**
   * Reads and validates a configuration: every key as {@link AmtConfig} declares it (an absent key
   * gets its default there), then ranges, choices and the trust store.
   *
   * @param properties the configuration as ConfigAdmin delivers it; other keys are ignored
   * @throws ConfigProblems.InvalidConfigurationException naming every bad key, its value and what
   *     is allowed
   */
  public static AmtSettings from(Map<String, ?> properties) {
    ConfigProblems problems = new ConfigProblems(AmtGateway.PID);
    AmtConfig config = TypedConfig.read(AmtConfig.class, properties, problems);
    AmtProtocol protocol = AmtProtocol.fromValue(config.protocol().trim()).orElse(null);
    if (protocol == null) {
      problems.add(
          "protocol",
          config.protocol(),
          "must be one of "
              + choices(Arrays.stream(AmtProtocol.values()).map(AmtProtocol::value))
              + " (case-sensitive)");
    }
    BootSequence sequence = BootSequence.fromValue(config.boot__sequence().trim()).orElse(null);
    if (sequence == null) {
      problems.add(
          "boot_sequence",
          config.boot__sequence(),
          "must be one of "
              + choices(Arrays.stream(BootSequence.values()).map(BootSequence::value)));
    }
    int maxAttempts = problems.integer("max_attempts", config.max__attempts(), 1, 20);
    int actionWait = problems.integer("action_wait", config.action__wait(), 1, 300);
    int awakeInterval = problems.integer("awake_interval", config.awake__interval(), 0, 86400);
    int connectTimeout = problems.integer("connect_timeout", config.connect__timeout(), 1, 300);
    int readTimeout = problems.integer("read_timeout", config.read__timeout(), 1, 600);
    int maxReplyBytes =
        problems.integer("max_reply_bytes", config.max__reply__bytes(), 4096, 64 << 20);
    int wakeAttempts = problems.integer("wake_attempts", config.wake__attempts(), 1, 20);
    int wakeDelay =
        problems.integer("wake_retry_delay_ms", config.wake__retry__delay__ms(), 0, 10000);
    int drainTimeout = problems.integer("drain_timeout", config.drain__timeout(), 0, 600);
    KeyStore trustStore = trustStore(problems, config);
    problems.throwIfAny();
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

  private static String choices(Stream<String> values) {
    return String.join(", ", values.toList());
  }

  private static KeyStore trustStore(ConfigProblems problems, AmtConfig config) {
    String path = config.truststore__path().trim();
    if (path.isEmpty()) {
      return null;
    }
    Path file;
    try {
      file = Path.of(path);
    } catch (InvalidPathException e) {
      problems.add("truststore_path", path, "must be the path of a PKCS12 or JKS file");
      return null;
    }
    if (!Files.isReadable(file)) {
      problems.add("truststore_path", path, "must be a readable file");
      return null;
    }
    String password = config._truststore__password();
    try {
      return KeyStore.getInstance(
          file.toFile(), password.isEmpty() ? null : password.toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      // NOTE: the message names the file, never the password.
      problems.add(
          "truststore_path",
          path,
          "must be a PKCS12 or JKS file that .truststore_password opens ("
              + e.getClass().getSimpleName()
              + ")");
      return null;
    }
  }
}
