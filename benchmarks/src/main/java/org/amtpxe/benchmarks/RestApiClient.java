package org.amtpxe.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side of the REST benchmark ({@code rest-bench.sh}) for what wrk cannot do: a counted
 * number of creates and deletes from a fixed number of clients, and paging a list by following its
 * {@code next} links. Works against the conductor and against Ironic alike (Ironic's v1 API with
 * the {@code X-OpenStack-Ironic-API-Version} header, keep-alive HTTP/1.1 connections from one
 * {@link HttpClient}, one connection per client thread).
 *
 * <p>Each command prints one line of {@code key=value} pairs per figure (the shell parses them):
 *
 * <ul>
 *   <li>{@code ports <n>}: n ports free for TCP and UDP on 127.0.0.1;
 *   <li>{@code create --url U --count N --clients C --prefix P [--driver pxe_amt] [--warmup W]}:
 *       creates nodes {@code P-00001}..{@code P-N} from C threads and prints the wall time from the
 *       first request to the last reply; W nodes {@code P-warm-*} are created and deleted before;
 *   <li>{@code delete --url U --prefix P --clients C}: deletes every node named {@code P-*};
 *   <li>{@code page --url U [--path /v1/nodes/detail] [--limit 1000] [--runs 3] [--warmup 1]
 *       [--max-pages 0]}: reads the whole list (or its first pages) page by page, following {@code
 *       next}, and prints each run.
 * </ul>
 *
 * <p>Common option: {@code --version 1.31} (the API version header).
 */
public final class RestApiClient {
  static final String VERSION_HEADER = "X-OpenStack-Ironic-API-Version";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;
  private final String version;

  RestApiClient(String base, String version) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.version = version;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** One reply: status and body. */
  record Reply(int status, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  Reply send(String method, String pathOrUrl, String json) throws IOException {
    URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(120))
            .header(VERSION_HEADER, version);
    if (json == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The body of a node create: the same driver_info for every driver, never contacted. */
  static String nodeBody(String name, String driver) {
    return "{\"name\":\""
        + name
        + "\",\"driver\":\""
        + driver
        + "\",\"driver_info\":{\"amt_address\":\"127.0.0.1\",\"amt_port\":9,"
        + "\"amt_username\":\"admin\",\"amt_password\":\"Bench-P@ss1\",\"amt_protocol\":\"http\"}}";
  }

  /** Result of a counted batch of requests. */
  record Batch(int ok, int failed, double seconds, long[] latenciesNanos, String firstError) {
    double rate() {
      return seconds > 0 ? ok / seconds : 0;
    }

    double percentileMs(double p) {
      if (latenciesNanos.length == 0) {
        return 0;
      }
      long[] sorted = latenciesNanos.clone();
      Arrays.sort(sorted);
      int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    String line(String what) {
      return String.format(
          Locale.ROOT,
          "%s=%d failed=%d seconds=%.3f rate=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f load=%s%s",
          what,
          ok,
          failed,
          seconds,
          rate(),
          percentileMs(50),
          percentileMs(99),
          percentileMs(100),
          loadAverage(),
          firstError == null ? "" : " first_error=" + firstError.replaceAll("\\s+", "_"));
    }
  }

  /** One request per item, {@code clients} at a time; each item's reply must have {@code want}. */
  interface Call {
    Reply call(String item) throws IOException;
  }

  static Batch batch(List<String> items, int clients, int want, Call call)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    long[] latencies = new long[items.size()];
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < items.size(); i = next.getAndIncrement()) {
                  long t0 = System.nanoTime();
                  String error = null;
                  try {
                    Reply r = call.call(items.get(i));
                    if (r.status() != want) {
                      String text = r.text();
                      error = r.status() + ":" + text.substring(0, Math.min(200, text.length()));
                    }
                  } catch (IOException e) {
                    error = e.toString();
                  }
                  latencies[i] = System.nanoTime() - t0;
                  if (error == null) {
                    ok.incrementAndGet();
                  } else {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, error);
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return new Batch(ok.get(), failed.get(), seconds, latencies, firstError.get());
  }

  /** Creates {@code count} nodes named {@code prefix-00001}.. from {@code clients} threads. */
  Batch create(String prefix, int count, int clients, String driver) throws InterruptedException {
    List<String> names = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      names.add(String.format(Locale.ROOT, "%s-%05d", prefix, i));
    }
    return batch(names, clients, 201, name -> send("POST", "/v1/nodes", nodeBody(name, driver)));
  }

  /** Deletes every node whose name starts with {@code prefix-}. */
  Batch delete(String prefix, int clients) throws IOException, InterruptedException {
    List<String> uuids = new ArrayList<>();
    for (JsonNode node : list("/v1/nodes", 1000).items()) {
      if (node.path("name").asText("").startsWith(prefix + "-")) {
        uuids.add(node.path("uuid").asText());
      }
    }
    return batch(uuids, clients, 204, uuid -> send("DELETE", "/v1/nodes/" + uuid, null));
  }

  /** What one read of a whole list returned. */
  record Listing(List<JsonNode> items, int pages, long bytes, double seconds, double slowestMs) {}

  /** Reads {@code path?limit=limit}, then each {@code next} link until a page has none. */
  Listing list(String path, int limit) throws IOException {
    return list(path, limit, Integer.MAX_VALUE);
  }

  /** Like {@link #list(String, int)}, stopping after {@code maxPages} pages. */
  Listing list(String path, int limit, int maxPages) throws IOException {
    List<JsonNode> items = new ArrayList<>();
    int pages = 0;
    long bytes = 0;
    double slowest = 0;
    String url = path + (path.contains("?") ? "&" : "?") + "limit=" + limit;
    long start = System.nanoTime();
    while (url != null) {
      long t0 = System.nanoTime();
      Reply r = send("GET", url, null);
      slowest = Math.max(slowest, (System.nanoTime() - t0) / 1e6);
      if (r.status() != 200) {
        throw new IOException("GET " + url + " answered " + r.status() + ": " + r.text());
      }
      pages++;
      bytes += r.body().length;
      JsonNode body = JSON.readTree(r.body());
      body.path("nodes").forEach(items::add);
      url = body.hasNonNull("next") && pages < maxPages ? body.get("next").asText() : null;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Listing(items, pages, bytes, seconds, slowest);
  }

  /** The 1, 5 and 15 minute load averages from /proc/loadavg ("1.02,0.87,0.66"), or "?". */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + "," + f[1] + "," + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** {@code n} ports on 127.0.0.1 that are free for both TCP and UDP right now. */
  static List<Integer> freePorts(int n) throws IOException {
    List<Integer> ports = new ArrayList<>();
    List<AutoCloseable> held = new ArrayList<>();
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try {
      while (ports.size() < n) {
        ServerSocket tcp = new ServerSocket(0, 1, loopback);
        held.add(tcp);
        try {
          DatagramSocket udp =
              new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()));
          held.add(udp);
          ports.add(tcp.getLocalPort());
        } catch (IOException taken) {
          // that port's UDP side is in use: draw another
        }
      }
    } finally {
      for (AutoCloseable c : held) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing a probe socket
        }
      }
    }
    return ports;
  }

  static Map<String, String> options(String[] args, int from) {
    Map<String, String> o = new HashMap<>();
    for (int i = from; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value at " + args[i]);
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    return o;
  }

  static String usage() {
    return """
        usage: RestApiClient ports <n>
               RestApiClient create --url U --count N --clients C --prefix P [--driver pxe_amt] [--warmup 0]
               RestApiClient delete --url U --prefix P [--clients 8]
               RestApiClient page --url U [--path /v1/nodes/detail] [--limit 1000] [--runs 3] [--warmup 1] [--max-pages 0 = all]
        common: --version 1.31 (X-OpenStack-Ironic-API-Version)""";
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(usage());
      System.exit(2);
    }
    if (args[0].equals("ports")) {
      StringBuilder out = new StringBuilder();
      for (int p : freePorts(Integer.parseInt(args[1]))) {
        out.append(out.length() == 0 ? "" : " ").append(p);
      }
      System.out.println(out);
      return;
    }
    Map<String, String> o = options(args, 1);
    RestApiClient client = new RestApiClient(o.get("url"), o.getOrDefault("version", "1.31"));
    int clients = Integer.parseInt(o.getOrDefault("clients", "8"));
    switch (args[0]) {
      case "create" -> {
        String prefix = o.get("prefix");
        String driver = o.getOrDefault("driver", "pxe_amt");
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "0"));
        if (warmup > 0) {
          Batch w = client.create(prefix + "-warm", warmup, clients, driver);
          Batch d = client.delete(prefix + "-warm", clients);
          System.out.println(w.line("warmup_created") + " warmup_deleted=" + d.ok());
        }
        Batch b = client.create(prefix, Integer.parseInt(o.get("count")), clients, driver);
        System.out.println(b.line("created") + " clients=" + clients);
        System.exit(b.failed() == 0 ? 0 : 1);
      }
      case "delete" -> {
        Batch b = client.delete(o.get("prefix"), clients);
        System.out.println(b.line("deleted") + " clients=" + clients);
        System.exit(b.failed() == 0 ? 0 : 1);
      }
      case "page" -> {
        String path = o.getOrDefault("path", "/v1/nodes/detail");
        int limit = Integer.parseInt(o.getOrDefault("limit", "1000"));
        int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "1"));
        int maxPages = Integer.parseInt(o.getOrDefault("max-pages", "0"));
        for (int i = -warmup + 1; i <= runs; i++) {
          String load = loadAverage();
          Listing l = client.list(path, limit, maxPages > 0 ? maxPages : Integer.MAX_VALUE);
          System.out.printf(
              Locale.ROOT,
              "%s=%d items=%d pages=%d bytes=%d seconds=%.3f slowest_page_ms=%.1f load=%s%n",
              i <= 0 ? "warmup" : "run",
              i <= 0 ? 1 - i : i,
              l.items().size(),
              l.pages(),
              l.bytes(),
              l.seconds(),
              l.slowestMs(),
              load);
        }
      }
      default -> {
        System.err.println(usage());
        System.exit(2);
      }
    }
  }
}
