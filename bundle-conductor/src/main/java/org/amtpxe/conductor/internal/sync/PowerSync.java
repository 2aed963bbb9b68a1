package org.amtpxe.conductor.internal.sync;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.lock.NodeLocks;
import org.amtpxe.conductor.internal.lock.Task;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.store.NodeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic power-state sync: reads every eligible node's power state from its driver, at most
 * {@code parallelism} at a time and each within a timeout, and records changes made outside the
 * conductor. Skips nodes in maintenance, reserved, changing power, enrolling or in a deploy.
 */
public final class PowerSync implements AutoCloseable {
  /** Provision states whose nodes are never synced. */
  static final Set<ProvisionState> EXCLUDED =
      EnumSet.of(
          ProvisionState.ENROLL,
          ProvisionState.VERIFYING,
          ProvisionState.DEPLOYING,
          ProvisionState.WAIT_CALLBACK,
          ProvisionState.DELETING,
          ProvisionState.CLEANING);

  /**
   * What one pass did.
   *
   * @param checked nodes whose power was read
   * @param changed nodes whose stored power state was corrected
   * @param failed reads that failed or timed out
   * @param skipped nodes not eligible (maintenance, locked, excluded state, driver absent)
   * @param took the pass's duration
   */
  public record Result(int checked, int changed, int failed, int skipped, Duration took) {}

  private static final Logger LOG = LoggerFactory.getLogger(PowerSync.class);

  private final NodeStore store;
  private final DriverRegistry drivers;
  private final NodeLocks locks;
  private final int parallelism;
  private final Duration timeout;
  private final ExecutorService readers;

  /**
   * @param parallelism how many reads may run at once
   * @param timeout how long one node's read may take
   */
  public PowerSync(
      NodeStore store, DriverRegistry drivers, NodeLocks locks, int parallelism, Duration timeout) {
    this.store = store;
    this.drivers = drivers;
    this.locks = locks;
    this.parallelism = parallelism;
    this.timeout = timeout;
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
    List<Node> nodes = store.listNodes(NodeQuery.all());
    Semaphore slots = new Semaphore(parallelism);
    AtomicInteger checked = new AtomicInteger();
    AtomicInteger changed = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    int skipped = 0;
    for (Node node : nodes) {
      BareMetalDriver driver = eligibleDriver(node);
      if (driver == null) {
        skipped++;
        continue;
      }
      slots.acquire();
      CompletableFuture.supplyAsync(() -> read(node, driver), readers)
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (state, error) -> {
                try {
                  if (error != null) {
                    failed.incrementAndGet();
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    LOG.debug(
                        "Power sync could not read node {}: {}",
                        node.uuid(),
                        cause instanceof TimeoutException
                            ? "no answer within " + timeout.toMillis() + " ms"
                            : cause.getMessage());
                  } else if (state != null) {
                    checked.incrementAndGet();
                    record(node, state, changed);
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
            checked.get(),
            changed.get(),
            failed.get(),
            skipped,
            Duration.ofNanos(System.nanoTime() - start));
    LOG.debug("Power sync pass: {}", result);
    return result;
  }

  private BareMetalDriver eligibleDriver(Node node) {
    if (node.maintenance()
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

  private PowerState read(Node node, BareMetalDriver driver) {
    try (Task task = locks.shared(node, driver)) {
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
    if (store.updatePowerStateIfIdle(node.uuid(), node.powerState(), actual)) {
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
