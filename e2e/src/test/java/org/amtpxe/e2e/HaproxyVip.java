package org.amtpxe.e2e;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real HAProxy in front of the conductors' APIs, as the address the ramdisk's {@code api_url}
 * names: a process this test starts and stops by PID, its configuration generated into {@code dir}
 * from the template in the repository ({@code docs/examples/haproxy-api-vip.cfg}).
 */
final class HaproxyVip implements AutoCloseable {
  static final Path TEMPLATE = Path.of("../docs/examples/haproxy-api-vip.cfg");

  final String address;
  final int port;
  private final Path dir;
  private Process process;

  private HaproxyVip(String address, int port, Path dir) {
    this.address = address;
    this.port = port;
    this.dir = dir;
  }

  /** Whether the haproxy binary is installed (Debian package haproxy). */
  static boolean installed() {
    return Stream.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")
        .anyMatch(p -> Files.isExecutable(Path.of(p)));
  }

  /** A VIP on {@code address}, on a free port, for conductors to be added with {@link #start}. */
  static HaproxyVip on(String address, Path dir) throws IOException {
    Files.createDirectories(dir);
    return new HaproxyVip(address, KarafConductor.freeTcpPort(address), dir);
  }

  /** What the ramdisk's api_url is. */
  URI url() {
    return URI.create("http://" + address + ":" + port);
  }

  /**
   * Writes the configuration with one server per conductor, checks it ({@code haproxy -c}) and
   * starts HAProxy in the foreground; its output goes to haproxy.log.
   */
  void start(List<KarafConductor> conductors) throws IOException, InterruptedException {
    String servers =
        conductors.stream()
            .map(c -> "    server " + c.host + " " + c.address + ":" + c.apiPort + " check")
            .collect(Collectors.joining("\n"));
    // The template's comments name the placeholders; only the other lines are filled in.
    String config =
        Files.readAllLines(TEMPLATE).stream()
                .map(
                    l ->
                        l.startsWith("#")
                            ? l
                            : l.replace("@VIP@", address)
                                .replace("@PORT@", String.valueOf(port))
                                .replace("@SERVERS@", servers))
                .collect(Collectors.joining("\n"))
            + "\n";
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, config);
    Process check =
        new ProcessBuilder(binary(), "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
    String out = new String(check.getInputStream().readAllBytes());
    if (!check.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || check.exitValue() != 0) {
      throw new IOException("haproxy -c refused " + cfg + ": " + out);
    }
    process =
        new ProcessBuilder(binary(), "-db", "-f", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("haproxy.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket(address, port)) {
        return;
      } catch (IOException e) {
        if (!process.isAlive()) {
          throw new IOException("haproxy ended: " + Files.readString(dir.resolve("haproxy.log")));
        }
        Thread.sleep(100);
      }
    }
    throw new IOException("haproxy does not listen on " + address + ":" + port);
  }

  /** Ends HAProxy (by its PID) and waits for it. */
  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    }
  }

  private static String binary() {
    return Stream.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")
        .filter(p -> Files.isExecutable(Path.of(p)))
        .findFirst()
        .orElse("haproxy");
  }
}
