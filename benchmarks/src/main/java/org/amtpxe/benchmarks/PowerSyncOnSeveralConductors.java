package org.amtpxe.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtManagement;
import org.amtpxe.amt.internal.AmtPower;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.wsman.WakeLog;
import org.amtpxe.amt.internal.wsman.WakeProbe;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.cluster.ConductorRegistry;
import org.amtpxe.conductor.internal.cluster.Takeover;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.SchemaMigrator;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.sync.PowerSync;
import org.amtpxe.conductor.internal.task.Workers;
import org.amtpxe.pxe.internal.driver.PxeAmtComposition;
import org.amtpxe.virtualamt.NodeSpec;

/**
 * The power sync of one fleet shared by 1, 2 and 3 conductors on one PostgreSQL: each conductor is
 * what ConductorRuntime builds (its own connection pool, store, task manager, registry with
 * heartbeats and takeover, power sync, and its own pxe_amt driver with its own AMT gateway), in
 * this JVM, without the REST API. Reports, for each N, every conductor's pass (nodes read, time,
 * CPU of the sync threads while that conductor's pass ran alone) and the N passes run at once; the
 * share of nodes that moved when a conductor joined; and the time from a conductor's last heartbeat
 * (it stops beating, as after kill -9) until the others' rings no longer give it a node and no lock
 * of it is left. Usage: {@code --help}; figures and commands in BENCHMARKS.md.
 */
public final class PowerSyncOnSeveralConductors {
  static final String PASSWORD = "Sync-P@ss1";
  static final String DATABASE = "amtpxe_bench_cluster";

  /** What to measure. */
  record Options(
      int nodes,
      int latencyMs,
      int parallelism,
      int conductors,
      String dbUrl,
      String dbUser,
      BenchArgs.Emulation emulation) {

    static Options parse(String... args) {
      BenchArgs a =
          BenchArgs.parse(
              args,
              Set.of(
                  "--nodes",
                  "--latency-ms",
                  "--parallelism",
                  "--conductors",
                  "--db-url",
                  "--db-user"),
              usage());
      String url = a.string("--db-url", System.getenv().getOrDefault("AMTPXE_PG_URL", ""));
      if (!url.startsWith("jdbc:postgresql://")) {
        throw new IllegalArgumentException(
            "A PostgreSQL server is needed: --db-url jdbc:postgresql://host:port/db or"
                + " AMTPXE_PG_URL (bundle-conductor/src/test/pg/start-postgres.sh starts one).\n"
                + usage());
      }
      return new Options(
          a.integer("--nodes", 3000, 1, 10000),
          a.integer("--latency-ms", 20, 0, 60000),
          a.integer("--parallelism", 8, 1, 1024),
          a.integer("--conductors", 3, 1, 9),
          url,
          a.string("--db-user", System.getenv().getOrDefault("AMTPXE_PG_USER", "amtpxe")),
          a.emulation("127.0.1.1", NodeSpec.AMT_HTTP_PORT, java.nio.file.Path.of("target")));
    }

    static String usage() {
      return """
          Usage: PowerSyncOnSeveralConductors [options]
            --nodes N             virtual AMTs and nodes (default 3000)
            --latency-ms MS       the emulator's latencyMs switch (default 20)
            --parallelism P       each conductor's sync_parallelism (default 8, as shipped)
            --conductors N        measure with 1..N conductors (default 3)
            --db-url URL          a PostgreSQL server (default AMTPXE_PG_URL); the benchmark
                                  creates and drops its own database amtpxe_bench_cluster there
            --db-user U           (default AMTPXE_PG_USER or amtpxe)
            --base-address A      first virtual AMT address (default 127.0.1.1)
            --port P              the virtual AMTs' HTTP port (default 16992)
            --emulator external|in-process   (default external: their own JVMs)
            --emulator-heap SIZE  -Xmx of each emulator JVM (default 768m)""";
    }
  }

  /** One conductor as ConductorRuntime builds it, without the REST API. */
  private record Member(
      String host,
      Database database,
      Conductor conductor,
      ConductorRegistry registry,
      Takeover takeover,
      PowerSync sync,
      AmtGateway gateway) {

    void close() {
      sync.close();
      gateway.close();
      database.close();
    }
  }

  private PowerSyncOnSeveralConductors() {}

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    String dbUrl = o.dbUrl().substring(0, o.dbUrl().lastIndexOf('/') + 1) + DATABASE;
    try (Connection c = DriverManager.getConnection(o.dbUrl(), o.dbUser(), "");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DATABASE);
    }
    List<Member> members = new ArrayList<>();
    ScheduledExecutorService beats = Executors.newScheduledThreadPool(o.conductors());
    Map<String, ScheduledFuture<?>> beating = new HashMap<>();
    BenchArgs.Emulation e = o.emulation();
    try (Emulators emulators =
        e.external()
            ? EmulatorShards.start(o.nodes(), e.baseAddress(), e.port(), PASSWORD, e.heap())
            : InProcessEmulators.start(o.nodes(), e.baseAddress(), e.port(), PASSWORD)) {
      emulators.latency(Duration.ofMillis(o.latencyMs()));
      System.out.printf(
          Locale.ROOT,
          "%d virtual AMTs (%s), latency %d ms; PostgreSQL %s; sync_parallelism %d%n",
          o.nodes(),
          e.external() ? "own JVMs" : "this JVM",
          o.latencyMs(),
          dbUrl,
          o.parallelism());
      List<Node> nodes = null;
      Map<String, String> owners = null;
      for (int n = 1; n <= o.conductors(); n++) {
        Member m = member("bench-" + n, dbUrl, o.dbUser(), o.parallelism(), n == 1);
        members.add(m);
        beating.put(m.host(), heartbeat(beats, m));
        if (nodes == null) {
          nodes =
              PowerSyncOverVirtualAmts.enrollManageable(
                  m.conductor(), "pxe_amt", PASSWORD, emulators.targets());
        }
        members.forEach(x -> x.registry().refresh());
        Map<String, String> now = owners(members.get(0).registry(), nodes);
        if (owners != null) {
          int moved = 0;
          for (Node node : nodes) {
            if (!owners.get(node.uuid()).equals(now.get(node.uuid()))) {
              moved++;
            }
          }
          System.out.printf(
              Locale.ROOT,
              "join of %s (%d -> %d conductors): %d of %d nodes moved (%.1f %%; 1/N = %.1f %%,"
                  + " ratio %.2f)%n",
              m.host(),
              n - 1,
              n,
              moved,
              nodes.size(),
              100.0 * moved / nodes.size(),
              100.0 / n,
              (double) moved / nodes.size() * n);
        }
        owners = now;
        measure(members, nodes.size(), owners);
      }

      // A conductor dies: its heartbeat stops (kill -9 leaves its row online), and the others'
      // heartbeats find it dead, release its locks and rebuild their rings without it.
      if (members.size() > 1) {
        Member dead = members.get(members.size() - 1);
        List<Member> live = members.subList(0, members.size() - 1);
        List<Node> all = nodes;
        beating.remove(dead.host()).cancel(false);
        long died = System.nanoTime();
        while (true) {
          boolean gone =
              live.stream()
                  .allMatch(
                      x ->
                          all.stream()
                              .noneMatch(
                                  nd -> x.registry().owner(nd).orElse("").equals(dead.host())));
          if (gone) {
            break;
          }
          Thread.sleep(20);
        }
        System.out.printf(
            Locale.ROOT,
            "death of %s (heartbeat %d s, timeout %d s): %d ms from the end of its heartbeats"
                + " until no live conductor's ring gives it a node%n",
            dead.host(),
            HEARTBEAT.toSeconds(),
            TIMEOUT.toSeconds(),
            (System.nanoTime() - died) / 1_000_000);
      }
    } finally {
      beats.shutdownNow();
      members.forEach(Member::close);
      try (Connection c = DriverManager.getConnection(o.dbUrl(), o.dbUser(), "");
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      }
    }
    System.exit(0);
  }

  /**
   * Each conductor's pass over its own nodes, one conductor at a time (so the sync threads' CPU is
   * that conductor's), twice (the first pays the Digest challenges of nodes new to it; the second
   * is reported), then all conductors' passes at once.
   */
  private static void measure(List<Member> members, int total, Map<String, String> owners)
      throws Exception {
    int n = members.size();
    for (Member m : members) {
      PowerSync.Result cold = m.sync().runOnce();
      Duration cpu = syncCpu();
      PowerSync.Result warm = m.sync().runOnce();
      Duration used = syncCpu().minus(cpu);
      long owned = owners.values().stream().filter(m.host()::equals).count();
      System.out.printf(
          Locale.ROOT,
          "%d conductor(s), %s: owns %d of %d nodes (%.1f %%); pass: %d read, %d failed in %d ms"
              + " (first pass %d ms); sync CPU %d ms%n",
          n,
          m.host(),
          owned,
          total,
          100.0 * owned / total,
          warm.checked(),
          warm.failed(),
          warm.took().toMillis(),
          cold.took().toMillis(),
          used.toMillis());
    }
    ExecutorService all = Executors.newFixedThreadPool(n);
    long start = System.nanoTime();
    Duration cpu = syncCpu();
    List<Future<PowerSync.Result>> passes = new ArrayList<>();
    for (Member m : members) {
      passes.add(all.submit(() -> m.sync().runOnce()));
    }
    int read = 0;
    for (Future<PowerSync.Result> f : passes) {
      read += f.get().checked();
    }
    all.shutdown();
    System.out.printf(
        Locale.ROOT,
        "%d conductor(s) at once: %d nodes read in %d ms, sync CPU %d ms in all%n",
        n,
        read,
        (System.nanoTime() - start) / 1_000_000,
        syncCpu().minus(cpu).toMillis());
  }

  /** CPU time of every power sync thread of this JVM. */
  private static Duration syncCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long nanos = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null
          && info.getThreadName().startsWith(PowerSyncOverVirtualAmts.SYNC_THREAD_PREFIX)) {
        nanos += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return Duration.ofNanos(nanos);
  }

  private static Map<String, String> owners(ConductorRegistry registry, List<Node> nodes) {
    Map<String, String> owners = new HashMap<>();
    for (Node node : nodes) {
      owners.put(node.uuid(), registry.owner(node).orElse(""));
    }
    return owners;
  }

  static final Duration HEARTBEAT = Duration.ofSeconds(2);
  static final Duration TIMEOUT = Duration.ofSeconds(6);

  private static Member member(
      String host, String dbUrl, String user, int parallelism, boolean migrate) throws Exception {
    AmtGateway gateway =
        new AmtGateway(
            AmtSettings.defaults(), WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);
    BareMetalDriver driver =
        PxeAmtComposition.pxeAmt(
            new AmtPower(gateway, Map.of()), new AmtManagement(gateway, Map.of()));
    Database database = Database.open(dbUrl, user, "", 32);
    if (migrate) {
      new SchemaMigrator(database).migrate();
    }
    DriverRegistry drivers = new DriverRegistry();
    drivers.addDriver(driver, Map.of(BareMetalDriver.NAME_PROPERTY, driver.name()));
    Store store = new Store(database, Clock.systemUTC());
    Conductor conductor = Conductor.create(store, host, drivers, Workers.unbounded(Runnable::run));
    ConductorRegistry registry =
        new ConductorRegistry(
            store,
            host,
            "http://127.0.0.1:0",
            () -> List.copyOf(drivers.all().keySet()),
            new ConductorRegistry.Settings(HEARTBEAT, TIMEOUT, "", 256));
    registry.register();
    conductor.tasks().ownership(registry);
    Takeover takeover = new Takeover(registry, conductor.tasks(), drivers);
    PowerSync sync = new PowerSync(conductor.tasks(), drivers, parallelism, Duration.ofSeconds(30));
    return new Member(host, database, conductor, registry, takeover, sync, gateway);
  }

  /** The runtime's heartbeat task: beat, release the dead's locks, adopt the new nodes' files. */
  private static ScheduledFuture<?> heartbeat(ScheduledExecutorService beats, Member m) {
    return beats.scheduleWithFixedDelay(
        () -> {
          try {
            m.registry().heartbeat();
            m.takeover().run();
            m.takeover().adopt();
          } catch (RuntimeException ex) {
            System.err.println(m.host() + " heartbeat failed: " + ex);
          }
        },
        HEARTBEAT.toMillis(),
        HEARTBEAT.toMillis(),
        TimeUnit.MILLISECONDS);
  }
}
