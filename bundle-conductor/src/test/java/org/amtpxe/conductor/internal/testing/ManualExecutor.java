package org.amtpxe.conductor.internal.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** An executor that runs submitted work only when the test says so, or rejects it. */
public final class ManualExecutor implements Executor {
  private final Deque<Runnable> queue = new ArrayDeque<>();
  private boolean rejecting;

  @Override
  public synchronized void execute(Runnable command) {
    if (rejecting) {
      throw new RejectedExecutionException("full");
    }
    queue.add(command);
  }

  public synchronized void setRejecting(boolean rejecting) {
    this.rejecting = rejecting;
  }

  public synchronized int pending() {
    return queue.size();
  }

  /** Runs everything queued, including work queued meanwhile. */
  public void runAll() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = queue.poll();
      }
      if (next == null) {
        return;
      }
      next.run();
    }
  }
}
