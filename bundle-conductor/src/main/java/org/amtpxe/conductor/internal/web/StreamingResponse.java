package org.amtpxe.conductor.internal.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * An endless text/event-stream response written one batch at a time (the page's event stream, a
 * terminal's output): what the two share. A subclass's {@link #process()} takes its next batch and
 * {@link #write}s it. The stream ends once, whichever way: normally (the subclass's process returns
 * SUCCEEDED), or aborted or failed, which fails the request's callback and so aborts the connection
 * instead of waiting for an idle timeout to fail a write pending on a client that reads nothing.
 * Either way {@code onEnd} runs, and the {@link ClientGone} watch stops.
 */
abstract class StreamingResponse extends IteratingCallback {
  private final Response response;
  private final Callback done;
  private final Runnable onEnd;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile ClientGone watch;

  /**
   * @param response the response, its headers already set
   * @param done the request's callback, completed when the stream ends
   * @param onEnd called once when the stream ends, whichever way
   */
  StreamingResponse(Response response, Callback done, Runnable onEnd) {
    this.response = response;
    this.done = done;
    this.onEnd = onEnd;
  }

  /** Ends the stream as soon as its client goes away (see {@link ClientGone}). */
  final void watch(ClientGone w) {
    watch = w;
    if (ended.get()) {
      w.cancel(); // it ended meanwhile (its end saw no watch, or cancels it too)
    } else {
      w.start();
    }
  }

  /** Writes one batch; process() then returns SCHEDULED. */
  final void write(CharSequence batch) {
    response.write(false, ByteBuffer.wrap(batch.toString().getBytes(StandardCharsets.UTF_8)), this);
  }

  @Override
  protected final void onAborted(Throwable cause) {
    end(cause);
  }

  @Override
  protected final void onCompleteFailure(Throwable cause) {
    end(cause);
  }

  @Override
  protected final void onCompleteSuccess() {
    if (ended.compareAndSet(false, true)) {
      onEnd.run();
      ClientGone w = watch;
      if (w != null) {
        w.cancel(); // the connection reads its next request
      }
      response.write(true, null, done);
    }
  }

  private void end(Throwable cause) {
    if (ended.compareAndSet(false, true)) {
      onEnd.run();
      done.failed(cause);
    }
  }
}
