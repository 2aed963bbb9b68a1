package org.amtpxe.virtualamt.internal.machine;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.MachineBackend;
import org.amtpxe.virtualamt.MachineHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scaffolding of a machine whose work runs on one thread of its own: the host it is attached
 * to, its power state (reported to the host on every change) and the worker that runs its requests.
 */
public abstract class ThreadedMachine implements MachineBackend {
  private final Logger log = LoggerFactory.getLogger(getClass());
  private final String name;
  private final String kind;
  private final ExecutorService worker;
  private volatile MachineHost host;
  private volatile HostPowerState state = HostPowerState.OFF;

  /**
   * Creates the machine, powered off, with its worker thread (a daemon named {@code
   * threadPrefix-name}).
   *
   * @param name the node's name (for threads and logs)
   * @param threadPrefix the start of the worker thread's name
   * @param kind what the machine is, for log lines (e.g. {@code QEMU machine})
   */
  protected ThreadedMachine(String name, String threadPrefix, String kind) {
    this.name = Objects.requireNonNull(name, "name");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, threadPrefix + "-" + name);
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public final void attach(MachineHost machineHost) {
    if (this.host != null) {
      throw new IllegalStateException("This machine is already attached to a virtual AMT");
    }
    this.host = Objects.requireNonNull(machineHost, "host");
  }

  @Override
  public final HostPowerState powerState() {
    return state;
  }

  /** Subclasses stop what runs and call {@link #stopWorker()}. */
  @Override
  public abstract void close();

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name + ", " + state + "]";
  }

  /** The node's name. */
  protected final String name() {
    return name;
  }

  /** The host this machine is attached to. */
  protected final MachineHost requireHost() {
    MachineHost h = host;
    if (h == null) {
      throw new IllegalStateException("Attach the machine to a virtual AMT before using it");
    }
    return h;
  }

  /** Sets the power state and tells the host, if it changed. */
  protected final void setState(HostPowerState newState) {
    if (state != newState) {
      state = newState;
      requireHost().powerStateChanged(newState);
    }
  }

  /**
   * Runs a task on the worker thread; a failure is logged, a task after {@link #stopWorker()} is
   * ignored.
   */
  protected final void submit(Runnable task) {
    requireHost();
    try {
      worker.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.warn("Node {}: {} action failed: {}", name, kind, e.toString());
            }
          });
    } catch (RejectedExecutionException e) {
      log.debug("Node {}: machine closed; request ignored", name);
    }
  }

  /** Takes no more tasks and interrupts the one running. */
  protected final void stopWorker() {
    worker.shutdownNow();
  }

  /** Waits at most {@code timeout} for the task still running after {@link #stopWorker()}. */
  protected final void awaitWorker(Duration timeout) {
    try {
      worker.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
