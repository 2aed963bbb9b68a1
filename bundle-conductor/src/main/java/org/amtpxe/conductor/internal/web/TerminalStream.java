package org.amtpxe.conductor.internal.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Base64;
import org.amtpxe.conductor.internal.console.ConsoleService;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One web page terminal's output: a text/event-stream response fed by a node's console. The serial
 * port's bytes go out base64-encoded in {@code output} events (SOL carries raw bytes, not text),
 * written one batch at a time without holding a thread. Its queue is bounded in bytes: a page that
 * falls that far behind is dropped (its connection aborted), never waited for, so that it holds up
 * neither the console session nor the other viewers. The stream's last event is {@code ended}, with
 * the reason.
 */
final class TerminalStream extends StreamingResponse implements ConsoleService.Viewer {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Console output that may wait for the page; beyond it the page is dropped. */
  static final int QUEUE_BYTES = 256 * 1024;

  /** The most bytes written at once. */
  private static final int BATCH = 64 * 1024;

  /** One event as written, and the console bytes it carries. */
  private record Item(String wire, int raw) {}

  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private int queuedBytes;
  private boolean ending;
  private boolean dropped;
  private boolean started;

  /**
   * @param response the response, its headers already set
   * @param done the request's callback, completed when the stream ends
   * @param onEnd called once when the stream ends, whichever way (detaches the viewer)
   */
  TerminalStream(Response response, Callback done, Runnable onEnd) {
    super(response, done, onEnd);
  }

  /**
   * Starts writing, with {@code hello} first: what the console sent since the viewer attached waits
   * until then, so that the page always learns its terminal's id before anything else (and a
   * refused attach can still be answered with a plain status).
   */
  void start(String helloJson) {
    synchronized (this) {
      queue.addFirst(new Item("event: hello\ndata: " + helloJson + "\n\n", 0));
      started = true;
    }
    iterate();
  }

  /** The page went away: the viewer is detached and the connection closed. */
  void gone(String why) {
    synchronized (this) {
      if (ending || dropped) {
        return;
      }
      ending = true;
      dropped = true;
      queue.clear();
    }
    abort(new IOException("Console terminal's page went away: " + why));
  }

  /** Queues one event of the stream's own. */
  private void event(String type, String json) {
    synchronized (this) {
      if (ending || dropped) {
        return;
      }
      queue.addLast(new Item("event: " + type + "\ndata: " + json + "\n\n", 0));
    }
    iterate();
  }

  /** Sends a comment line, so that an idle console's stream stays open. */
  void heartbeat() {
    synchronized (this) {
      if (ending || dropped || !queue.isEmpty()) {
        return;
      }
      queue.addLast(new Item(": keep-alive\n\n", 0));
    }
    iterate();
  }

  @Override
  public boolean offer(byte[] bytes) {
    synchronized (this) {
      if (ending || dropped) {
        return true;
      }
      if (queuedBytes + bytes.length > QUEUE_BYTES) {
        dropped = true;
        queue.clear();
        return false;
      }
      queuedBytes += bytes.length;
      queue.addLast(
          new Item(
              "event: output\ndata: " + Base64.getEncoder().encodeToString(bytes) + "\n\n",
              bytes.length));
    }
    iterate();
    return true;
  }

  @Override
  public void connected() {
    event("connected", "{}");
  }

  @Override
  public void end(String reason) {
    boolean abort;
    synchronized (this) {
      if (ending) {
        return;
      }
      ending = true;
      abort = dropped;
      if (!abort) {
        queue.addLast(new Item("event: ended\ndata: " + JSON.valueToTree(reason) + "\n\n", 0));
      }
    }
    if (abort) {
      // NOTE: a page too slow for its queue would not read an ended event either; aborting fails
      // a write that may be pending on it instead of waiting for the idle timeout.
      abort(new IOException("Console terminal dropped: " + reason));
    } else {
      iterate();
    }
  }

  @Override
  protected Action process() {
    StringBuilder batch = new StringBuilder();
    synchronized (this) {
      if (!started) {
        return Action.IDLE;
      }
      while (!queue.isEmpty() && batch.length() < BATCH) {
        Item next = queue.pollFirst();
        batch.append(next.wire());
        queuedBytes -= next.raw();
      }
      if (batch.isEmpty()) {
        return ending ? Action.SUCCEEDED : Action.IDLE;
      }
    }
    write(batch);
    return Action.SCHEDULED;
  }
}
