package org.amtpxe.conductor.internal.bench;

import java.util.Arrays;

/** Latency percentiles of a benchmark phase. */
final class Stats {
  private Stats() {}

  static String of(String name, long[] nanos, long wallNanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double wallS = wallNanos / 1e9;
    return String.format(
        "%-28s n=%5d  %8.1f req/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %7.2f ms",
        name,
        sorted.length,
        sorted.length / wallS,
        pct(sorted, 50),
        pct(sorted, 95),
        pct(sorted, 99),
        sorted[sorted.length - 1] / 1e6);
  }

  private static double pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
