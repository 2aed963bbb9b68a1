package org.amtpxe.virtualamt.internal.node;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.SplittableRandom;
import org.amtpxe.virtualamt.Switches;
import org.amtpxe.virtualamt.Switches.Fault;

/** Chooses the fault, if any, to inject into a request: queued injections first, then rates. */
public final class FaultPlan {
  private final Deque<Fault> injected = new ArrayDeque<>();
  private final SplittableRandom random;

  /**
   * Creates a plan.
   *
   * @param seed the seed of the random rates (the emulator derives it from the node name, so that
   *     runs repeat)
   */
  public FaultPlan(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Queues {@code count} injections of {@code fault}. */
  public synchronized void inject(Fault fault, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("Inject a fault into at least 1 request, not " + count);
    }
    for (int i = 0; i < count; i++) {
      injected.addLast(fault);
    }
  }

  /** Drops queued injections. */
  public synchronized void clear() {
    injected.clear();
  }

  /** Injections still queued. */
  public synchronized int pending() {
    return injected.size();
  }

  /** The fault for the next request, if any. */
  public synchronized Optional<Fault> next(Switches switches) {
    Fault queued = injected.pollFirst();
    if (queued != null) {
      return Optional.of(queued);
    }
    if (hit(switches.dropRate())) {
      return Optional.of(Fault.DROP);
    }
    if (hit(switches.http500Rate())) {
      return Optional.of(Fault.HTTP_500);
    }
    if (hit(switches.malformedRate())) {
      return Optional.of(Fault.MALFORMED_XML);
    }
    if (hit(switches.slowRate())) {
      return Optional.of(Fault.SLOW);
    }
    return Optional.empty();
  }

  private boolean hit(double rate) {
    return rate > 0 && random.nextDouble() < rate;
  }
}
