package org.amtpxe.conductor.internal.health;

import java.util.List;
import org.amtpxe.api.health.Health;

/**
 * The result of running every health check once.
 *
 * @param status UP when every check is UP
 * @param checks each check's result, sorted by name
 */
public record HealthReport(Health.Status status, List<Entry> checks) {
  /**
   * One check's result.
   *
   * @param name the check's name
   * @param health what it found
   * @param millis how long it took (its timeout when it did not answer)
   */
  public record Entry(String name, Health health, long millis) {}

  public HealthReport {
    checks = List.copyOf(checks);
  }

  /** Whether every check is UP. */
  public boolean isUp() {
    return status == Health.Status.UP;
  }
}
