package org.amtpxe.conductor.internal.web;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Notices at once that the browser closed the connection of a long response (the page's event
 * stream, a terminal). Jetty reads nothing from an HTTP/1.1 connection while a response is being
 * written, so a reloaded page or a closed tab was noticed only when a later write failed: up to the
 * next heartbeat (10 s) and a second write later. Until then the stream counted against its user's
 * cap: nine reloads within that time and the page got "refused" instead of live updates.
 *
 * <p>This watches the connection for input instead. A client of an event stream never sends
 * anything after its request, so whatever comes is the end: the connection's end of stream, or
 * bytes (a pipelined request, which an endless response could never answer), and the stream is
 * ended in both cases.
 */
final class ClientGone implements Callback {
  private final EndPoint endPoint;
  private final Consumer<String> gone;
  private volatile boolean cancelled;
  private boolean pending; // this watch's read is registered (guarded by this)

  private ClientGone(EndPoint endPoint, Consumer<String> gone) {
    this.endPoint = endPoint;
    this.gone = gone;
  }

  /**
   * A watch on the request's connection, not started yet.
   *
   * @param gone told why, once, when the client went away (it must end the stream)
   */
  static ClientGone of(Request request, Consumer<String> gone) {
    return new ClientGone(request.getConnectionMetaData().getConnection().getEndPoint(), gone);
  }

  /** Starts watching, once the response is a stream (nothing happens after {@link #cancel()}). */
  synchronized void start() {
    if (!cancelled && !pending) {
      // Set first: the read may complete within the call (its callback then clears it).
      pending = true;
      if (!endPoint.tryFillInterested(this)) {
        pending = false; // the connection is read already: its own read sees the end
      }
    }
  }

  /**
   * Stops watching, before the response completes normally: the connection then reads its next
   * request itself, and only one read may be pending on it.
   */
  synchronized void cancel() {
    cancelled = true;
    // Only this watch's own read is failed, never one the connection registered itself.
    if (pending && endPoint instanceof AbstractEndPoint a) {
      pending = false;
      a.getFillInterest().onFail(new CancellationException("the stream ended"));
    }
  }

  @Override
  public void succeeded() {
    synchronized (this) {
      pending = false;
    }
    if (cancelled) {
      return;
    }
    int n;
    try {
      n = endPoint.fill(BufferUtil.allocate(256)); // empty, in Jetty's flush mode
    } catch (IOException e) {
      gone.accept("its connection failed: " + e.getMessage());
      return;
    }
    if (n < 0) {
      gone.accept("the client closed its connection");
    } else if (n > 0) {
      gone.accept("the client sent data on the connection of an endless response");
    } else {
      start(); // woken with nothing to read
    }
  }

  @Override
  public void failed(Throwable x) {
    synchronized (this) {
      pending = false;
    }
    if (!cancelled) {
      gone.accept("its connection failed: " + x.getMessage());
    }
  }
}
