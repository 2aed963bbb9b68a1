package org.amtpxe.pxe.internal.tftp;

import java.time.Duration;

/**
 * How the TFTP server serves.
 *
 * @param maxBlockSize the largest blksize granted (RFC 2348)
 * @param maxWindowSize the largest windowsize granted (RFC 7440)
 * @param timeout the retransmission timeout unless the client asks one (RFC 2349)
 * @param retries retransmissions of one packet before a transfer is abandoned
 * @param maxTransfers transfers served at once
 */
public record TftpServerOptions(
    int maxBlockSize, int maxWindowSize, Duration timeout, int retries, int maxTransfers) {}
