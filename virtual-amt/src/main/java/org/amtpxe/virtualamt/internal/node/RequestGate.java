package org.amtpxe.virtualamt.internal.node;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import org.amtpxe.virtualamt.Switches.Concurrency;

/**
 * How many requests a virtual AMT serves at once (docs/amt-wsman.md#concurrency): any number, one
 * with a QuotaLimit fault for the others, or one with the others queued.
 */
public final class RequestGate {
  private final Deque<Runnable> queue = new ArrayDeque<>();
  private final Executor handoff;
  private int inFlight;

  /**
   * Creates a gate.
   *
   * @param handoff runs a queued request when its turn comes (not on the finishing request's stack,
   *     which would grow with the queue)
   */
  public RequestGate(Executor handoff) {
    this.handoff = handoff;
  }

  /**
   * Asks to serve a request.
   *
   * @param mode the concurrency switch now in force
   * @param task serves the request and later calls {@link #exit()}; runs now or when its turn comes
   * @return false when the request must be refused with a QuotaLimit fault (task not run)
   */
  public boolean enter(Concurrency mode, Runnable task) {
    synchronized (this) {
      if (inFlight > 0 && mode == Concurrency.QUOTA_FAULT) {
        return false;
      }
      if (inFlight > 0 && mode == Concurrency.QUEUE) {
        queue.addLast(task);
        return true;
      }
      inFlight++;
    }
    task.run();
    return true;
  }

  /** A request finished: starts the next queued one. */
  public void exit() {
    Runnable next;
    synchronized (this) {
      inFlight--;
      next = inFlight == 0 ? queue.pollFirst() : null;
      if (next != null) {
        inFlight++;
      }
    }
    if (next != null) {
      handoff.execute(next);
    }
  }

  /** Requests being served now. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Requests waiting their turn. */
  public synchronized int queued() {
    return queue.size();
  }
}
