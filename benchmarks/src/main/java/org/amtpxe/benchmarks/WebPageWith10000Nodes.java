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
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.SchemaMigrator;
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
 * page (H2 file store, the anonymous loopback API) filled with nodes in mixed states, the page
 * opened several times, and filters applied. Every figure is taken in the browser (the page's own
 * {@code performance.measure} entries): first render (navigation start to the first rows drawn),
 * all nodes loaded, and each filter from the input event to the next paint. Usage: {@code [--nodes
 * N] [--runs R]}; figures and command in BENCHMARKS.md.
 */
public final class WebPageWith10000Nodes {
  private WebPageWith10000Nodes() {}

  public static void main(String[] args) throws Exception {
    int nodes = 10_000;
    int runs = 5;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("Usage: [--nodes N] [--runs R]");
      }
    }
    Path work = Path.of("target", "web-bench").toAbsolutePath();
    deleteTree(work);
    Files.createDirectories(work);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    Database db = Database.open("jdbc:h2:" + work.resolve("db/amtpxe"), "sa", "", 8);
    try {
      new SchemaMigrator(db).migrate();
      Store store = new Store(db, Clock.systemUTC());
      long t0 = System.nanoTime();
      fill(store, nodes);
      System.out.printf(
          Locale.ROOT, "filled %,d nodes in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);
      Conductor service =
          Conductor.create(store, "bench-conductor", new DriverRegistry(), Workers.unbounded(pool));
      NodeFeed feed = new NodeFeed(store, "bench-conductor");
      db.changes().listen(feed::changed);
      Sessions sessions = new Sessions();
      var logins = ApiHandler.newLoginThrottle();
      try (ApiServer server =
          new ApiServer(
              "127.0.0.1",
              0,
              16,
              new UiHandler(
                  new ApiHandler(service, null, ApiHandler.Options.DEFAULT, logins, sessions),
                  new UiHandler.Options(null, false, "bench-conductor"),
                  logins,
                  sessions,
                  feed))) {
        measure("http://127.0.0.1:" + server.port() + "/ui/", nodes, runs, work);
      } finally {
        feed.close();
      }
    } finally {
      db.close();
      pool.shutdownNow();
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

  private static void measure(String url, int nodes, int runs, Path work) throws Exception {
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
    List<Double> first = new ArrayList<>();
    List<Double> loaded = new ArrayList<>();
    List<Double> filters = new ArrayList<>();
    String[][] steps = {
      {"search", "desk-0421"},
      {"search", "callback"},
      {"search", "nothing-matches"},
      {"search", ""},
      {"f-state", "deploy failed"},
      {"f-maint", "yes"},
      {"f-state", ""},
      {"f-maint", ""},
    };
    try {
      for (int run = 1; run <= runs; run++) {
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
        // Where the time went: the page's marks, then (first runs and slow ones) each request
        // from its start to the end of its answer (modules, session, stream, API pages).
        System.out.println(
            "  marks: "
                + driver.executeScript(
                    "return performance.getEntriesByType('mark').map(m => m.name + '@'"
                        + " + Math.round(m.startTime)).join(' ')"));
        if (f > 2000 || run <= 2) {
          System.out.println(
              "  requests: "
                  + driver.executeScript(
                      "const n = performance.getEntriesByType('navigation')[0];"
                          + " return [`document ${Math.round(n.requestStart)}-"
                          + "${Math.round(n.responseEnd)}`].concat("
                          + "performance.getEntriesByType('resource').map(r =>"
                          + " `${r.name.replace(location.origin, '').slice(0, 60)}"
                          + " ${Math.round(r.startTime)}-${Math.round(r.responseEnd)}"
                          + " ${r.encodedBodySize}B`)).join(' | ')"));
        }
        first.add(f);
        loaded.add(l);
        List<Double> these = new ArrayList<>();
        for (String[] step : steps) {
          these.add(filter(driver, step[0], step[1]));
        }
        filters.addAll(these);
        System.out.printf(
            Locale.ROOT,
            "run %d: first render %.0f ms, %,d nodes loaded %.0f ms, filters %s ms%n",
            run,
            f,
            nodes,
            l,
            these.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList());
      }
      // The page as it stands after the last run, for the README.
      Files.write(
          work.resolve("fleet-10000.png"),
          driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    } finally {
      driver.quit();
    }
    System.out.printf(
        Locale.ROOT,
        "%nfirst render: median %.0f ms, max %.0f ms (cold first run %.0f ms)%n",
        median(first),
        max(first),
        first.get(0));
    System.out.printf(
        Locale.ROOT,
        "all %,d nodes loaded: median %.0f ms, max %.0f ms%n",
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
