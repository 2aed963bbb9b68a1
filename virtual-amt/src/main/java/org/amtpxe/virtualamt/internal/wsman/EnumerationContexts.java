package org.amtpxe.virtualamt.internal.wsman;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The open enumerations of one virtual AMT. Like firmware it keeps only a few: the oldest is
 * dropped when too many are open, and an idle one expires.
 */
public final class EnumerationContexts {

  /** What Pull returns per item (wsman:EnumerationMode). */
  public enum Mode {
    OBJECT,
    EPR,
    OBJECT_AND_EPR
  }

  /**
   * An open enumeration.
   *
   * @param id the EnumerationContext value
   * @param resourceUri the class enumerated
   * @param mode what each item holds
   * @param position how many items were already returned
   */
  public record Context(String id, String resourceUri, Mode mode, int position) {}

  private static final int MAX_OPEN = 16;
  private static final long IDLE_EXPIRY_NANOS = 60_000_000_000L;

  private final Map<String, Context> open = new LinkedHashMap<>();
  private final Map<String, Long> lastUse = new LinkedHashMap<>();
  private final LongSupplier nanoTime;
  private long counter;

  /** Uses {@link System#nanoTime()}. */
  public EnumerationContexts() {
    this(System::nanoTime);
  }

  /** Uses the given clock, for tests. */
  public EnumerationContexts(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Opens an enumeration and returns its context. */
  public synchronized Context open(String resourceUri, Mode mode) {
    expire();
    if (open.size() >= MAX_OPEN) {
      String oldest = open.keySet().iterator().next();
      open.remove(oldest);
      lastUse.remove(oldest);
    }
    counter++;
    String id = String.format("%08X-0000-0000-0000-000000000000", counter & 0xFFFF_FFFFL);
    Context context = new Context(id, resourceUri, mode, 0);
    open.put(id, context);
    lastUse.put(id, nanoTime.getAsLong());
    return context;
  }

  /** The open enumeration with this id, if it has not expired. */
  public synchronized Optional<Context> get(String id) {
    expire();
    Context context = open.get(id);
    if (context != null) {
      lastUse.put(id, nanoTime.getAsLong());
    }
    return Optional.ofNullable(context);
  }

  /** Records that items up to {@code position} were returned. */
  public synchronized void advance(String id, int position) {
    Context context = open.get(id);
    if (context != null) {
      open.put(id, new Context(id, context.resourceUri(), context.mode(), position));
    }
  }

  /** Closes an enumeration; false when it was not open. */
  public synchronized boolean release(String id) {
    lastUse.remove(id);
    return open.remove(id) != null;
  }

  /** How many enumerations are open. */
  public synchronized int size() {
    expire();
    return open.size();
  }

  private void expire() {
    long now = nanoTime.getAsLong();
    Iterator<Map.Entry<String, Long>> it = lastUse.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      if (now - e.getValue() > IDLE_EXPIRY_NANOS) {
        open.remove(e.getKey());
        it.remove();
      }
    }
  }
}
