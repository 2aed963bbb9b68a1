package org.amtpxe.conductor.internal.rest;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread while it arrives (Jetty's demand/read): at most
 * {@code cap} bytes, counted chunk by chunk as they come (chunked or not), and only until a
 * deadline. Exactly one of {@link Sink#body} and {@link Sink#failed} is called, once.
 */
final class BodyReader implements Runnable {
  /** Where the outcome goes. */
  interface Sink {
    /** The whole body, on the thread that read its last chunk. */
    void body(byte[] bytes);

    /** The body cannot be had: 413 over the cap, 408 at the deadline, 400 for broken framing. */
    void failed(ApiException e);
  }

  private final Request request;
  private final long cap;
  private final Duration timeout;
  private final Sink sink;
  private final AtomicBoolean finished = new AtomicBoolean();
  private byte[] buffer;
  private int size;
  private volatile Scheduler.Task deadline;

  BodyReader(Request request, long cap, Duration timeout, Sink sink) {
    this.request = request;
    this.cap = cap;
    this.timeout = timeout;
    this.sink = sink;
    long declared = request.getLength();
    // Never more than the cap up front, and no more than a small buffer for an unknown length.
    this.buffer = new byte[(int) Math.min(cap, declared >= 0 ? declared : 8192)];
  }

  /** Arms the deadline and reads what has arrived; the rest is read as it comes. */
  void start() {
    deadline =
        request
            .getComponents()
            .getScheduler()
            .schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    run();
  }

  /** Reads every chunk available now, then asks Jetty to call again when more arrives. */
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
          fail(failure(chunk.getFailure()));
          return;
        }
        boolean last = chunk.isLast();
        ByteBuffer bytes = chunk.getByteBuffer();
        int n = bytes.remaining();
        if ((long) size + n > cap) {
          chunk.release();
          fail(tooLarge(cap));
          return;
        }
        if (size + n > buffer.length) {
          buffer =
              Arrays.copyOf(buffer, (int) Math.min(cap, Math.max(size + n, 2L * buffer.length)));
        }
        bytes.get(buffer, size, n);
        size += n;
        chunk.release();
        if (last) {
          if (finished.compareAndSet(false, true)) {
            cancelDeadline();
            byte[] body = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
            buffer = null;
            sink.body(body);
          }
          return;
        }
      }
    } catch (RuntimeException e) {
      fail(new ApiException(400, "The request body could not be read: " + e.getMessage()));
    }
  }

  static ApiException tooLarge(long cap) {
    return new ApiException(
        413,
        "The request body is larger than "
            + cap
            + " bytes; no request of this API needs that much, send a smaller JSON document.");
  }

  private void expire() {
    fail(
        new ApiException(
            408,
            "The request body did not arrive within "
                + timeout.toSeconds()
                + " s; send the whole body at once, right after the headers."));
  }

  private void fail(ApiException e) {
    if (finished.compareAndSet(false, true)) {
      cancelDeadline();
      buffer = null;
      sink.failed(e);
    }
  }

  private void cancelDeadline() {
    Scheduler.Task task = deadline;
    if (task != null) {
      task.cancel();
    }
  }

  /** What a failed read means for the client. */
  private static ApiException failure(Throwable t) {
    if (t instanceof TimeoutException) {
      return new ApiException(
          408, "The request body stopped arriving; send the whole body at once.");
    }
    if (t instanceof HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
      return new ApiException(
          h.getCode(),
          "The request body is malformed ("
              + ApiUri.printable(String.valueOf(h.getReason()))
              + "); check its framing (Content-Length or Transfer-Encoding: chunked).");
    }
    return new ApiException(
        400,
        "The request body ended before it was complete (the connection closed early or its"
            + " Content-Length or chunked framing is wrong); send the whole body.");
  }
}
