package org.amtpxe.virtualamt.internal.firmware;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * AMT's event log (AMT_MessageLog): a bounded ring of {@link PlatformEvent}s that drops the oldest
 * when full, read newest first as firmware reads it; docs/amt-wsman.md#event-log.
 */
public final class EventLog {
  /** How many records firmware keeps (its MaxNumberOfRecords). */
  public static final int CAPACITY = 390;

  private final int capacity;
  private final Deque<PlatformEvent> records = new ArrayDeque<>();

  /** A log of firmware's size. */
  public EventLog() {
    this(CAPACITY);
  }

  /** A log of another size (tests of the wrap). */
  public EventLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
  }

  /** The number of records the log can hold. */
  public int capacity() {
    return capacity;
  }

  /** Adds a record, dropping the oldest when the log is full (OverwritePolicy "wraps"). */
  public synchronized void add(PlatformEvent event) {
    records.addFirst(Objects.requireNonNull(event, "event"));
    while (records.size() > capacity) {
      records.removeLast();
    }
  }

  /** The number of records now. */
  public synchronized int size() {
    return records.size();
  }

  /**
   * Records from a position, newest first.
   *
   * @param first the 1-based position of the first record (1 is the newest)
   * @param max the most records to return
   */
  public synchronized List<PlatformEvent> read(int first, int max) {
    List<PlatformEvent> out = new ArrayList<>(Math.min(max, records.size()));
    Iterator<PlatformEvent> it = records.iterator();
    for (int position = 1; it.hasNext() && out.size() < max; position++) {
      PlatformEvent e = it.next();
      if (position >= first) {
        out.add(e);
      }
    }
    return out;
  }

  /** Every record, newest first. */
  public synchronized List<PlatformEvent> all() {
    return List.copyOf(records);
  }

  /** Empties the log. */
  public synchronized void clear() {
    records.clear();
  }
}
