package org.amtpxe.pxe.internal.tftp;

import java.time.Duration;
import java.util.Objects;

/**
 * How the TFTP server serves, and the limits that keep one client from holding it.
 *
 * @param maxBlockSize the largest blksize granted (RFC 2348)
 * @param maxWindowSize the largest windowsize granted (RFC 7440)
 * @param timeout the retransmission timeout unless the client asks one (RFC 2349)
 * @param maxTimeout the longest timeout a client may negotiate; a longer one is not granted
 * @param retries retransmissions of one packet before a transfer is abandoned
 * @param lifetime the longest time one transfer may take, whatever the client does
 * @param maxTransfers transfers served at once
 * @param maxTransfersPerClient transfers served at once to one client address
 */
public record TftpServerOptions(
    int maxBlockSize,
    int maxWindowSize,
    Duration timeout,
    Duration maxTimeout,
    int retries,
    Duration lifetime,
    int maxTransfers,
    int maxTransfersPerClient) {

  /**
   * Checks that every limit is positive.
   *
   * @throws IllegalArgumentException when a limit is zero or negative
   */
  public TftpServerOptions {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(maxTimeout, "maxTimeout");
    Objects.requireNonNull(lifetime, "lifetime");
    if (timeout.isNegative()
        || timeout.isZero()
        || maxTimeout.isNegative()
        || maxTimeout.isZero()
        || lifetime.isNegative()
        || lifetime.isZero()
        || retries < 0
        || maxTransfers < 1
        || maxTransfersPerClient < 1) {
      throw new IllegalArgumentException(
          "TFTP timeouts, lifetime and transfer limits must be positive, retries 0 or more");
    }
  }
}
