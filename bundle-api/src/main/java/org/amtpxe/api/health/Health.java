package org.amtpxe.api.health;

import java.util.Objects;

/**
 * What a {@link HealthCheck} found.
 *
 * @param status UP or DOWN
 * @param reason what was checked and found, for an operator: an address that listens, or what is
 *     wrong and what to do; never a secret
 */
public record Health(Status status, String reason) {
  /** Whether the part works. */
  public enum Status {
    UP,
    DOWN
  }

  /**
   * @throws NullPointerException when a field is null
   */
  public Health {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
  }

  /** The part works; {@code reason} says what was checked. */
  public static Health up(String reason) {
    return new Health(Status.UP, reason);
  }

  /** The part does not work; {@code reason} says why and what to do. */
  public static Health down(String reason) {
    return new Health(Status.DOWN, reason);
  }

  /** Whether the status is UP. */
  public boolean isUp() {
    return status == Status.UP;
  }
}
