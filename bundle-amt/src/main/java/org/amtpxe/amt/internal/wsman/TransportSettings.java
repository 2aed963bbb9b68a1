package org.amtpxe.amt.internal.wsman;

import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;

/**
 * What the HTTP transport needs from the driver configuration.
 *
 * @param connectTimeout TCP connect timeout of every call and of the wake-up probe
 * @param readTimeout socket read timeout of every call; with the connect timeout it also bounds a
 *     whole exchange ({@link #exchangeDeadline()})
 * @param maxReplyBytes the largest reply accepted
 * @param awakeInterval minimum time between wake-ups of one AMT; zero disables waking
 * @param wakeAttempts connection attempts of one wake-up
 * @param wakeRetryDelay pause between wake-up attempts
 * @param trustStore certificates trusted for https when a node pins no fingerprint, or null for the
 *     JDK's default trust
 */
public record TransportSettings(
    Duration connectTimeout,
    Duration readTimeout,
    int maxReplyBytes,
    Duration awakeInterval,
    int wakeAttempts,
    Duration wakeRetryDelay,
    KeyStore trustStore) {

  public TransportSettings {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(awakeInterval, "awakeInterval");
    Objects.requireNonNull(wakeRetryDelay, "wakeRetryDelay");
  }

  /**
   * The longest one exchange may take in all: connect and read, twice (the Digest challenge and the
   * answer to it). A socket read timeout alone would let an AMT that trickles its reply a few bytes
   * at a time hold the call, and the host's lock, for as long as it likes.
   */
  public Duration exchangeDeadline() {
    return connectTimeout.plus(readTimeout).multipliedBy(2);
  }

  /** How long a caller may wait for the per-host lock: one full call of another caller. */
  public Duration lockWait() {
    return exchangeDeadline().plus(connectTimeout.plus(wakeRetryDelay).multipliedBy(wakeAttempts));
  }
}
