package org.amtpxe.conductor.internal.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.amtpxe.api.health.Health;
import org.amtpxe.api.health.HealthCheck;

/**
 * Runs the health checks for {@code GET /health} and {@code amtpxe:status}: the conductor's own and
 * those other bundles register, all at once, each within {@link #timeout()}. A check that does not
 * answer in time is DOWN, and is not started again while it still runs, so that a hanging database
 * holds one thread, not one per request (docs/observability.md#health).
 */
public final class HealthService implements AutoCloseable {
  /** How long a check may take by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  private final List<HealthCheck> own;
  private final Supplier<List<HealthCheck>> others;
  private final Duration timeout;
  private final ExecutorService threads;
  // The checks still running from an earlier request, by name: not started again until they end.
  private final Map<String, CompletableFuture<Health>> running = new ConcurrentHashMap<>();

  /**
   * @param own the conductor's checks
   * @param others the checks other bundles register now
   * @param timeout how long one check may take
   */
  public HealthService(
      List<HealthCheck> own, Supplier<List<HealthCheck>> others, Duration timeout) {
    this.own = List.copyOf(own);
    this.others = others;
    this.timeout = timeout;
    AtomicInteger n = new AtomicInteger();
    // NOTE: a cached pool: a check stuck past its timeout keeps its thread, and must not take the
    // place of the others. The in-flight map above bounds how many can be stuck: one per check.
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "amtpxe-health-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** How long one check may take. */
  public Duration timeout() {
    return timeout;
  }

  /** Runs every check now, concurrently, and waits at most about {@link #timeout()}. */
  public HealthReport check() {
    List<HealthCheck> all = new ArrayList<>(own);
    all.addAll(others.get());
    long start = System.nanoTime();
    List<Pending> pending = new ArrayList<>();
    for (HealthCheck c : all) {
      pending.add(start(c));
    }
    List<HealthReport.Entry> entries = new ArrayList<>();
    long deadline = start + timeout.toNanos();
    for (Pending p : pending) {
      Health h;
      try {
        h = p.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        h =
            Health.down(
                "no answer within "
                    + timeout.toMillis()
                    + " ms"
                    + (p.fresh ? "" : " (still running since an earlier request)"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        h = Health.down("interrupted");
      } catch (Exception e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        h =
            Health.down(
                "the check failed: "
                    + Objects.requireNonNullElse(
                        cause.getMessage(), cause.getClass().getSimpleName()));
      }
      entries.add(
          new HealthReport.Entry(
              p.name, h, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
    }
    entries.sort(Comparator.comparing(HealthReport.Entry::name));
    boolean up = entries.stream().allMatch(e -> e.health().isUp());
    return new HealthReport(up ? Health.Status.UP : Health.Status.DOWN, entries);
  }

  private record Pending(String name, CompletableFuture<Health> future, boolean fresh) {}

  private Pending start(HealthCheck c) {
    String name = safeName(c);
    CompletableFuture<Health> earlier = running.get(name);
    if (earlier != null && !earlier.isDone()) {
      return new Pending(name, earlier, false);
    }
    CompletableFuture<Health> f =
        CompletableFuture.supplyAsync(
            () -> Objects.requireNonNull(c.check(), "the check returned nothing"), threads);
    running.put(name, f);
    f.whenComplete((h, e) -> running.remove(name, f));
    return new Pending(name, f, true);
  }

  private static String safeName(HealthCheck c) {
    try {
      String name = c.name();
      return name == null || name.isBlank() ? c.getClass().getName() : name;
    } catch (RuntimeException e) {
      return c.getClass().getName();
    }
  }

  /** Stops the checks' threads. */
  @Override
  public void close() {
    threads.shutdownNow();
  }
}
