package org.amtpxe.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtInspect;
import org.amtpxe.amt.internal.AmtManagement;
import org.amtpxe.amt.internal.AmtPower;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.wsman.WakeLog;
import org.amtpxe.amt.internal.wsman.WakeProbe;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.enroll.EnrollService;
import org.amtpxe.conductor.internal.enroll.EnrollService.Outcome;
import org.amtpxe.conductor.internal.enroll.EnrollService.Report;
import org.amtpxe.conductor.internal.enroll.EnrollService.Target;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.pxe.internal.driver.PxeAmtComposition;
import org.amtpxe.virtualamt.NodeCounters;
import org.amtpxe.virtualamt.NodeSpec;

/**
 * Times bulk enrollment: the conductor's real {@link EnrollService} (on an H2 file database) with
 * the real {@code pxe_amt} composition (AMT Power, Management and Inspect) probes every virtual AMT
 * of an emulator, plus a few addresses where nothing listens, and enrolls what answers, inspected.
 * Reports wall time, outcomes, HTTP requests per node from the emulator's counters, and checks that
 * every enrolled node has its properties, its name and one port. Usage: {@code --help}; figures and
 * commands in BENCHMARKS.md.
 */
public final class BulkEnrollOverVirtualAmts {
  static final String PASSWORD = "Enroll-P@ss1";

  record Options(
      int nodes,
      int unreachable,
      List<Integer> latenciesMs,
      List<Integer> parallelisms,
      String baseAddress,
      int port,
      Path workDir,
      boolean externalEmulator,
      String emulatorHeap) {

    static Options parse(String... args) {
      BenchArgs a =
          BenchArgs.parse(
              args, Set.of("--nodes", "--unreachable", "--latency-ms", "--parallelism"), usage());
      BenchArgs.Emulation e =
          a.emulation("127.0.3.1", NodeSpec.AMT_HTTP_PORT, Path.of("target", "bulk-enroll"));
      return new Options(
          a.integer("--nodes", 1000, 1, EnrollService.MAX_ADDRESSES),
          a.integer("--unreachable", 8, 0, 254),
          a.integers("--latency-ms", List.of(20), 0, 60000),
          a.integers("--parallelism", List.of(32, 64), 1, EnrollService.MAX_PARALLELISM),
          e.baseAddress(),
          e.port(),
          e.workDir(),
          e.external(),
          e.heap());
    }

    static String usage() {
      return """
          Usage: BulkEnrollOverVirtualAmts [options]
            --nodes N                 virtual AMTs to enroll (default 1000, at most 4096)
            --unreachable K           addresses after the last AMT where nothing listens (default 8)
            --latency-ms MS[,MS...]   the emulator's latencyMs switch (default 20)
            --parallelism P[,P...]    probes in flight (default 32,64)
            --base-address A          first virtual AMT address (default 127.0.3.1)
            --port P                  the virtual AMTs' HTTP port (default 16992)
            --work-dir D              where the H2 databases go (default target/bulk-enroll)
            --emulator external|in-process
                                      virtual AMTs in their own JVM (default) or in this one
            --emulator-heap SIZE      -Xmx of each emulator JVM (default 768m)""";
    }
  }

  /** One enrollment as measured. */
  record Run(
      int nodes, int latencyMs, int parallelism, Report report, NodeCounters counters, int ok) {}

  private BulkEnrollOverVirtualAmts() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    long start = System.nanoTime();
    List<Run> runs = new ArrayList<>();
    try (Emulators emulators =
        options.externalEmulator()
            ? EmulatorShards.start(
                options.nodes(),
                options.baseAddress(),
                options.port(),
                PASSWORD,
                options.emulatorHeap())
            : InProcessEmulators.start(
                options.nodes(), options.baseAddress(), options.port(), PASSWORD)) {
      System.out.printf(
          "%d virtual AMTs from %s port %d started in %d ms%n",
          options.nodes(),
          options.baseAddress(),
          options.port(),
          (System.nanoTime() - start) / 1_000_000);
      for (int latency : options.latenciesMs()) {
        for (int parallelism : options.parallelisms()) {
          Path db = options.workDir().resolve("l" + latency + "-p" + parallelism);
          Run run = run(emulators, options, latency, parallelism, db);
          runs.add(run);
          System.out.println(line(run));
        }
      }
    }
    System.out.println();
    System.out.println(table(runs));
    System.exit(runs.stream().allMatch(r -> r.ok() == r.nodes()) ? 0 : 1);
  }

  static Run run(Emulators emulators, Options options, int latencyMs, int parallelism, Path dbDir)
      throws Exception {
    List<Emulators.Target> amts = emulators.targets();
    emulators.latency(Duration.ofMillis(latencyMs));
    deleteRecursively(dbDir);
    Files.createDirectories(dbDir);
    AmtGateway gateway =
        new AmtGateway(
            AmtSettings.defaults(), WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);
    BareMetalDriver driver =
        PxeAmtComposition.pxeAmt(
            new AmtPower(gateway, Map.of()),
            new AmtManagement(gateway, Map.of()),
            new AmtInspect(gateway));
    Database database = BenchConductors.h2(dbDir.resolve("conductor"), 32);
    try {
      Conductor conductor =
          BenchConductors.conductor(database, "bench-conductor", driver).conductor();
      List<Target> targets = new ArrayList<>();
      amts.forEach(a -> targets.add(new Target(a.address(), Map.of("amt_port", a.port()))));
      String after = amts.get(amts.size() - 1).address();
      int closedPort = options.port() == 0 ? NodeSpec.AMT_HTTP_PORT : options.port();
      for (int i = 0; i < options.unreachable(); i++) {
        after = EmulatorShards.next(after);
        targets.add(new Target(after, Map.of("amt_port", closedPort)));
      }
      Map<String, Object> driverInfo = new LinkedHashMap<>();
      driverInfo.put("amt_username", "admin");
      driverInfo.put("amt_password", PASSWORD);
      driverInfo.put("amt_protocol", "http");
      emulators.resetCounters();
      int[] shown = {0};
      long began = System.nanoTime();
      Report report =
          conductor
              .enroll()
              .enroll(
                  new EnrollService.Request(driver.name(), driverInfo, targets, parallelism, null),
                  (done, total, counts) -> {
                    if (done == 1 || done * 10 / total > shown[0]) {
                      shown[0] = done * 10 / total;
                      System.out.printf(
                          "  %6d ms probed %d/%d: %s%n",
                          (System.nanoTime() - began) / 1_000_000, done, total, counts);
                    }
                  });
      NodeCounters counters = emulators.counters();
      int ok = 0;
      for (Node n : conductor.nodes().nodes(NodeQuery.all())) {
        boolean inspected =
            n.name() != null
                && n.properties().get("memory_mb") != null
                && n.properties().get("cpus") != null
                && conductor.nodes().portsOf(n).size() == 1;
        ok += inspected ? 1 : 0;
      }
      return new Run(amts.size(), latencyMs, parallelism, report, counters, ok);
    } finally {
      gateway.close();
      database.close();
    }
  }

  private static String line(Run r) {
    Map<Outcome, Integer> counts = r.report().counts();
    return String.format(
        Locale.ROOT,
        "nodes %d latency %d ms parallelism %d: %.2f s; %s; per node %.1f HTTP requests, %.2f 401s,"
            + " %.2f connections; %d enrolled nodes have name, properties and one port",
        r.nodes(),
        r.latencyMs(),
        r.parallelism(),
        r.report().millis() / 1000.0,
        counts,
        (double) r.counters().httpRequests() / r.nodes(),
        (double) r.counters().unauthorized() / r.nodes(),
        (double) r.counters().connections() / r.nodes(),
        r.ok());
  }

  static String table(List<Run> runs) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| AMTs + unreachable | latency | parallelism | wall time | enrolled | unreachable |"
            + " requests/node | 401s/node | connections/node | inspected and named |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      Map<Outcome, Integer> counts = r.report().counts();
      out.append(
          String.format(
              Locale.ROOT,
              "| %d + %d | %d ms | %d | %.1f s | %d | %d | %.1f | %.2f | %.2f | %d |%n",
              r.nodes(),
              r.report().results().size() - r.nodes(),
              r.latencyMs(),
              r.parallelism(),
              r.report().millis() / 1000.0,
              counts.get(Outcome.ENROLLED),
              counts.get(Outcome.UNREACHABLE),
              (double) r.counters().httpRequests() / r.nodes(),
              (double) r.counters().unauthorized() / r.nodes(),
              (double) r.counters().connections() / r.nodes(),
              r.ok()));
    }
    return out.toString();
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
