package org.amtpxe.virtualamt.internal.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.amtpxe.virtualamt.NodeCounters;
import org.amtpxe.virtualamt.RequestRecord;

/** The counters and request log of one node. */
public final class NodeStats {
  static final int LOG_CAPACITY = 2000;

  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong httpRequests = new AtomicLong();
  private final AtomicLong unauthorized = new AtomicLong();
  private final AtomicLong wsmanRequests = new AtomicLong();
  private final AtomicLong faults = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Deque<RequestRecord> log = new ArrayDeque<>();
  private volatile long wakeUpsAtReset;

  public void connection() {
    connections.incrementAndGet();
  }

  public void httpRequest() {
    httpRequests.incrementAndGet();
  }

  public void unauthorized() {
    unauthorized.incrementAndGet();
  }

  public void wsmanRequest() {
    wsmanRequests.incrementAndGet();
  }

  public void fault() {
    faults.incrementAndGet();
  }

  public void dropped() {
    dropped.incrementAndGet();
  }

  /** Adds a request to the log, dropping the oldest beyond the capacity. */
  public synchronized void log(RequestRecord record) {
    log.addLast(record);
    while (log.size() > LOG_CAPACITY) {
      log.removeFirst();
    }
  }

  public synchronized List<RequestRecord> requestLog() {
    return List.copyOf(new ArrayList<>(log));
  }

  /** The counters, with the engine's wake-ups since the last reset. */
  public NodeCounters counters(long wakeUps) {
    return new NodeCounters(
        connections.get(),
        httpRequests.get(),
        unauthorized.get(),
        wsmanRequests.get(),
        faults.get(),
        dropped.get(),
        wakeUps - wakeUpsAtReset);
  }

  /** Zeroes the counters and empties the log. */
  public synchronized void reset(long wakeUpsNow) {
    wakeUpsAtReset = wakeUpsNow;
    connections.set(0);
    httpRequests.set(0);
    unauthorized.set(0);
    wsmanRequests.set(0);
    faults.set(0);
    dropped.set(0);
    log.clear();
  }
}
