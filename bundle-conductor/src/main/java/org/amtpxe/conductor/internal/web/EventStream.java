package org.amtpxe.conductor.internal.web;

import java.io.IOException;
import java.util.ArrayDeque;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One open text/event-stream response: events queue here (bounded) and are written one batch at a
 * time, the next when the last write completed, so a thread never waits for a slow client. A full
 * queue drops the client: {@link NodeFeed} unsubscribes it and its connection is aborted; the
 * browser's EventSource reconnects and resumes from the last id it saw.
 */
final class EventStream extends StreamingResponse implements NodeFeed.Subscriber {
  /** Events that may wait for a client; beyond it the client is dropped. */
  static final int QUEUE = 2048;

  /** The most bytes written at once. */
  private static final int BATCH = 64 * 1024;

  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private boolean dropped;
  private boolean ending;

  /**
   * @param response the response, its headers already set
   * @param done the request's callback, completed when the stream ends
   * @param onEnd called once when the stream ends, whichever way (unsubscribes it)
   */
  EventStream(Response response, Callback done, Runnable onEnd) {
    super(response, done, onEnd);
  }

  /** Queues raw text (the retry line, the first comment). */
  void send(String text) {
    synchronized (this) {
      queue.addLast(text);
    }
    iterate();
  }

  /** Sends a last event and ends the response normally (a stream refused by the caps). */
  void finish(String type, String data) {
    synchronized (this) {
      queue.addLast("event: " + type + "\ndata: " + data + "\n\n");
      ending = true;
    }
    iterate();
  }

  @Override
  public boolean offer(NodeFeed.Event event) {
    synchronized (this) {
      if (dropped) {
        return true;
      }
      if (queue.size() >= QUEUE) {
        return false;
      }
      queue.addLast(event.wire());
    }
    iterate();
    return true;
  }

  @Override
  public void heartbeat() {
    synchronized (this) {
      if (dropped || !queue.isEmpty()) {
        return; // a stream with something to write is not idle
      }
      queue.addLast(": keep-alive\n\n");
    }
    iterate();
  }

  @Override
  public void drop(String why) {
    synchronized (this) {
      if (dropped) {
        return;
      }
      dropped = true;
      queue.clear();
    }
    abort(new IOException("Event stream dropped: " + why));
  }

  @Override
  protected Action process() {
    StringBuilder batch = new StringBuilder();
    synchronized (this) {
      while (!queue.isEmpty() && batch.length() < BATCH) {
        batch.append(queue.pollFirst());
      }
    }
    if (batch.isEmpty()) {
      synchronized (this) {
        return ending ? Action.SUCCEEDED : Action.IDLE;
      }
    }
    write(batch);
    return Action.SCHEDULED;
  }
}
