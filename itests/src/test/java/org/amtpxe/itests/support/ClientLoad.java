package org.amtpxe.itests.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client of the REST API that keeps several nodes busy, one thread per node, each cycling through
 * a boot device change (pxe and disk in turn), a power on and a power off, and records every
 * operation: when it ran, whether it succeeded, and which AMT driver version served the boot device
 * change ({@code driver_internal_info.amt_driver_version}).
 */
public final class ClientLoad implements AutoCloseable {

  /**
   * One operation as the client saw it.
   *
   * @param node the node
   * @param what {@code boot device pxe}, {@code power on}, ...
   * @param start when the request was sent ({@link System#nanoTime()})
   * @param end when the operation was seen finished
   * @param ok whether it succeeded
   * @param detail why it failed, or empty
   * @param version the AMT driver version that recorded a boot device, or null
   */
  public record Op(
      String node, String what, long start, long end, boolean ok, String detail, String version) {}

  private static final Duration POWER_TIMEOUT = Duration.ofSeconds(60);

  private final Conductor conductor;
  private final List<String> nodes;
  private final ExecutorService threads;
  private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> cycles = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  private ClientLoad(Conductor conductor, List<String> nodes) {
    this.conductor = conductor;
    this.nodes = List.copyOf(nodes);
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            nodes.size(), r -> new Thread(r, "itest-client-" + n.incrementAndGet()));
  }

  /** Starts one client thread per node. */
  public static ClientLoad start(Conductor conductor, List<String> nodes) {
    ClientLoad load = new ClientLoad(conductor, nodes);
    for (String node : nodes) {
      load.cycles.put(node, new AtomicInteger());
      load.threads.execute(() -> load.run(node));
    }
    return load;
  }

  private void run(String node) {
    boolean pxe = true;
    while (!stopping) {
      bootDevice(node, pxe ? "pxe" : "disk");
      power(node, "power on");
      power(node, "power off");
      cycles.get(node).incrementAndGet();
      pxe = !pxe;
    }
  }

  private void bootDevice(String node, String device) {
    long start = System.nanoTime();
    String what = "boot device " + device;
    try {
      Http.Reply reply = conductor.bootDevice(node, device, false);
      if (reply.status() != 204) {
        record(node, what, start, false, reply.toString(), null);
        return;
      }
      Map<String, Object> info = Json.map(conductor.node(node), "driver_internal_info");
      boolean recorded = device.equals(info.get("amt_boot_device"));
      record(
          node,
          what,
          start,
          recorded,
          recorded ? "" : "driver_internal_info is " + info,
          (String) info.get("amt_driver_version"));
    } catch (RuntimeException e) {
      record(node, what, start, false, e.toString(), null);
    }
  }

  private void power(String node, String target) {
    long start = System.nanoTime();
    try {
      Http.Reply reply = conductor.power(node, target);
      if (reply.status() != 202) {
        record(node, target, start, false, reply.toString(), null);
        return;
      }
      Map<String, Object> done = conductor.awaitPowerDone(node, POWER_TIMEOUT);
      boolean ok = target.equals(done.get("power_state")) && done.get("last_error") == null;
      record(
          node,
          target,
          start,
          ok,
          ok ? "" : "power_state " + done.get("power_state") + ", " + done.get("last_error"),
          null);
    } catch (RuntimeException | AssertionError e) {
      record(node, target, start, false, e.toString(), null);
    }
  }

  private void record(
      String node, String what, long start, boolean ok, String detail, String version) {
    ops.add(new Op(node, what, start, System.nanoTime(), ok, detail, version));
  }

  /** Waits until every node has completed {@code more} further cycles. */
  public void awaitCycles(int more, Duration timeout) {
    Map<String, Integer> target = new ConcurrentHashMap<>();
    cycles.forEach((node, count) -> target.put(node, count.get() + more));
    Poll.until(
        more + " more client cycles on " + nodes,
        timeout,
        () ->
            cycles.entrySet().stream().allMatch(e -> e.getValue().get() >= target.get(e.getKey())));
  }

  /** Every operation so far, in the order they finished. */
  public List<Op> ops() {
    return new ArrayList<>(ops);
  }

  /** Stops the clients after their current cycle. */
  @Override
  public void close() {
    stopping = true;
    threads.shutdown();
    try {
      if (!threads.awaitTermination(2, TimeUnit.MINUTES)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
