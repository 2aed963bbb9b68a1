package org.amtpxe.api.metrics;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a bundle records what it does, as counters, timers and gauges identified by a name and
 * tags. Registered as an OSGi service by the conductor's bundle; a bundle that records binds it
 * optionally and dynamically, and records nothing while it is absent.
 *
 * <p>Names are lowercase words separated by dots, starting with {@code amtpxe.} ({@code
 * amtpxe.amt.requests}); the Prometheus export writes them with underscores and adds the unit
 * ({@code amtpxe_amt_requests_seconds}). Tags are given as key, value pairs. Their values must come
 * from a small, fixed set (an operation, an outcome, a server), never from a node, an address or a
 * path: every distinct value is one more time series. The implementation caps the number of meters
 * and drops new ones beyond the cap.
 *
 * <p>Looking up a meter is cheap (a map lookup); callers may look it up for every event.
 */
@ProviderType
public interface Meters {

  /**
   * The counter with this name and these tags, created on first use.
   *
   * @param name the meter's name ({@code amtpxe.} and lowercase words separated by dots)
   * @param description what it counts, for the Prometheus HELP line and JMX
   * @param tags key, value pairs
   * @throws IllegalArgumentException for a name or tag key that does not follow the rules above, an
   *     odd number of tag strings, or a name already used by another kind of meter
   */
  Counter counter(String name, String description, String... tags);

  /**
   * The timer with this name and these tags, created on first use: a count, a sum and a histogram
   * of durations (buckets from 5 ms to 60 s, enough for a device's round trip or a file transfer).
   *
   * @param name the meter's name, as for {@link #counter}
   * @param description what it times
   * @param tags key, value pairs
   * @throws IllegalArgumentException as {@link #counter}
   */
  Timer timer(String name, String description, String... tags);

  /**
   * Registers a gauge: a value read whenever the meters are read. Registering the same name and
   * tags again replaces the first gauge's source.
   *
   * @param name the meter's name, as for {@link #counter}
   * @param description what it measures
   * @param value read on every scrape; must be fast and must not block
   * @param tags key, value pairs
   * @return closing it removes the gauge
   * @throws IllegalArgumentException as {@link #counter}
   */
  Registration gauge(String name, String description, DoubleSupplier value, String... tags);

  /** A count that only goes up. */
  @ProviderType
  interface Counter {
    /** Adds one. */
    void increment();

    /**
     * Adds an amount (bytes, for example).
     *
     * @param amount a non-negative amount; a negative one is ignored
     */
    void increment(double amount);
  }

  /** Durations of one kind of event. */
  @ProviderType
  interface Timer {
    /**
     * Records one event's duration.
     *
     * @param duration how long it took; a negative one is ignored
     */
    void record(Duration duration);

    /**
     * Records one event that began at {@code startNanos}, a {@link System#nanoTime()} reading.
     *
     * @param startNanos when it began
     */
    default void recordSince(long startNanos) {
      record(Duration.ofNanos(System.nanoTime() - startNanos));
    }
  }

  /** A registered gauge. */
  @ProviderType
  interface Registration extends AutoCloseable {
    /** Removes the gauge. Idempotent. */
    @Override
    void close();
  }
}
