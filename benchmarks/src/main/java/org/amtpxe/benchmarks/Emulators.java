package org.amtpxe.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.amtpxe.virtualamt.NodeCounters;

/** Many virtual AMTs for a measurement, in this JVM or in their own process. */
interface Emulators extends AutoCloseable {

  /**
   * Where one virtual AMT listens.
   *
   * @param name the node name
   * @param address its IP address
   * @param port its HTTP port
   */
  record Target(String name, String address, int port) {}

  /** The virtual AMTs, in address order. */
  List<Target> targets();

  /** Sets the latencyMs switch of every virtual AMT. */
  void latency(Duration latency) throws Exception;

  /** Zeroes every virtual AMT's counters. */
  void resetCounters() throws Exception;

  /** Every virtual AMT's counters, added up. */
  NodeCounters counters() throws Exception;

  /** CPU time the emulator used so far, when it runs in its own process. */
  Optional<Duration> cpu() throws Exception;

  /** Resident memory of the emulator's process (VmRSS), when it runs in its own process. */
  Optional<Long> residentBytes() throws Exception;

  @Override
  void close();
}
