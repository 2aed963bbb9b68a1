package org.amtpxe.amt.internal.sol;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds and timers of redirection sessions (docs/amt-sol.md#timers).
 *
 * @param connectTimeout TCP connect to the redirection port
 * @param stepTimeout the longest wait for any one reply during the handshake
 * @param idleTimeout the longest silence (no data, no heartbeat) of an open session before it is
 *     declared dead
 * @param keepAlive how often the console sends its heartbeat
 * @param maxFrameBytes the largest data message accepted from the AMT; a larger length field ends
 *     the session
 */
public record RedirectionSettings(
    Duration connectTimeout,
    Duration stepTimeout,
    Duration idleTimeout,
    Duration keepAlive,
    int maxFrameBytes) {

  /** Firmware's own limit for one SOL data message is far below this; 64 KiB is the field max. */
  public static final int MAX_FRAME_LIMIT = 65535;

  public RedirectionSettings {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(stepTimeout, "stepTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(keepAlive, "keepAlive");
    if (maxFrameBytes < 1 || maxFrameBytes > MAX_FRAME_LIMIT) {
      throw new IllegalArgumentException("maxFrameBytes must be 1..65535, not " + maxFrameBytes);
    }
    if (keepAlive.compareTo(idleTimeout) >= 0) {
      throw new IllegalArgumentException(
          "the keep-alive (" + keepAlive + ") must be shorter than the idle timeout");
    }
  }

  /** 5 s connect, 10 s per step, 15 s idle, 2 s keep-alive, 8 KiB frames. */
  public static RedirectionSettings defaults() {
    return new RedirectionSettings(
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(15),
        Duration.ofSeconds(2),
        8192);
  }

  /** The AMT's transmit buffer asked for in StartSOLRedirection. */
  int maxTransmitBuffer() {
    return Math.min(maxFrameBytes, 10_000);
  }

  /** How long the AMT may hold host output before sending it: 100 ms, as Intel's tools ask. */
  int transmitBufferTimeoutMillis() {
    return 100;
  }

  /**
   * How long the AMT keeps a session without hearing from the console: the idle timeout, so both
   * sides give up after the same silence.
   */
  int hostSessionRxTimeoutMillis() {
    return (int) Math.min(65535, idleTimeout.toMillis());
  }

  int fifoRxFlushTimeoutMillis() {
    return 100;
  }

  /** The AMT's heartbeat interval: a third of the idle timeout, so silence means death. */
  int heartbeatMillis() {
    return (int) Math.min(65535, Math.max(100, idleTimeout.toMillis() / 3));
  }
}
