package org.amtpxe.conductor.internal.task;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amtpxe.conductor.internal.service.ConductorException;

/**
 * Admission to the conductor's workers: an operation first reserves a place ({@link #reserve}), and
 * only then writes the state that says it was accepted, so that a full pool refuses an operation
 * before anything about it is written. A place is given back when its work ends, or when it is
 * released unused.
 */
public final class Workers {
  private final Executor executor;
  private final Semaphore places;
  private final int capacity;
  private final Runnable onRefused;

  /**
   * @param executor runs the work; it must accept at least {@code capacity} tasks at once (running
   *     and queued)
   * @param capacity how many operations may run or wait at once
   */
  public Workers(Executor executor, int capacity) {
    this(executor, capacity, () -> {});
  }

  /**
   * @param executor runs the work; it must accept at least {@code capacity} tasks at once (running
   *     and queued)
   * @param capacity how many operations may run or wait at once
   * @param onRefused called for every operation refused because every place is taken (a meter)
   */
  public Workers(Executor executor, int capacity, Runnable onRefused) {
    this.executor = executor;
    this.capacity = capacity;
    this.places = new Semaphore(capacity);
    this.onRefused = onRefused;
  }

  /** Workers without a limit of their own: the executor decides (tests run work inline). */
  public static Workers unbounded(Executor executor) {
    return new Workers(executor, Integer.MAX_VALUE);
  }

  /** Operations that may run or wait at once. */
  public int capacity() {
    return capacity;
  }

  /** Operations running or waiting now. */
  public int inUse() {
    return capacity - places.availablePermits();
  }

  /**
   * Reserves a place for one operation.
   *
   * @param what the operation, for the refusal's message ("node X")
   * @throws ConductorException BUSY when every place is taken; nothing was reserved
   */
  public Place reserve(String what) throws ConductorException {
    if (!places.tryAcquire()) {
      onRefused.run();
      throw new ConductorException(
          ConductorException.Kind.BUSY,
          "No free conductor workers for "
              + what
              + " ("
              + capacity
              + " operations running or queued); retry later or raise worker_threads /"
              + " worker_queue.");
    }
    return new Place();
  }

  /** A reserved place: start its work once, or release it. */
  public final class Place implements AutoCloseable {
    private final AtomicBoolean used = new AtomicBoolean();

    private Place() {}

    /**
     * Runs the work on a worker; the place is given back when it ends.
     *
     * @throws RejectedExecutionException when the executor refuses it all the same (it is shutting
     *     down); the place is given back
     */
    public void start(Runnable work) {
      if (!used.compareAndSet(false, true)) {
        throw new IllegalStateException("A worker place runs one operation");
      }
      try {
        executor.execute(
            () -> {
              try {
                work.run();
              } finally {
                places.release();
              }
            });
      } catch (RuntimeException | Error e) {
        places.release();
        throw e;
      }
    }

    /** Gives the place back when it was not used. Idempotent. */
    @Override
    public void close() {
      if (used.compareAndSet(false, true)) {
        places.release();
      }
    }
  }
}
