package org.amtpxe.conductor.internal.rest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rate limits of the deploy ramdisk's unauthenticated routes (lookup and callback): a token bucket
 * per client address and node, and one per client address. A flood from one address is slowed down
 * without touching the database, while the real ramdisk, calling from its own address, keeps its
 * own buckets. Memory is bounded: the least recently used buckets are forgotten first.
 */
final class RamdiskLimiter {
  /** Buckets kept at most; a forgotten bucket starts full again. */
  static final int MAX_BUCKETS = 10_000;

  private final Rate perNode;
  private final Rate perAddress;
  private final LongSupplier nanos;
  private final Map<String, Bucket> buckets =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
          return size() > MAX_BUCKETS;
        }
      };

  /**
   * A bucket's size and refill.
   *
   * @param burst requests allowed at once
   * @param perSecond requests added back every second
   */
  record Rate(int burst, double perSecond) {}

  /** The limits the API uses: a ramdisk polls its lookup every 2 s and calls back a few times. */
  static RamdiskLimiter standard() {
    return new RamdiskLimiter(new Rate(10, 1), new Rate(60, 10), System::nanoTime);
  }

  RamdiskLimiter(Rate perNode, Rate perAddress, LongSupplier nanos) {
    this.perNode = perNode;
    this.perAddress = perAddress;
    this.nanos = nanos;
  }

  /**
   * Takes one request from the client's buckets.
   *
   * @param clientAddress where the request comes from
   * @param node the node or lookup it names, as sent (bounded by the caller)
   * @return 0 when allowed, otherwise the seconds after which the client may retry
   */
  synchronized long acquire(String clientAddress, String node) {
    long now = nanos.getAsLong();
    Bucket address =
        buckets.computeIfAbsent("a " + clientAddress, k -> new Bucket(perAddress, now));
    Bucket pair =
        buckets.computeIfAbsent("n " + clientAddress + " " + node, k -> new Bucket(perNode, now));
    long wait = Math.max(address.waitSeconds(now), pair.waitSeconds(now));
    if (wait > 0) {
      return wait;
    }
    address.take();
    pair.take();
    return 0;
  }

  private static final class Bucket {
    private final Rate rate;
    private double tokens;
    private long updated;

    Bucket(Rate rate, long now) {
      this.rate = rate;
      this.tokens = rate.burst();
      this.updated = now;
    }

    /** Refills, then the seconds until one token is there (0 when there is one). */
    long waitSeconds(long now) {
      tokens = Math.min(rate.burst(), tokens + (now - updated) / 1e9 * rate.perSecond());
      updated = now;
      return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / rate.perSecond());
    }

    void take() {
      tokens -= 1;
    }
  }
}
