package org.amtpxe.virtualamt.tools;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.amtpxe.virtualamt.testing.Wsman;

/**
 * A load generator for the README's measurement: WS-Man Gets of the power state against many
 * virtual AMTs, each node served by one thread with its own digest session (one challenge, then
 * nonce reuse), as a driver would. Prints requests per second and latency percentiles.
 *
 * <pre>
 * java -cp virtual-amt/target/test-classes org.amtpxe.virtualamt.tools.LoadClient \
 *     --nodes 1000 --base-address 127.0.1.1 --port 16992 --password secret --seconds 20 --threads 16
 * </pre>
 */
public final class LoadClient {
  private LoadClient() {}

  public static void main(String[] args) throws Exception {
    int nodes = 1000;
    String base = "127.0.1.1";
    int port = 16992;
    String user = "admin";
    String password = System.getenv().getOrDefault("VIRTUAL_AMT_PASSWORD", "");
    int seconds = 20;
    int threads = 16;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
        case "--base-address" -> base = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--username" -> user = args[i + 1];
        case "--password" -> password = args[i + 1];
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("Unknown option " + args[i]);
      }
    }
    List<URI> uris = new ArrayList<>();
    long address = parse(base);
    for (int i = 0; i < nodes; i++) {
      uris.add(URI.create("http://" + format(address) + ":" + port + "/wsman"));
      address = next(address);
    }
    String request = Wsman.request(Wsman.Style.INTEL, Wsman.GET, Wsman.APMS).build();
    HttpClient http = DigestClient.newHttpClient(null);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong challenges = new AtomicLong();
    long[][] latencies = new long[threads][];
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int index = t;
      int threadCount = threads;
      String u = user;
      String p = password;
      Thread worker =
          new Thread(
              () -> {
                List<DigestClient> mine = new ArrayList<>();
                for (int i = index; i < uris.size(); i += threadCount) {
                  mine.add(new DigestClient(http, uris.get(i), u, p));
                }
                long[] samples = new long[1 << 20];
                int n = 0;
                int next = 0;
                while (System.nanoTime() < deadline && !mine.isEmpty()) {
                  DigestClient c = mine.get(next);
                  next = (next + 1) % mine.size();
                  long t0 = System.nanoTime();
                  try {
                    int before = c.roundTrips();
                    DigestClient.Reply r = c.send(request);
                    challenges.addAndGet(c.roundTrips() - before - 1);
                    if (r.status() == 200) {
                      ok.incrementAndGet();
                    } else {
                      errors.incrementAndGet();
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                  if (n < samples.length) {
                    samples[n++] = System.nanoTime() - t0;
                  }
                }
                latencies[index] = Arrays.copyOf(samples, n);
              },
              "load-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf(
        "%d nodes, %d threads, %.1f s: %d ok, %d errors, %d digest challenges, %.0f requests/s%n",
        nodes, threads, elapsed, ok.get(), errors.get(), challenges.get(), ok.get() / elapsed);
    if (all.length > 0) {
      System.out.printf(
          "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
          all[all.length / 2] / 1e6,
          all[(int) (all.length * 0.9)] / 1e6,
          all[(int) (all.length * 0.99)] / 1e6,
          all[all.length - 1] / 1e6);
    }
  }

  private static long parse(String text) {
    long v = 0;
    for (String p : text.split("\\.")) {
      v = (v << 8) | Integer.parseInt(p);
    }
    return v;
  }

  private static long next(long v) {
    v++;
    while ((v & 0xFF) == 0 || (v & 0xFF) == 0xFF) {
      v++;
    }
    return v;
  }

  private static String format(long v) {
    return ((v >> 24) & 0xFF)
        + "."
        + ((v >> 16) & 0xFF)
        + "."
        + ((v >> 8) & 0xFF)
        + "."
        + (v & 0xFF);
  }
}
