package org.amtpxe.conductor.internal.sync;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.store.PortDao;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic power-state sync: reads every eligible node's power state from its driver, at most
 * {@code parallelism} at a time and each within a timeout, and records changes made outside the
 * conductor. Skips nodes in maintenance, reserved, changing power, enrolling or in a deploy.
 *
 * <p>As Ironic does ({@code power_state_sync_max_retries}): a node whose power state cannot be read
 * in {@code maxRetries} passes in a row goes into maintenance with the fault {@link
 * #POWER_FAILURE}, its reason and last error saying what failed; later passes keep reading such
 * nodes and take them out of maintenance once a read succeeds. A node an operator put into
 * maintenance is never touched. The count of failures in a row lives in memory, per conductor.
 */
public final class PowerSync implements AutoCloseable {
  /** The fault of a node the power sync put into maintenance (Ironic's {@code power failure}). */
  public static final String POWER_FAILURE = "power failure";

  /** Provision states whose nodes are never synced. */
  static final Set<ProvisionState> EXCLUDED =
      EnumSet.of(
          ProvisionState.ENROLL,
          ProvisionState.VERIFYING,
          ProvisionState.DEPLOYING,
          ProvisionState.WAIT_CALLBACK,
          ProvisionState.DELETING,
          ProvisionState.CLEANING,
          ProvisionState.INSPECTING);

  /**
   * What one pass did.
   *
   * @param checked nodes whose power was read
   * @param changed nodes whose stored power state was corrected
   * @param failed reads that failed or timed out
   * @param skipped nodes not eligible (maintenance, locked, excluded state, driver absent)
   * @param intoMaintenance nodes put into maintenance because their reads kept failing
   * @param recovered nodes taken out of that maintenance because a read succeeded again
   * @param took the pass's duration
   */
  public record Result(
      int checked,
      int changed,
      int failed,
      int skipped,
      int intoMaintenance,
      int recovered,
      Duration took) {}

  /** Ironic's default for {@code power_state_sync_max_retries}. */
  public static final int DEFAULT_MAX_RETRIES = 3;

  private static final Logger LOG = LoggerFactory.getLogger(PowerSync.class);

  private final Store store;
  private final TaskManager tasks;
  private final DriverRegistry drivers;
  private final int parallelism;
  private final Duration timeout;
  private final int maxRetries;
  private final Map<String, Integer> failuresInARow = new ConcurrentHashMap<>();
  private final ExecutorService readers;

  /** A sync that puts a node into maintenance after {@link #DEFAULT_MAX_RETRIES} failed reads. */
  public PowerSync(TaskManager tasks, DriverRegistry drivers, int parallelism, Duration timeout) {
    this(tasks, drivers, parallelism, timeout, DEFAULT_MAX_RETRIES);
  }

  /**
   * @param parallelism how many reads may run at once
   * @param timeout how long one node's read may take
   * @param maxRetries failed reads in a row that put a node into maintenance; 0: never
   */
  public PowerSync(
      TaskManager tasks,
      DriverRegistry drivers,
      int parallelism,
      Duration timeout,
      int maxRetries) {
    this.store = tasks.store();
    this.tasks = tasks;
    this.drivers = drivers;
    this.parallelism = parallelism;
    this.timeout = timeout;
    this.maxRetries = maxRetries;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "amtpxe-power-sync-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    // NOTE: a cached pool, not a fixed one: a read that ignores interruption past its timeout
    // keeps its thread, and must not take one of the `parallelism` slots of later passes.
    this.readers = Executors.newCachedThreadPool(threads);
  }

  /**
   * Runs one pass and waits for it.
   *
   * @throws InterruptedException when the pass is interrupted (the conductor is stopping)
   */
  public Result runOnce() throws InterruptedException {
    long start = System.nanoTime();
    // NOTE: three queries per pass, whatever the number of nodes: the nodes, the faulted ones and
    // every port. Each read then works on this snapshot (a shared task takes no lock and reads
    // nothing), and only a changed power state is written.
    Snapshot snapshot =
        store.read(
            h ->
                new Snapshot(
                    NodeDao.list(h, NodeQuery.all()),
                    NodeDao.withFault(h, POWER_FAILURE),
                    PortDao.all(h).stream().collect(Collectors.groupingBy(Port::nodeUuid))));
    List<Node> nodes = snapshot.nodes();
    Set<String> powerFailures = snapshot.powerFailures();
    failuresInARow.keySet().retainAll(nodes.stream().map(Node::uuid).collect(Collectors.toSet()));
    Semaphore slots = new Semaphore(parallelism);
    Counts counts = new Counts();
    int skipped = 0;
    for (Node node : nodes) {
      if (!tasks.ownership().mine(node)) {
        // Another conductor's: it syncs it. Not counted as skipped, which means not eligible.
        continue;
      }
      boolean recovering = powerFailures.contains(node.uuid());
      BareMetalDriver driver = eligibleDriver(node, recovering);
      if (driver == null) {
        skipped++;
        continue;
      }
      slots.acquire();
      List<Port> ports = snapshot.ports().getOrDefault(node.uuid(), List.of());
      CompletableFuture.supplyAsync(() -> read(node, ports, driver), readers)
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (state, error) -> {
                try {
                  if (error != null) {
                    counts.failed.incrementAndGet();
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    String why =
                        cause instanceof TimeoutException
                            ? "no answer within " + timeout.toMillis() + " ms"
                            : Objects.requireNonNullElse(
                                cause.getMessage(), cause.getClass().getSimpleName());
                    if (recovering) {
                      LOG.debug("Node {} is still unreadable: {}", node.uuid(), why);
                    } else {
                      readFailed(node, why, counts);
                    }
                  } else if (state != null) {
                    counts.checked.incrementAndGet();
                    failuresInARow.remove(node.uuid());
                    if (recovering) {
                      recovered(node, state, counts);
                    } else {
                      record(node, state, counts.changed);
                    }
                  }
                } finally {
                  slots.release();
                }
              });
    }
    slots.acquire(parallelism);
    slots.release(parallelism);
    Result result =
        new Result(
            counts.checked.get(),
            counts.changed.get(),
            counts.failed.get(),
            skipped,
            counts.intoMaintenance.get(),
            counts.recovered.get(),
            Duration.ofNanos(System.nanoTime() - start));
    LOG.debug("Power sync pass: {}", result);
    return result;
  }

  /** What the reads of one pass found; written by the reader threads. */
  private static final class Counts {
    final AtomicInteger checked = new AtomicInteger();
    final AtomicInteger changed = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger intoMaintenance = new AtomicInteger();
    final AtomicInteger recovered = new AtomicInteger();
  }

  /**
   * @param recovering the node is in maintenance because of earlier failed reads: read it anyway
   */
  private BareMetalDriver eligibleDriver(Node node, boolean recovering) {
    if ((node.maintenance() && !recovering)
        || node.reservation() != null
        || node.targetPowerState() != null
        || EXCLUDED.contains(node.provisionState())) {
      return null;
    }
    BareMetalDriver driver = drivers.find(node.driver()).orElse(null);
    if (driver == null || driver.unavailableReason().isPresent()) {
      return null;
    }
    return driver;
  }

  private void readFailed(Node node, String why, Counts counts) {
    int inARow = failuresInARow.merge(node.uuid(), 1, Integer::sum);
    if (maxRetries <= 0 || inARow < maxRetries) {
      LOG.warn(
          "Power sync could not read the power state of node {} ({} of {} failures in a row"
              + " before maintenance): {}",
          node.uuid(),
          inARow,
          maxRetries <= 0 ? "unlimited" : maxRetries,
          why);
      return;
    }
    String reason =
        "The power sync could not read the power state "
            + inARow
            + " times in a row; the last error: "
            + (why.endsWith(".") ? why : why + ".")
            + " The conductor takes the node out of maintenance when a read succeeds again; once"
            + " the AMT is fixed you can also run 'baremetal node maintenance unset "
            + node.uuid()
            + "'.";
    java.time.Instant now = store.now();
    boolean entered =
        store.transaction(
            h -> {
              if (!NodeDao.enterFaultMaintenance(h, node.uuid(), POWER_FAILURE, reason, now)) {
                return false;
              }
              tasks.history(h, node.uuid(), "ERROR", "maintenance", reason);
              return true;
            });
    if (entered) {
      failuresInARow.remove(node.uuid());
      counts.intoMaintenance.incrementAndGet();
      LOG.warn("Node {} is now in maintenance: {}", node.uuid(), reason);
    }
  }

  private void recovered(Node node, PowerState actual, Counts counts) {
    java.time.Instant now = store.now();
    boolean cleared =
        store.transaction(
            h -> {
              if (!NodeDao.clearFault(h, node.uuid(), POWER_FAILURE, actual, now)) {
                return false;
              }
              tasks.history(
                  h,
                  node.uuid(),
                  "INFO",
                  "maintenance",
                  "maintenance unset: the power state can be read again (" + actual.value() + ")");
              return true;
            });
    if (cleared) {
      counts.recovered.incrementAndGet();
      LOG.info(
          "Node {}: the power state can be read again ({}); out of maintenance",
          node.uuid(),
          actual);
    }
  }

  private record Snapshot(
      List<Node> nodes, Set<String> powerFailures, Map<String, List<Port>> ports) {}

  private PowerState read(Node node, List<Port> ports, BareMetalDriver driver) {
    try (Task task = tasks.snapshot(node, ports, driver)) {
      driver.power().validate(task);
      return driver.power().getPowerState(task);
    } catch (Exception e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  private void record(Node node, PowerState actual, AtomicInteger changed) {
    if (actual == node.powerState()) {
      return;
    }
    java.time.Instant now = store.now();
    boolean updated =
        store.transaction(
            h -> {
              if (!NodeDao.updatePowerStateIfIdle(h, node.uuid(), node.powerState(), actual, now)) {
                return false;
              }
              tasks.history(
                  h,
                  node.uuid(),
                  "INFO",
                  "power",
                  (node.powerState() == null ? "unknown" : node.powerState().value())
                      + " -> "
                      + actual.value()
                      + " (found by the power sync)");
              return true;
            });
    if (updated) {
      changed.incrementAndGet();
      if (node.powerState() == null) {
        LOG.info("Node {}: power state is {}", node.uuid(), actual);
      } else {
        LOG.info(
            "Node {}: power state changed outside the conductor: was {}, is {}",
            node.uuid(),
            node.powerState(),
            actual);
      }
    }
  }

  @Override
  public void close() {
    readers.shutdownNow();
  }
}
