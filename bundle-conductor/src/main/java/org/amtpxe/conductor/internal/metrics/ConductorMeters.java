package org.amtpxe.conductor.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.management.MBeanServerFactory;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;

/**
 * The conductor's own meters (docs/observability.md#metrics): power sync passes, deploy durations,
 * API requests by route template, lock waits, and the worker pool's queue and saturation. One per
 * runtime; its gauges are removed when the runtime closes, its counters stay in the registry.
 */
public final class ConductorMeters implements AutoCloseable {
  static final Duration[] SYNC_BUCKETS = {
    Duration.ofMillis(100),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofMinutes(2),
    Duration.ofMinutes(5),
    Duration.ofMinutes(10)
  };

  static final Duration[] DEPLOY_BUCKETS = {
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(2),
    Duration.ofMinutes(5),
    Duration.ofMinutes(10),
    Duration.ofMinutes(20),
    Duration.ofMinutes(30),
    Duration.ofHours(1),
    Duration.ofHours(2)
  };

  static final Duration[] FAST_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  /** Provision states of a deploy in progress. */
  private static final List<ProvisionState> DEPLOYING =
      List.of(ProvisionState.DEPLOYING, ProvisionState.WAIT_CALLBACK);

  private final MicrometerMeters meters;
  private final MeterRegistry registry;
  private final List<Meter> gauges = new ArrayList<>();
  // Deploys in progress on this conductor: node UUID -> System.nanoTime() at their start.
  private final Map<String, Long> deployStarts = new ConcurrentHashMap<>();

  /**
   * @param meters the bundle's meters, whose registry the conductor's meters are made in
   */
  public ConductorMeters(MicrometerMeters meters) {
    this.meters = meters;
    this.registry = meters.registry();
  }

  /**
   * Meters of their own, with MBeans in a private MBean server: for a conductor made without the
   * bundle's service (tests, benchmarks).
   */
  public static ConductorMeters standalone() {
    return new ConductorMeters(new MicrometerMeters(MBeanServerFactory.newMBeanServer()));
  }

  /** The bundle's meters. */
  public MicrometerMeters meters() {
    return meters;
  }

  /** One power sync pass that ended, normally or by an error. */
  public void syncPass(Duration took, boolean completed, int failedReads, int intoMaintenance) {
    meters
        .timer(
            "amtpxe.sync.pass",
            "Power sync passes: their duration, by outcome (completed, or failed with an error)",
            SYNC_BUCKETS,
            Tags.of("outcome", completed ? "completed" : "failed"))
        .record(took);
    Counter.builder("amtpxe.sync.read.failures")
        .description("Power state reads of the power sync that failed or timed out")
        .register(registry)
        .increment(failedReads);
    Counter.builder("amtpxe.sync.maintenance")
        .description("Nodes the power sync put into maintenance because their reads kept failing")
        .register(registry)
        .increment(intoMaintenance);
  }

  /**
   * A node's change as written: a deploy starts when the node enters deploying, and ends when it
   * leaves deploying and wait call-back (its outcome is the state it reached).
   */
  public void provisionChanged(Node before, Node after) {
    if (before == null || after == null || before.provisionState() == after.provisionState()) {
      return;
    }
    boolean wasDeploying = DEPLOYING.contains(before.provisionState());
    boolean isDeploying = DEPLOYING.contains(after.provisionState());
    if (!wasDeploying && isDeploying) {
      deployStarts.put(after.uuid(), System.nanoTime());
    } else if (wasDeploying && !isDeploying) {
      Long start = deployStarts.remove(after.uuid());
      if (start != null) {
        meters
            .timer(
                "amtpxe.deploy",
                "Deploys from the deploy verb to the end, by the provision state reached",
                DEPLOY_BUCKETS,
                Tags.of("outcome", outcome(after.provisionState())))
            .record(Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  private static String outcome(ProvisionState state) {
    return switch (state) {
      case ACTIVE -> "active";
      case DEPLOY_FAILED -> "deploy_failed";
      default -> "other";
    };
  }

  /**
   * One attempt to take a node's exclusive lock.
   *
   * @param outcome acquired, locked (another operation holds it) or not_found
   */
  public void lockWait(Duration took, String outcome) {
    meters
        .timer(
            "amtpxe.lock.wait",
            "Time to take a node's exclusive lock, by outcome (acquired, locked, not_found)",
            FAST_BUCKETS,
            Tags.of("outcome", outcome))
        .record(took);
  }

  /** An API request answered. */
  public void apiRequest(String method, String route, int status, Duration took) {
    Timer.builder("amtpxe.api.requests")
        .description("API requests by method, route template and HTTP status")
        .tags("method", method, "route", route, "status", Integer.toString(status))
        .serviceLevelObjectives(FAST_BUCKETS)
        .register(registry)
        .record(took);
  }

  /** An operation refused because every worker place was taken. */
  public void workersRefused() {
    Counter.builder("amtpxe.workers.refused")
        .description("Operations refused (503) because every worker place was taken")
        .register(registry)
        .increment();
  }

  /**
   * The worker pool's gauges.
   *
   * @param inUse operations running or waiting for a worker
   * @param queued operations waiting for a worker
   * @param capacity how many operations may run or wait at once
   */
  public void workerGauges(
      Supplier<Number> inUse, Supplier<Number> queued, Supplier<Number> capacity) {
    gauge("amtpxe.workers.in_use", "Operations running or waiting for a worker", inUse);
    gauge("amtpxe.workers.queued", "Operations waiting for a worker (the task queue)", queued);
    gauge("amtpxe.workers.capacity", "Operations that may run or wait at once", capacity);
    gauge(
        "amtpxe.workers.saturation",
        "Worker places taken, 0 to 1; at 1 new operations are refused",
        () -> inUse.get().doubleValue() / Math.max(1, capacity.get().doubleValue()));
  }

  private void gauge(String name, String description, Supplier<Number> value) {
    synchronized (gauges) {
      gauges.add(
          Gauge.builder(name, value, s -> s.get().doubleValue())
              .description(description)
              .strongReference(true)
              .register(registry));
    }
  }

  /** Removes the gauges of this runtime (their sources stop with it). */
  @Override
  public void close() {
    synchronized (gauges) {
      gauges.forEach(registry::remove);
      gauges.clear();
    }
  }
}
