package org.amtpxe.itests.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition by polling, instead of sleeping for a fixed time. */
public final class Poll {
  private Poll() {}

  /**
   * Reads {@code probe} until {@code done} accepts its value.
   *
   * @return the accepted value
   * @throws AssertionError naming {@code what} and the last value when the timeout passes
   */
  public static <T> T until(
      String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    RuntimeException failure = null;
    while (true) {
      try {
        last = probe.get();
        failure = null;
        if (done.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        failure = e;
      }
      if (System.nanoTime() - deadline > 0) {
        AssertionError error =
            new AssertionError(
                "Timed out after "
                    + timeout.toMillis()
                    + " ms waiting for "
                    + what
                    + "; last value: "
                    + last
                    + (failure == null ? "" : "; last error: " + failure));
        if (failure != null) {
          error.initCause(failure);
        }
        throw error;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  /** Waits until {@code condition} holds. */
  public static void until(String what, Duration timeout, Supplier<Boolean> condition) {
    until(what, timeout, condition, Boolean.TRUE::equals);
  }
}
