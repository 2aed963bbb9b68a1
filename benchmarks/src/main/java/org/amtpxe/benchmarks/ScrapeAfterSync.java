package org.amtpxe.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtManagement;
import org.amtpxe.amt.internal.AmtPower;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.wsman.WakeLog;
import org.amtpxe.amt.internal.wsman.WakeProbe;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.conductor.internal.metrics.ConductorMeters;
import org.amtpxe.conductor.internal.metrics.MicrometerMeters;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.sync.PowerSync;
import org.amtpxe.conductor.internal.task.Workers;
import org.amtpxe.pxe.internal.driver.PxeAmtComposition;

/**
 * What a {@code GET /metrics} scrape costs on a conductor that has done real work: N virtual AMTs
 * enrolled as pxe_amt nodes, power sync passes through the real AMT driver with the metrics service
 * bound (so every AMT request, Digest challenge, lock wait and sync pass is counted), some API
 * requests, then timed scrapes over HTTP. Prints the scrape's size, its series and its times.
 * Usage: {@code ScrapeAfterSync [nodes] [passes] [scrapes]}; figures in
 * bundle-conductor/BENCHMARKS.md.
 */
public final class ScrapeAfterSync {
  private static final String PASSWORD = "Scrape-P@ss1";

  private ScrapeAfterSync() {}

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int scrapes = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    Path dir = Files.createTempDirectory("amtpxe-scrape");
    MicrometerMeters meters = new MicrometerMeters();
    try (Emulators emulators = InProcessEmulators.start(nodes, "127.0.1.1", 16992, PASSWORD)) {
      AmtGateway gateway =
          new AmtGateway(
              AmtSettings.defaults(), WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);
      gateway.bindMeters(meters);
      BareMetalDriver driver =
          PxeAmtComposition.pxeAmt(
              new AmtPower(gateway, Map.of()), new AmtManagement(gateway, Map.of()));
      Database database = BenchConductors.h2(dir.resolve("conductor"), 32);
      try {
        ConductorMeters conductorMeters = new ConductorMeters(meters);
        Workers workers = Workers.unbounded(Runnable::run);
        conductorMeters.workerGauges(workers::inUse, () -> 0, () -> 32);
        BenchConductors.Wired wired =
            BenchConductors.conductor(
                database, "bench-conductor", driver, workers, conductorMeters);
        DriverRegistry registry = wired.registry();
        Conductor conductor = wired.conductor();
        PowerSyncOverVirtualAmts.enrollManageable(
            conductor, driver.name(), PASSWORD, emulators.targets());
        try (PowerSync sync =
            new PowerSync(
                conductor.tasks(), registry, 32, Duration.ofSeconds(30), 3, conductorMeters)) {
          for (int p = 1; p <= passes; p++) {
            PowerSync.Result r = sync.runOnce();
            System.out.printf(
                "sync pass %d: %d nodes read, %d failed, %d ms%n",
                p, r.checked(), r.failed(), r.took().toMillis());
          }
        }
        ApiServer server = new ApiServer("127.0.0.1", 0, 16, new ApiHandler(conductor, null));
        try {
          HttpClient client = HttpClient.newHttpClient();
          String base = "http://127.0.0.1:" + server.port();
          for (String path : List.of("/v1/nodes", "/v1/nodes/detail", "/v1/drivers")) {
            get(client, base + path);
          }
          get(client, base + "/v1/nodes/" + emulators.targets().get(0).name());
          String text = get(client, base + "/metrics");
          for (int i = 0; i < 20; i++) {
            get(client, base + "/metrics"); // warm-up
          }
          List<Long> micros = new ArrayList<>();
          for (int i = 0; i < scrapes; i++) {
            long t0 = System.nanoTime();
            text = get(client, base + "/metrics");
            micros.add((System.nanoTime() - t0) / 1000);
          }
          List<Long> inProcess = new ArrayList<>();
          for (int i = 0; i < scrapes; i++) {
            long t0 = System.nanoTime();
            meters.scrape();
            inProcess.add((System.nanoTime() - t0) / 1000);
          }
          long series = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
          long families = text.lines().filter(l -> l.startsWith("# TYPE")).count();
          System.out.printf(
              "%d nodes, %d sync passes: scrape %d bytes, %d samples in %d metric families%n",
              nodes,
              passes,
              text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
              series,
              families);
          System.out.println("GET /metrics over HTTP, " + scrapes + " scrapes: " + stats(micros));
          System.out.println("MicrometerMeters.scrape() in process: " + stats(inProcess));
        } finally {
          server.close();
        }
      } finally {
        gateway.close();
        database.close();
        meters.close();
      }
    }
    System.exit(0);
  }

  private static String get(HttpClient client, String url) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("X-OpenStack-Ironic-API-Version", "1.31")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  private static String stats(List<Long> micros) {
    List<Long> s = new ArrayList<>(micros);
    Collections.sort(s);
    return String.format(
        "p50 %.2f ms, p95 %.2f ms, max %.2f ms",
        s.get(s.size() / 2) / 1000.0,
        s.get((int) (s.size() * 0.95)) / 1000.0,
        s.get(s.size() - 1) / 1000.0);
  }
}
