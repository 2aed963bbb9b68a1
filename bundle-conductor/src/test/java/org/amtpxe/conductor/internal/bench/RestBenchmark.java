package org.amtpxe.conductor.internal.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.testing.TestConductor;

/**
 * Benchmark of the REST API with N nodes (default 1000) and the fake driver, on loopback, with an
 * H2 file database as in production. Not a unit test; run as described in BENCHMARKS.md:
 *
 * <pre>java -cp ... org.amtpxe.conductor.internal.bench.RestBenchmark [nodes] [client threads]
 * </pre>
 */
public final class RestBenchmark {
  private RestBenchmark() {}

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    Path dir = Files.createTempDirectory("amtpxe-bench");
    ThreadPoolExecutor workers = (ThreadPoolExecutor) Executors.newFixedThreadPool(16);
    try (TestConductor c =
            new TestConductor(
                "jdbc:h2:file:" + dir.resolve("conductor") + ";DB_CLOSE_ON_EXIT=FALSE", workers);
        ApiServer server = new ApiServer("127.0.0.1", 0, 32, new ApiHandler(c.service, null))) {
      String base = "http://127.0.0.1:" + server.port();
      HttpClient http =
          HttpClient.newBuilder()
              .executor(Executors.newFixedThreadPool(threads))
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      ExecutorService clients = Executors.newFixedThreadPool(threads);
      System.out.printf(
          "REST benchmark: %d nodes, %d client threads, %d cores, Java %s%n",
          nodes, threads, Runtime.getRuntime().availableProcessors(), Runtime.version());

      List<String> uuids = new ArrayList<>();
      long[] createLat = new long[nodes];
      long t0 = System.nanoTime();
      run(
          clients,
          nodes,
          i -> {
            long s = System.nanoTime();
            HttpResponse<String> r =
                send(
                    http,
                    "POST",
                    base + "/v1/nodes",
                    "{\"driver\": \"fake\", \"name\": \"bench-"
                        + i
                        + "\", \"driver_info\": {\"fake_address\": \"10.0."
                        + (i / 250)
                        + "."
                        + (i % 250)
                        + "\", \"fake_password\": \"pw\"}, \"properties\": {\"cpus\": 4,"
                        + " \"memory_mb\": 8192}}",
                    201);
            createLat[i] = System.nanoTime() - s;
            return r;
          });
      System.out.println(Stats.of("node create (POST)", createLat, System.nanoTime() - t0));
      c.store.listNodes(NodeQuery.all()).forEach(n -> uuids.add(n.uuid()));

      // Warm-up, then the measured phases.
      for (int i = 0; i < 20; i++) {
        send(http, "GET", base + "/v1/nodes", null, 200);
        send(http, "GET", base + "/v1/nodes/" + uuids.get(i), null, 200);
      }
      int lists = 50;
      long[] listLat = new long[lists];
      t0 = System.nanoTime();
      for (int i = 0; i < lists; i++) {
        long s = System.nanoTime();
        send(http, "GET", base + "/v1/nodes", null, 200);
        listLat[i] = System.nanoTime() - s;
      }
      System.out.println(Stats.of("node list (1 client)", listLat, System.nanoTime() - t0));

      long[] detailLat = new long[20];
      t0 = System.nanoTime();
      for (int i = 0; i < detailLat.length; i++) {
        long s = System.nanoTime();
        send(http, "GET", base + "/v1/nodes/detail", null, 200);
        detailLat[i] = System.nanoTime() - s;
      }
      System.out.println(Stats.of("node list --long (detail)", detailLat, System.nanoTime() - t0));

      long[] parallelList = new long[threads * 10];
      t0 = System.nanoTime();
      run(
          clients,
          parallelList.length,
          i -> {
            long s = System.nanoTime();
            send(http, "GET", base + "/v1/nodes", null, 200);
            parallelList[i] = System.nanoTime() - s;
            return null;
          });
      System.out.println(
          Stats.of("node list (" + threads + " clients)", parallelList, System.nanoTime() - t0));

      int shows = 5000;
      long[] showLat = new long[shows];
      t0 = System.nanoTime();
      run(
          clients,
          shows,
          i -> {
            long s = System.nanoTime();
            send(http, "GET", base + "/v1/nodes/" + uuids.get(i % nodes), null, 200);
            showLat[i] = System.nanoTime() - s;
            return null;
          });
      System.out.println(
          Stats.of("node show (" + threads + " clients)", showLat, System.nanoTime() - t0));

      int powers = Math.min(nodes, 1000);
      long[] powerLat = new long[powers];
      AtomicInteger conflicts = new AtomicInteger();
      t0 = System.nanoTime();
      run(
          clients,
          powers,
          i -> {
            long s = System.nanoTime();
            HttpResponse<String> r =
                send(
                    http,
                    "PUT",
                    base + "/v1/nodes/" + uuids.get(i) + "/states/power",
                    "{\"target\": \"power on\"}",
                    -1);
            if (r.statusCode() != 202) {
              conflicts.incrementAndGet();
            }
            powerLat[i] = System.nanoTime() - s;
            return null;
          });
      long accepted = System.nanoTime() - t0;
      while (workers.getActiveCount() > 0 || !workers.getQueue().isEmpty()) {
        Thread.sleep(5);
      }
      long done = System.nanoTime() - t0;
      long on =
          c.store.listNodes(NodeQuery.all()).stream()
              .filter(n -> n.powerState() == PowerState.POWER_ON && n.reservation() == null)
              .count();
      System.out.println(
          Stats.of("power on (PUT, 202)", powerLat, accepted)
              + String.format(
                  "%n%-28s %d of %d nodes on, unlocked, in %.2f s (%.1f changes/s); non-202: %d",
                  "power on completed",
                  on,
                  powers,
                  done / 1e9,
                  powers / (done / 1e9),
                  conflicts.get()));
      clients.shutdownNow();
      Runtime rt = Runtime.getRuntime();
      System.gc();
      System.out.printf(
          "heap used after run: %d MiB%n", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
    } finally {
      workers.shutdownNow();
      workers.awaitTermination(5, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  interface Call {
    Object call(int i) throws Exception;
  }

  static void run(ExecutorService pool, int count, Call call) throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      futures.add(pool.submit(() -> call.call(n)));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  static HttpResponse<String> send(
      HttpClient http, String method, String url, String body, int want) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("X-OpenStack-Ironic-API-Version", "1.31")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (want > 0 && r.statusCode() != want) {
      throw new IllegalStateException(
          method + " " + url + " -> " + r.statusCode() + " " + r.body());
    }
    return r;
  }
}
