package org.amtpxe.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.amtpxe.virtualamt.NodeCounters;

/**
 * The virtual AMTs in their own JVM ({@code org.amtpxe.virtualamt.Main} on this class path), driven
 * through the control API, so that the CPU and memory measured in this JVM are the conductor's and
 * the driver's alone.
 */
final class ExternalEmulators implements Emulators {
  private static final String CONTROL_PREFIX = "control API: ";

  private final Process process;
  private final URI api;
  private final List<Target> targets;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private ExternalEmulators(Process process, URI api) throws Exception {
    this.process = process;
    this.api = api;
    List<Target> list = new ArrayList<>();
    for (JsonNode n : get("/nodes")) {
      list.add(
          new Target(n.path("name").asText(), n.path("address").asText(), n.path("port").asInt()));
    }
    this.targets = List.copyOf(list);
  }

  /**
   * Starts {@code count} virtual AMTs in a new JVM and waits until they listen.
   *
   * @param heap the emulator JVM's -Xmx, e.g. {@code 512m}
   * @throws IOException when the emulator does not start; its output is in the message
   */
  static ExternalEmulators start(int count, String base, int port, String password, String heap)
      throws Exception {
    return start(count, base, port, password, heap, "amt-");
  }

  /**
   * Starts {@code count} virtual AMTs named {@code <prefix>1 .. <prefix><count>} in a new JVM; see
   * {@link #start(int, String, int, String, String)}.
   */
  static ExternalEmulators start(
      int count, String base, int port, String password, String heap, String prefix)
      throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                javaBin,
                "-Xmx" + heap,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                "org.amtpxe.virtualamt.Main",
                "--nodes",
                String.valueOf(count),
                "--name-prefix",
                prefix,
                "--base-address",
                base,
                "--port",
                String.valueOf(port),
                "--workers",
                "64",
                "--control",
                "127.0.0.1:0")
            .redirectErrorStream(true);
    builder.environment().put("VIRTUAL_AMT_PASSWORD", password);
    Process process = builder.start();
    StringBuilder output = new StringBuilder();
    URI api = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (output.length() < 20_000) {
          output.append(line).append('\n');
        }
        if (line.startsWith(CONTROL_PREFIX)) {
          api = URI.create(line.substring(CONTROL_PREFIX.length()).trim());
        }
        if (line.startsWith("Ready.")) {
          break;
        }
      }
      if (api == null || !process.isAlive()) {
        process.destroyForcibly();
        throw new IOException("The virtual AMT process did not start:\n" + output);
      }
      // Keep reading its output, so that it never blocks on a full pipe.
      Thread drain =
          new Thread(
              () -> {
                try {
                  process.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                  // the process ended
                }
              },
              "virtual-amt-output");
      drain.setDaemon(true);
      drain.start();
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    return new ExternalEmulators(process, api);
  }

  /** The emulator's process id. */
  long pid() {
    return process.pid();
  }

  @Override
  public List<Target> targets() {
    return targets;
  }

  @Override
  public void latency(Duration latency) throws Exception {
    send("PATCH", "/switches", "{\"latencyMs\": " + latency.toMillis() + "}");
  }

  @Override
  public void resetCounters() throws Exception {
    send("POST", "/counters/reset", "");
  }

  @Override
  public NodeCounters counters() throws Exception {
    JsonNode c = get("/counters");
    return new NodeCounters(
        c.path("connections").asLong(),
        c.path("httpRequests").asLong(),
        c.path("unauthorized").asLong(),
        c.path("wsmanRequests").asLong(),
        c.path("faults").asLong(),
        c.path("dropped").asLong(),
        c.path("wakeUps").asLong());
  }

  /** utime + stime of the emulator process, from /proc (clock ticks of 10 ms). */
  @Override
  public Optional<Duration> cpu() throws IOException {
    Path stat = Path.of("/proc", String.valueOf(process.pid()), "stat");
    if (!Files.isReadable(stat)) {
      return Optional.empty();
    }
    String text = Files.readString(stat);
    // The fields after the command name, which is in parentheses and may contain spaces.
    String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return Optional.of(Duration.ofMillis(ticks * 10));
  }

  @Override
  public Optional<Long> residentBytes() throws IOException {
    return ProcessMemory.rss(Path.of("/proc", String.valueOf(process.pid()), "status"));
  }

  private JsonNode get(String path) throws Exception {
    return send("GET", path, null);
  }

  private JsonNode send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30));
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "Control API "
              + method
              + " "
              + path
              + ": HTTP "
              + response.statusCode()
              + " "
              + response.body());
    }
    return json.readTree(response.body());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
