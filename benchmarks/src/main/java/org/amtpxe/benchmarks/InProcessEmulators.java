package org.amtpxe.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.amtpxe.virtualamt.NodeCounters;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.VirtualAmt;
import org.amtpxe.virtualamt.VirtualAmtNode;

/** The virtual AMTs in this JVM (the smoke test): cheap, but they share its CPU and heap. */
final class InProcessEmulators implements Emulators {
  private final VirtualAmt emulator;

  private InProcessEmulators(VirtualAmt emulator) {
    this.emulator = emulator;
  }

  /** {@code count} virtual AMTs on consecutive addresses from {@code base}; port 0: any free. */
  static InProcessEmulators start(int count, String base, int port, String password)
      throws IOException {
    return new InProcessEmulators(
        VirtualAmt.builder()
            .series(
                count, "amt-", base, NodeSpec.builder("t").port(port).password(password).build())
            .workerThreads(64)
            .start());
  }

  @Override
  public List<Target> targets() {
    return emulator.nodes().stream()
        .map(n -> new Target(n.name(), n.spec().address(), n.port()))
        .toList();
  }

  @Override
  public void latency(Duration latency) {
    for (VirtualAmtNode n : emulator.nodes()) {
      n.setSwitches(n.switches().toBuilder().latency(latency).build());
    }
  }

  @Override
  public void resetCounters() {
    emulator.nodes().forEach(VirtualAmtNode::resetCounters);
  }

  @Override
  public NodeCounters counters() {
    return emulator.nodes().stream()
        .map(VirtualAmtNode::counters)
        .reduce(NodeCounters.ZERO, NodeCounters::plus);
  }

  @Override
  public Optional<Duration> cpu() {
    return Optional.empty();
  }

  @Override
  public Optional<Long> residentBytes() {
    return Optional.empty();
  }

  @Override
  public void close() {
    emulator.close();
  }
}
