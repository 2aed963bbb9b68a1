package org.amtpxe.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtManagement;
import org.amtpxe.amt.internal.AmtPower;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.wsman.WakeLog;
import org.amtpxe.amt.internal.wsman.WakeProbe;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.sync.PowerSync;
import org.amtpxe.pxe.internal.driver.PxeAmtComposition;
import org.amtpxe.virtualamt.NodeCounters;
import org.amtpxe.virtualamt.NodeSpec;

/**
 * Times the conductor's power sync (the real {@link PowerSync} and the conductor's services on an
 * H2 file database) over nodes whose driver is the real {@code pxe_amt} composition (AMT Power and
 * Management behind {@code PxeAmtDriver}), each node with its own virtual AMT on its own loopback
 * address. The virtual AMTs run in their own JVM by default, so that this JVM's CPU and memory are
 * the conductor's and the driver's. Reports per pass: time, HTTP requests, 401s and TCP connections
 * per node (the emulator's counters), CPU of the sync threads, of this process and of the emulator,
 * and the driver's heap. Usage: {@code --help}; figures and commands in BENCHMARKS.md.
 */
public final class PowerSyncOverVirtualAmts {
  static final String PASSWORD = "Sync-P@ss1";
  static final String CONDUCTOR_HOST = "bench-conductor";
  static final String SYNC_THREAD_PREFIX = "amtpxe-power-sync-";

  /** What to measure. */
  record Options(
      List<Integer> nodes,
      List<Integer> latenciesMs,
      List<Integer> parallelisms,
      int passes,
      String baseAddress,
      int port,
      Path workDir,
      boolean externalEmulator,
      String emulatorHeap) {

    static Options parse(String... args) {
      BenchArgs a =
          BenchArgs.parse(
              args, Set.of("--nodes", "--latency-ms", "--parallelism", "--passes"), usage());
      BenchArgs.Emulation e =
          a.emulation("127.0.1.1", NodeSpec.AMT_HTTP_PORT, Path.of("target", "power-sync"));
      return new Options(
          a.integers("--nodes", List.of(1000), 1, 10000),
          a.integers("--latency-ms", List.of(0, 20, 100), 0, 60000),
          a.integers("--parallelism", List.of(8, 32, 64), 1, 1024),
          a.integer("--passes", 3, 1, 100),
          e.baseAddress(),
          e.port(),
          e.workDir(),
          e.external(),
          e.heap());
    }

    static String usage() {
      return """
          Usage: PowerSyncOverVirtualAmts [options]
            --nodes N[,N...]          node counts to sync (default 1000, at most 10000); one
                                      virtual AMT each, at most 2500 per emulator JVM
            --latency-ms MS[,MS...]   the emulator's latencyMs switch (default 0,20,100)
            --parallelism P[,P...]    the conductor's sync_parallelism (default 8,32,64)
            --passes K                sync passes per combination; the first is cold (default 3)
            --base-address A          first virtual AMT address, the others follow (default 127.0.1.1)
            --port P                  the virtual AMTs' HTTP port (default 16992)
            --work-dir D              where the H2 databases go (default target/power-sync)
            --emulator external|in-process
                                      virtual AMTs in their own JVM (default) or in this one
            --emulator-heap SIZE      -Xmx of each emulator JVM (default 768m)""";
    }
  }

  /**
   * One sync pass as measured.
   *
   * @param nodes the nodes enrolled
   * @param latencyMs the emulator's added latency per reply
   * @param parallelism the sync's parallelism
   * @param pass 1 for the first (cold) pass
   * @param result what the sync reported
   * @param counters the emulator's counters summed over the nodes, for this pass only
   * @param syncCpu CPU time of the sync's threads (the driver's work and the conductor's)
   * @param processCpu CPU time of this process (with an in-process emulator, its CPU too)
   * @param emulatorCpu CPU time of the emulator's process, null when it runs in this one
   */
  record Pass(
      int nodes,
      int latencyMs,
      int parallelism,
      int pass,
      PowerSync.Result result,
      NodeCounters counters,
      Duration syncCpu,
      Duration processCpu,
      Duration emulatorCpu) {

    double perNode(long value) {
      return (double) value / nodes;
    }
  }

  /**
   * One combination: its passes and the driver's memory.
   *
   * @param passes the passes, first one cold
   * @param driverHeapBytes heap the driver's per-AMT state held after the passes (released when the
   *     driver stopped)
   * @param syncThreads threads the sync had started
   * @param residentBytes this process's resident memory after the passes
   */
  record Run(List<Pass> passes, long driverHeapBytes, int syncThreads, long residentBytes) {}

  private PowerSyncOverVirtualAmts() {}

  /** Runs every combination of the options; prints each pass and a summary table. */
  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    int maxNodes = options.nodes().stream().max(Integer::compare).orElseThrow();
    long start = System.nanoTime();
    List<Run> runs = new ArrayList<>();
    try (Emulators emulators =
        options.externalEmulator()
            ? EmulatorShards.start(
                maxNodes, options.baseAddress(), options.port(), PASSWORD, options.emulatorHeap())
            : InProcessEmulators.start(maxNodes, options.baseAddress(), options.port(), PASSWORD)) {
      System.out.printf(
          "%d virtual AMTs (%s) from %s port %d started in %d ms%n",
          maxNodes,
          options.externalEmulator() ? "own JVM, -Xmx" + options.emulatorHeap() : "this JVM",
          options.baseAddress(),
          options.port(),
          (System.nanoTime() - start) / 1_000_000);
      for (int nodes : options.nodes()) {
        for (int latency : options.latenciesMs()) {
          for (int parallelism : options.parallelisms()) {
            Path db = options.workDir().resolve("n" + nodes + "-l" + latency + "-p" + parallelism);
            runs.add(run(emulators, nodes, latency, parallelism, options.passes(), db));
          }
        }
      }
      System.out.println();
      System.out.println(table(runs));
      System.out.println(memory(emulators));
    }
    System.exit(0);
  }

  /**
   * Enrolls the first {@code nodes} virtual AMTs as pxe_amt nodes of a new conductor and runs
   * {@code passes} sync passes with a new AMT driver.
   */
  static Run run(
      Emulators emulators, int nodes, int latencyMs, int parallelism, int passes, Path dbDir)
      throws Exception {
    List<Emulators.Target> amts = emulators.targets().subList(0, nodes);
    emulators.latency(Duration.ofMillis(latencyMs));
    deleteRecursively(dbDir);
    Files.createDirectories(dbDir);
    // The AMT bundle's components with the shipped defaults, as DS builds them.
    AmtGateway gateway =
        new AmtGateway(
            AmtSettings.defaults(), WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);
    BareMetalDriver driver =
        PxeAmtComposition.pxeAmt(
            new AmtPower(gateway, Map.of()), new AmtManagement(gateway, Map.of()));
    // The conductor as ConductorRuntime builds it (pool: worker_threads 16 + 16).
    Database database = BenchConductors.h2(dbDir.resolve("conductor"), 32);
    List<Pass> measured = new ArrayList<>();
    int threads;
    long driverHeap;
    long resident;
    boolean driverStopped = false;
    try {
      BenchConductors.Wired wired = BenchConductors.conductor(database, CONDUCTOR_HOST, driver);
      DriverRegistry registry = wired.registry();
      Conductor conductor = wired.conductor();
      enrollManageable(conductor, driver.name(), PASSWORD, amts);
      try (PowerSync sync =
          new PowerSync(conductor.tasks(), registry, parallelism, Duration.ofSeconds(30))) {
        for (int p = 1; p <= passes; p++) {
          emulators.resetCounters();
          Duration cpu = syncCpu();
          Duration process = processCpu();
          Duration emulatorCpu = emulators.cpu().orElse(null);
          PowerSync.Result result = sync.runOnce();
          Pass pass =
              new Pass(
                  nodes,
                  latencyMs,
                  parallelism,
                  p,
                  result,
                  emulators.counters(),
                  syncCpu().minus(cpu),
                  processCpu().minus(process),
                  emulatorCpu == null ? null : emulators.cpu().orElseThrow().minus(emulatorCpu));
          measured.add(pass);
          System.out.println(line(pass));
        }
        threads = syncThreadCount();
      }
      long withDriverState = heapAfterGc();
      resident = ProcessMemory.rss(Path.of("/proc/self/status")).orElse(0L);
      gateway.close();
      driverStopped = true;
      driverHeap = withDriverState - heapAfterGc();
    } finally {
      if (!driverStopped) {
        gateway.close();
      }
      database.close();
    }
    return new Run(measured, driverHeap, threads, resident);
  }

  /**
   * Creates the nodes through the conductor service (offline checks, the store) and makes them
   * manageable in the store, as after a conductor restart: the driver has not talked to any AMT
   * yet, so the first pass pays the Digest challenge. Shared by the benchmarks over virtual AMTs.
   *
   * @return the nodes as created (in {@code enroll})
   */
  static List<Node> enrollManageable(
      Conductor conductor, String driver, String password, List<Emulators.Target> amts)
      throws Exception {
    List<Node> nodes = new ArrayList<>();
    for (Emulators.Target amt : amts) {
      Node created =
          conductor
              .nodes()
              .createNode(
                  Node.builder(UUID.randomUUID().toString(), driver)
                      .name(amt.name())
                      .driverInfo(
                          Map.of(
                              "amt_address",
                              amt.address(),
                              "amt_port",
                              amt.port(),
                              "amt_username",
                              "admin",
                              "amt_password",
                              password))
                      .build());
      conductor
          .tasks()
          .recover(
              created.uuid(), n -> n.toBuilder().provisionState(ProvisionState.MANAGEABLE).build());
      nodes.add(created);
    }
    return nodes;
  }

  /** CPU time of the power sync's threads (and this one, which lists the nodes). */
  private static Duration syncCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long nanos = threads.getCurrentThreadCpuTime();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(SYNC_THREAD_PREFIX)) {
        nanos += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return Duration.ofNanos(nanos);
  }

  private static int syncThreadCount() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int count = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(SYNC_THREAD_PREFIX)) {
        count++;
      }
    }
    return count;
  }

  private static Duration processCpu() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Duration.ofNanos(os.getProcessCpuTime());
    }
    return Duration.ZERO;
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String line(Pass p) {
    NodeCounters c = p.counters();
    return String.format(
        Locale.ROOT,
        "nodes %d latency %d ms parallelism %d pass %d: %d read, %d failed, %d changed in %d ms;"
            + " per node %.2f HTTP requests, %.2f 401s, %.2f connections, %.2f ms sync CPU;"
            + " CPU of this process %d ms%s",
        p.nodes(),
        p.latencyMs(),
        p.parallelism(),
        p.pass(),
        p.result().checked(),
        p.result().failed(),
        p.result().changed(),
        p.result().took().toMillis(),
        p.perNode(c.httpRequests()),
        p.perNode(c.unauthorized()),
        p.perNode(c.connections()),
        p.perNode(p.syncCpu().toNanos()) / 1e6,
        p.processCpu().toMillis(),
        p.emulatorCpu() == null ? "" : ", of the emulator " + p.emulatorCpu().toMillis() + " ms");
  }

  /** A Markdown table: one row per combination, the first pass and the mean of the others. */
  static String table(List<Run> runs) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| nodes | latency | parallelism | pass 1 (cold) | later passes | requests/node pass 1"
            + " / later | failed | sync CPU/node pass 1 / later | process CPU/node later |"
            + " emulator CPU/node later | driver heap/node | RSS | sync threads |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Run run : runs) {
      Pass first = run.passes().get(0);
      List<Pass> later = run.passes().subList(1, run.passes().size());
      int failed = run.passes().stream().mapToInt(p -> p.result().failed()).sum();
      out.append(
          String.format(
              Locale.ROOT,
              "| %d | %d ms | %d | %.2f s | %s | %.2f / %s | %d | %.2f ms / %s | %s | %s | %.1f KB"
                  + " | %d MB | %d |%n",
              first.nodes(),
              first.latencyMs(),
              first.parallelism(),
              first.result().took().toMillis() / 1000.0,
              later.isEmpty()
                  ? "-"
                  : String.format(
                      Locale.ROOT,
                      "%.2f s",
                      later.stream()
                              .mapToLong(p -> p.result().took().toMillis())
                              .average()
                              .orElse(0)
                          / 1000.0),
              first.perNode(first.counters().httpRequests()),
              later.isEmpty()
                  ? "-"
                  : String.format(
                      Locale.ROOT,
                      "%.2f",
                      later.stream()
                          .mapToDouble(p -> p.perNode(p.counters().httpRequests()))
                          .average()
                          .orElse(0)),
              failed,
              first.perNode(first.syncCpu().toNanos()) / 1e6,
              perNodeMillis(later, Pass::syncCpu),
              perNodeMillis(later, Pass::processCpu),
              perNodeMillis(later, Pass::emulatorCpu),
              run.driverHeapBytes() / 1024.0 / first.nodes(),
              run.residentBytes() >> 20,
              run.syncThreads()));
    }
    return out.toString();
  }

  private static String perNodeMillis(List<Pass> passes, Function<Pass, Duration> what) {
    if (passes.isEmpty() || what.apply(passes.get(0)) == null) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%.2f ms",
        passes.stream()
            .mapToDouble(p -> p.perNode(what.apply(p).toNanos()) / 1e6)
            .average()
            .orElse(0));
  }

  /** Peak and current memory of this process and of the emulator's, and this heap's limit. */
  static String memory(Emulators emulators) throws Exception {
    Path self = Path.of("/proc/self/status");
    return String.format(
        Locale.ROOT,
        "this process (conductor + driver%s): peak RSS %d MB, RSS %d MB, heap max %d MB,"
            + " threads %d; emulator RSS %s",
        emulators instanceof InProcessEmulators ? " + emulator" : "",
        ProcessMemory.peak(self).orElse(0L) >> 20,
        ProcessMemory.rss(self).orElse(0L) >> 20,
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getThreadMXBean().getThreadCount(),
        emulators.residentBytes().map(b -> (b >> 20) + " MB").orElse("(in this process)"));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
