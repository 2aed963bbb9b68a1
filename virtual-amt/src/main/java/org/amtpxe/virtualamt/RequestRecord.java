package org.amtpxe.virtualamt;

import java.time.Instant;
import java.util.Objects;

/**
 * One HTTP request a virtual AMT received, as its request log keeps it.
 *
 * @param time when the request arrived
 * @param action the WS-Man operation ({@code Get}, {@code Put}, {@code Enumerate}, {@code Pull},
 *     {@code Release} or a method name such as {@code RequestPowerStateChange}); {@code -} when the
 *     request was not read as WS-Man (refused authentication, dropped connection)
 * @param resource the CIM class the request addressed ({@code -} when unknown)
 * @param httpStatus the HTTP status sent, or 0 when the connection was closed without a reply
 * @param outcome {@code ok}, {@code ReturnValue=<n>}, {@code fault:<subcode>}, {@code
 *     unauthorized}, {@code stale-nonce}, {@code locked-out}, {@code dropped:<reason>}, {@code
 *     injected:<fault>}
 */
public record RequestRecord(
    Instant time, String action, String resource, int httpStatus, String outcome) {
  /** Checks that no field is null. */
  public RequestRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(outcome, "outcome");
  }
}
