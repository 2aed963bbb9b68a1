package org.amtpxe.virtualamt.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds: tests wait for timed transitions without fixed sleeps. */
public final class Await {
  private Await() {}

  /** Waits up to 3 seconds for the condition. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, Duration.ofSeconds(3), condition);
  }

  /** Waits up to {@code timeout} for the condition; fails naming {@code what}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout + " waiting until " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted waiting until " + what, e);
      }
    }
  }
}
