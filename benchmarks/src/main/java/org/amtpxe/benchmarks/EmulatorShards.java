package org.amtpxe.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amtpxe.virtualamt.NodeCounters;

/**
 * Virtual AMTs in several emulator JVMs, as one {@link Emulators}. The emulator gives each virtual
 * AMT its own listening socket and selector (an epoll descriptor and a wake-up pipe), and holds a
 * kept-alive connection per AMT the driver talks to: about five open files per AMT, against this
 * machine's hard limit of 20,000 per process. Shards of at most {@link #MAX_PER_PROCESS} stay well
 * below it (5,000 in one JVM answered "Connection reset" to about 100 nodes per pass).
 */
final class EmulatorShards implements Emulators {
  static final int MAX_PER_PROCESS = 2500;

  private final List<ExternalEmulators> shards;
  private final List<Target> targets;

  private EmulatorShards(List<ExternalEmulators> shards) {
    this.shards = List.copyOf(shards);
    List<Target> all = new ArrayList<>();
    shards.forEach(s -> all.addAll(s.targets()));
    this.targets = List.copyOf(all);
  }

  /**
   * Starts {@code count} virtual AMTs in as many JVMs as it takes, each from the address after the
   * previous shard's last.
   */
  static Emulators start(int count, String base, int port, String password, String heap)
      throws Exception {
    List<ExternalEmulators> shards = new ArrayList<>();
    try {
      String from = base;
      for (int left = count; left > 0; left -= MAX_PER_PROCESS) {
        ExternalEmulators shard =
            ExternalEmulators.start(
                Math.min(left, MAX_PER_PROCESS),
                from,
                port,
                password,
                heap,
                count <= MAX_PER_PROCESS ? "amt-" : "amt-" + (shards.size() + 1) + "-");
        shards.add(shard);
        from = next(shard.targets().get(shard.targets().size() - 1).address());
      }
    } catch (Exception | Error e) {
      shards.forEach(ExternalEmulators::close);
      throw e;
    }
    return shards.size() == 1 ? shards.get(0) : new EmulatorShards(shards);
  }

  /** The IPv4 address after this one, skipping .0 and .255 as the emulator does. */
  static String next(String address) {
    String[] p = address.split("\\.");
    long v = 0;
    for (String part : p) {
      v = (v << 8) | Integer.parseInt(part);
    }
    do {
      v++;
    } while ((v & 0xff) == 0 || (v & 0xff) == 255);
    return (v >> 24 & 0xff) + "." + (v >> 16 & 0xff) + "." + (v >> 8 & 0xff) + "." + (v & 0xff);
  }

  @Override
  public List<Target> targets() {
    return targets;
  }

  @Override
  public void latency(Duration latency) throws Exception {
    for (ExternalEmulators s : shards) {
      s.latency(latency);
    }
  }

  @Override
  public void resetCounters() throws Exception {
    for (ExternalEmulators s : shards) {
      s.resetCounters();
    }
  }

  @Override
  public NodeCounters counters() throws Exception {
    NodeCounters sum = NodeCounters.ZERO;
    for (ExternalEmulators s : shards) {
      sum = sum.plus(s.counters());
    }
    return sum;
  }

  @Override
  public Optional<Duration> cpu() throws Exception {
    Duration sum = Duration.ZERO;
    for (ExternalEmulators s : shards) {
      Optional<Duration> cpu = s.cpu();
      if (cpu.isEmpty()) {
        return Optional.empty();
      }
      sum = sum.plus(cpu.get());
    }
    return Optional.of(sum);
  }

  @Override
  public Optional<Long> residentBytes() throws Exception {
    long sum = 0;
    for (ExternalEmulators s : shards) {
      Optional<Long> rss = s.residentBytes();
      if (rss.isEmpty()) {
        return Optional.empty();
      }
      sum += rss.get();
    }
    return Optional.of(sum);
  }

  @Override
  public void close() {
    shards.forEach(ExternalEmulators::close);
  }
}
