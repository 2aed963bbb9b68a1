package org.amtpxe.conductor.internal.rest;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * After an answer sent before the body was read (401, 413, 408...): discards what the client is
 * still sending, up to a limit in bytes and time, without holding a thread, and only then lets
 * Jetty close the connection.
 *
 * <p>NOTE: closing a socket with unread input makes the kernel send a reset, and a reset can
 * destroy the answer in the client's receive buffer before the client reads it (a client that reads
 * only after sending its whole body, as java.net.http does, then sees "no bytes"). Draining a
 * little first is Apache's "lingering close". Nothing drained is kept.
 */
final class Drain implements Runnable {
  /** The most discarded after an early answer. */
  static final long LIMIT = 4L * 1024 * 1024;

  /** The longest the connection stays open for it. */
  static final Duration TIME = Duration.ofSeconds(2);

  private final Request request;
  private final Callback callback;
  private final AtomicBoolean finished = new AtomicBoolean();
  private long discarded;
  private volatile Scheduler.Task deadline;

  private Drain(Request request, Callback callback) {
    this.request = request;
    this.callback = callback;
  }

  /** A callback that, once the answer is written, drains and then completes {@code callback}. */
  static Callback after(Request request, Callback callback) {
    return Callback.from(() -> new Drain(request, callback).start(), callback::failed);
  }

  private void start() {
    deadline =
        request
            .getComponents()
            .getScheduler()
            .schedule(this::finish, TIME.toMillis(), TimeUnit.MILLISECONDS);
    run();
  }

  @Override
  public void run() {
    try {
      while (!finished.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          finish();
          return;
        }
        discarded += chunk.remaining();
        boolean last = chunk.isLast();
        chunk.release();
        if (last || discarded > LIMIT) {
          finish();
          return;
        }
      }
    } catch (RuntimeException e) {
      finish();
    }
  }

  private void finish() {
    if (finished.compareAndSet(false, true)) {
      Scheduler.Task task = deadline;
      if (task != null) {
        task.cancel();
      }
      callback.succeeded();
    }
  }
}
