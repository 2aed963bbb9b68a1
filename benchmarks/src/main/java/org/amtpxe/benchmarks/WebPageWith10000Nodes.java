package org.amtpxe.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.task.Workers;
import org.amtpxe.conductor.internal.web.NodeFeed;
import org.amtpxe.conductor.internal.web.Sessions;
import org.amtpxe.conductor.internal.web.UiHandler;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Times the web page with 10,000 nodes in Debian's headless Chromium: the conductor's real API and
 * page (H2 file store, the anonymous loopback API) filled with nodes in mixed states, served by a
 * conductor in a JVM of its own, as in a deployment. Every figure is taken in the browser (the
 * page's own {@code performance.measure} entries): first render (navigation start to the first rows
 * drawn), all nodes loaded, and each filter from the input event to the next paint.
 *
 * <p>Three kinds of load: the very first (browser and conductor both just started, the page asked
 * for as soon as the conductor's port opens), {@code --cold} loads each from a conductor JVM
 * started {@code --settle} seconds before with the browser's cache emptied (an operator's browser,
 * already running, after a conductor restart), then {@code --runs} loads from the last conductor,
 * warm. Usage: {@code [--nodes N] [--runs R] [--cold C] [--settle seconds] [--no-warm-up]} ({@code
 * --no-warm-up}: the conductor skips {@code ApiHandler.warmUp} at its start, which ConductorRuntime
 * runs); figures and command in BENCHMARKS.md.
 */
public final class WebPageWith10000Nodes {
  private WebPageWith10000Nodes() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("--serve")) {
      serve(Path.of(args[1]), !List.of(args).contains("--no-warm-up"));
      return;
    }
    boolean warmUp = !List.of(args).contains("--no-warm-up");
    args = List.of(args).stream().filter(a -> !a.equals("--no-warm-up")).toArray(String[]::new);
    int nodes = 10_000;
    int runs = 5;
    int cold = 3;
    double settle = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--cold" -> cold = Integer.parseInt(args[i + 1]);
        case "--settle" -> settle = Double.parseDouble(args[i + 1]);
        default ->
            throw new IllegalArgumentException(
                "Usage: [--nodes N] [--runs R] [--cold C] [--settle seconds] [--no-warm-up]");
      }
    }
    Path work = Path.of("target", "web-bench").toAbsolutePath();
    deleteTree(work);
    Files.createDirectories(work);
    Database db = BenchConductors.h2(work.resolve("db/amtpxe"), 8);
    try {
      long t0 = System.nanoTime();
      fill(new Store(db, Clock.systemUTC()), nodes);
      System.out.printf(
          Locale.ROOT, "filled %,d nodes in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);
    } finally {
      db.close();
    }
    measure(nodes, runs, cold, Duration.ofMillis((long) (settle * 1000)), warmUp, work);
  }

  /**
   * The conductor's side, in its own JVM: the filled store, the API and the page on a free port,
   * printed as {@code ready <port>}; it stops when its standard input ends.
   */
  private static void serve(Path work, boolean warmUp) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    Database db = BenchConductors.h2(work.resolve("db/amtpxe"), 8);
    try {
      Store store = new Store(db, Clock.systemUTC());
      Conductor service =
          BenchConductors.conductor(db, "bench-conductor", null, Workers.unbounded(pool), null)
              .conductor();
      NodeFeed feed = new NodeFeed(store, "bench-conductor");
      db.changes().listen(feed::changed);
      Sessions sessions = new Sessions();
      var logins = ApiHandler.newLoginThrottle();
      ApiHandler api = new ApiHandler(service, null, ApiHandler.Options.DEFAULT, logins, sessions);
      try (ApiServer server =
          new ApiServer(
              "127.0.0.1",
              0,
              16,
              new UiHandler(
                  api,
                  new UiHandler.Options(null, false, "bench-conductor"),
                  logins,
                  sessions,
                  feed))) {
        if (warmUp) {
          // As ConductorRuntime does: in the background, while the page may already be asked for.
          pool.execute(api::warmUp);
        }
        System.out.println("ready " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
          // until the benchmark closes the pipe (or ends)
        }
      } finally {
        feed.close();
      }
    } finally {
      db.close();
      pool.shutdownNow();
    }
  }

  /** A conductor JVM just started, serving the store in {@code work}. */
  private static final class ConductorJvm implements AutoCloseable {
    final Process process;
    final String url;

    ConductorJvm(Path work, boolean warmUp) throws Exception {
      String javaBin = ProcessHandle.current().info().command().orElse("java");
      process =
          new ProcessBuilder(
                  javaBin,
                  "-Xmx1g",
                  "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                  "-cp",
                  System.getProperty("java.class.path"),
                  WebPageWith10000Nodes.class.getName(),
                  "--serve",
                  work.toString(),
                  warmUp ? "--warm-up" : "--no-warm-up")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      var out =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.startsWith("ready ")) {
        process.destroyForcibly();
        throw new IllegalStateException("the conductor JVM did not start: " + line);
      }
      url = "http://127.0.0.1:" + line.substring("ready ".length()) + "/ui/";
    }

    @Override
    public void close() throws Exception {
      process.getOutputStream().close();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** Nodes in the mix an operator's fleet has: most available or active, some failed. */
  static void fill(Store store, int count) {
    Instant now = Instant.now();
    int batch = 1000;
    for (int from = 0; from < count; from += batch) {
      int start = from;
      int end = Math.min(count, from + batch);
      store.transaction(
          h -> {
            for (int i = start; i < end; i++) {
              ProvisionState state =
                  switch (i % 20) {
                    case 0 -> ProvisionState.DEPLOY_FAILED;
                    case 1, 2 -> ProvisionState.MANAGEABLE;
                    case 3 -> ProvisionState.ENROLL;
                    default -> i % 3 == 0 ? ProvisionState.ACTIVE : ProvisionState.AVAILABLE;
                  };
              Node.Builder b =
                  Node.builder(
                          UUID.nameUUIDFromBytes(("bench-" + i).getBytes()).toString(), "pxe_amt")
                      .name(String.format(Locale.ROOT, "desk-%05d", i))
                      .driverInfo(Map.of("amt_address", "10.1." + (i / 250) + "." + (i % 250)))
                      .provisionState(state)
                      .powerState(
                          state == ProvisionState.ACTIVE
                              ? PowerState.POWER_ON
                              : PowerState.POWER_OFF)
                      .createdAt(now);
              if (state == ProvisionState.DEPLOY_FAILED) {
                b.lastError("Timeout reached while waiting for callback");
              }
              if (i % 33 == 0) {
                b.maintenance(true).maintenanceReason("fan noise, ticket " + i);
              }
              NodeDao.insert(h, b.build());
            }
            return null;
          });
    }
  }

  private static void measure(
      int nodes, int runs, int cold, Duration settle, boolean warmUp, Path work) throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(new File("/usr/bin/chromium"));
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--window-size=1440,960",
        "--user-data-dir=" + work.resolve("profile"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    List<Double> coldFirst = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    List<Double> loaded = new ArrayList<>();
    List<Double> filters = new ArrayList<>();
    double bothCold;
    try {
      try (ConductorJvm c = new ConductorJvm(work, warmUp)) {
        bothCold = load(driver, c.url, nodes, "browser and conductor just started")[0];
      }
      for (int i = 1; i <= cold; i++) {
        try (ConductorJvm c = new ConductorJvm(work, warmUp)) {
          // An operator comes after the conductor started (Karaf's start alone takes 20 s), not
          // in the millisecond its port opened: the start-up's own work is done by then.
          Thread.sleep(settle.toMillis());
          driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
          coldFirst.add(
              load(driver, c.url, nodes, "conductor started " + settle.toMillis() + " ms before")[
                  0]);
        }
      }
      try (ConductorJvm c = new ConductorJvm(work, warmUp)) {
        load(driver, c.url, nodes, "warming up (not counted)");
        for (int run = 1; run <= runs; run++) {
          double[] fl = load(driver, c.url, nodes, "warm " + run);
          first.add(fl[0]);
          loaded.add(fl[1]);
          List<Double> these = new ArrayList<>();
          for (String[] step : STEPS) {
            these.add(filter(driver, step[0], step[1]));
          }
          filters.addAll(these);
          System.out.printf(
              Locale.ROOT,
              "  filters %s ms%n",
              these.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList());
        }
        // The page as it stands after the last run, for the README.
        Files.write(
            work.resolve("fleet-10000.png"),
            driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
      }
    } finally {
      driver.quit();
    }
    System.out.printf(
        Locale.ROOT,
        "%nfirst render, browser and conductor just started: %.0f ms%n"
            + "first render, conductor started %d ms before, browser cache emptied (%d loads):"
            + " median %.0f ms, max %.0f ms %s%n"
            + "first render, warm (%d loads): median %.0f ms, max %.0f ms%n",
        bothCold,
        settle.toMillis(),
        coldFirst.size(),
        coldFirst.isEmpty() ? Double.NaN : median(coldFirst),
        coldFirst.isEmpty() ? Double.NaN : max(coldFirst),
        coldFirst.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList(),
        first.size(),
        median(first),
        max(first));
    System.out.printf(
        Locale.ROOT,
        "all %,d nodes loaded, warm: median %.0f ms, max %.0f ms%n",
        nodes,
        median(loaded),
        max(loaded));
    System.out.printf(
        Locale.ROOT,
        "filter to next paint (%d filters): median %.1f ms, p90 %.1f ms, max %.1f ms%n",
        filters.size(),
        median(filters),
        percentile(filters, 0.9),
        max(filters));
  }

  /** The filters of one warm run: each as one input or change event. */
  private static final String[][] STEPS = {
    {"search", "desk-0421"},
    {"search", "callback"},
    {"search", "nothing-matches"},
    {"search", ""},
    {"f-state", "deploy failed"},
    {"f-maint", "yes"},
    {"f-state", ""},
    {"f-maint", ""},
  };

  /**
   * Loads the page once and waits for every node: prints where the time went (the page's marks; for
   * loads that are not warm or are slow, every request from its start to the end of its answer) and
   * returns the first render and all-loaded times.
   */
  private static double[] load(ChromeDriver driver, String url, int nodes, String what) {
    driver.get("about:blank");
    driver.get(url);
    new WebDriverWait(driver, Duration.ofSeconds(60))
        .until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "true"));
    double f = entry(driver, "fleet-first-render");
    double l = entry(driver, "fleet-loaded");
    String shown = driver.findElement(By.tagName("body")).getAttribute("data-nodes");
    if (!String.valueOf(nodes).equals(shown)) {
      throw new IllegalStateException("the page shows " + shown + " nodes, not " + nodes);
    }
    System.out.printf(
        Locale.ROOT,
        "%s: first render %.0f ms, %,d nodes loaded %.0f ms%n  marks: %s%n",
        what,
        f,
        nodes,
        l,
        driver.executeScript(
            "return performance.getEntriesByType('mark').map(m => m.name + '@'"
                + " + Math.round(m.startTime)).join(' ')"));
    if (f > 1000 || !what.startsWith("warm")) {
      System.out.println(
          "  requests: "
              + driver.executeScript(
                  "const n = performance.getEntriesByType('navigation')[0];"
                      + " return [`document ${Math.round(n.requestStart)}-"
                      + "${Math.round(n.responseEnd)}`].concat("
                      + "performance.getEntriesByType('resource').slice(0, 16).map(r =>"
                      + " `${r.name.replace(location.origin, '').slice(0, 40)}"
                      + " ${Math.round(r.startTime)}-${Math.round(r.responseEnd)}`)).join(' | ')"));
    }
    return new double[] {f, l};
  }

  /** Applies one filter as a user would (one input or change event) and returns its measure. */
  private static double filter(ChromeDriver d, String id, String value) throws Exception {
    long before = count(d);
    d.executeScript(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
            + " e.dispatchEvent(new Event(e.tagName === 'SELECT' ? 'change' : 'input'));",
        id,
        value);
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (count(d) == before) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("no fleet-filter measure after " + id + "=" + value);
      }
      Thread.sleep(5);
    }
    return ((Number)
            d.executeScript(
                "const m = performance.getEntriesByName('fleet-filter'); return m[m.length - 1].duration;"))
        .doubleValue();
  }

  private static long count(ChromeDriver d) {
    return ((Number) d.executeScript("return performance.getEntriesByName('fleet-filter').length;"))
        .longValue();
  }

  private static double entry(ChromeDriver d, String name) {
    return ((Number)
            d.executeScript(
                "const m = performance.getEntriesByName(arguments[0]); return m[0].duration;",
                name))
        .doubleValue();
  }

  private static double median(List<Double> v) {
    return percentile(v, 0.5);
  }

  private static double percentile(List<Double> v, double p) {
    List<Double> s = v.stream().sorted().toList();
    return s.get(Math.min(s.size() - 1, (int) Math.ceil(p * s.size()) - 1));
  }

  private static double max(List<Double> v) {
    return v.stream().max(Comparator.naturalOrder()).orElseThrow();
  }

  private static void deleteTree(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
