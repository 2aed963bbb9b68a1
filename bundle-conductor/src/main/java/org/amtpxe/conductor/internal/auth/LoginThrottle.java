package org.amtpxe.conductor.internal.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing: after {@code maxFailures} failed logins from one address within the
 * window, that address may not try again until the window has passed since its last failure. A
 * success forgets the address's failures. Memory is bounded (least recently used addresses are
 * forgotten first).
 */
public final class LoginThrottle {
  static final int MAX_ADDRESSES = 10_000;

  private record Failures(int count, long lastNanos) {}

  private final int maxFailures;
  private final long windowNanos;
  private final LongSupplier nanos;
  private final Map<String, Failures> failures =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  public LoginThrottle(int maxFailures, Duration window) {
    this(maxFailures, window, System::nanoTime);
  }

  LoginThrottle(int maxFailures, Duration window, LongSupplier nanos) {
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.nanos = nanos;
  }

  /**
   * Whether the address may try a login now.
   *
   * @return 0 when it may, otherwise the seconds it has to wait
   */
  public synchronized long waitSeconds(String address) {
    Failures f = failures.get(address);
    if (f == null) {
      return 0;
    }
    long since = nanos.getAsLong() - f.lastNanos();
    if (since >= windowNanos) {
      failures.remove(address);
      return 0;
    }
    return f.count() < maxFailures
        ? 0
        : Math.max(1, (windowNanos - since + 999_999_999) / 1_000_000_000);
  }

  /** Records the outcome of a login from the address. */
  public synchronized void record(String address, boolean success) {
    if (success) {
      failures.remove(address);
      return;
    }
    long now = nanos.getAsLong();
    Failures f = failures.get(address);
    int count = f == null || now - f.lastNanos() >= windowNanos ? 1 : f.count() + 1;
    failures.put(address, new Failures(count, now));
  }
}
