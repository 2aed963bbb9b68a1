package org.amtpxe.conductor.internal.health;

import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.health.Health;
import org.amtpxe.api.health.HealthCheck;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.task.Workers;

/**
 * The conductor's own health checks (docs/observability.md#health): its database, its drivers, its
 * worker pool and its API connector.
 */
public final class ConductorChecks {
  /** The driver the project ships; named in the drivers check's reason when it is missing. */
  static final String PXE_AMT = "pxe_amt";

  private ConductorChecks() {}

  /** A check made of a name and a function. */
  record Check(String name, Supplier<Health> body) implements HealthCheck {
    @Override
    public Health check() {
      return body.get();
    }
  }

  /**
   * The database answers a validation within the check's timeout ({@link
   * java.sql.Connection#isValid}).
   */
  public static HealthCheck database(Database database, int timeoutSeconds) {
    return new Check(
        "conductor.database",
        () -> {
          try {
            boolean valid =
                database.read(
                    h -> {
                      try {
                        return h.getConnection().isValid(Math.max(1, timeoutSeconds));
                      } catch (java.sql.SQLException e) {
                        throw new org.amtpxe.conductor.internal.store.StoreException(
                            e.getMessage(), e);
                      }
                    });
            return valid
                ? Health.up(database.dialect() + " database reachable")
                : Health.down(
                    "the "
                        + database.dialect()
                        + " database did not validate a connection within "
                        + timeoutSeconds
                        + " s; check that it runs and db_url");
          } catch (RuntimeException e) {
            return Health.down(
                "the "
                    + database.dialect()
                    + " database cannot be reached: "
                    + e.getMessage()
                    + "; check that it runs and db_url");
          }
        });
  }

  /** At least one driver is loaded and available; the reason lists them. */
  public static HealthCheck drivers(DriverRegistry drivers) {
    return new Check(
        "conductor.drivers",
        () -> {
          Map<String, BareMetalDriver> all = drivers.all();
          if (all.isEmpty()) {
            return Health.down(
                "no driver is loaded; install the feature amtpxe (it brings " + PXE_AMT + ")");
          }
          List<String> available = new java.util.ArrayList<>();
          List<String> unavailable = new java.util.ArrayList<>();
          all.forEach(
              (name, d) ->
                  d.unavailableReason()
                      .ifPresentOrElse(
                          r -> unavailable.add(name + " (" + r + ")"), () -> available.add(name)));
          String list =
              "available: "
                  + (available.isEmpty() ? "none" : String.join(", ", available))
                  + (unavailable.isEmpty()
                      ? ""
                      : "; unavailable: " + String.join(", ", unavailable))
                  + (all.containsKey(PXE_AMT) ? "" : "; " + PXE_AMT + " is not loaded");
          return available.isEmpty() ? Health.down(list) : Health.up(list);
        });
  }

  /** The worker pool has a free place: at capacity, new operations are refused (503). */
  public static HealthCheck workers(Workers workers, IntSupplier queued) {
    return new Check(
        "conductor.workers",
        () -> {
          int inUse = workers.inUse();
          int capacity = workers.capacity();
          String state =
              inUse
                  + " of "
                  + capacity
                  + " places in use ("
                  + queued.getAsInt()
                  + " waiting for a thread)";
          return inUse < capacity
              ? Health.up(state)
              : Health.down(
                  state
                      + ": new operations are refused; wait, or raise worker_threads /"
                      + " worker_queue");
        });
  }

  /**
   * The API's connector is open.
   *
   * @param where the API's address ("http://127.0.0.1:6385"), or null before it started
   * @param open whether its connector accepts connections
   */
  public static HealthCheck api(Supplier<String> where, Supplier<Boolean> open) {
    return new Check(
        "conductor.api",
        () -> {
          String w = where.get();
          if (w == null) {
            return Health.down("the API is not started");
          }
          return Boolean.TRUE.equals(open.get())
              ? Health.up("serving " + w)
              : Health.down("the API connector on " + w + " is closed");
        });
  }
}
