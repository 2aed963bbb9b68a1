package org.amtpxe.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The virtual AMT as a separate process, started from its standalone jar: a few emulated vPro
 * machines on loopback addresses, and its control API. Stopped by {@link #close()} or, at the
 * latest, when the JVM that started it exits; a process left behind by a killed test run is found
 * through its pid file and stopped at the next start.
 */
public final class VirtualAmtProcess implements AutoCloseable {

  /** The Digest user of every emulated AMT. */
  public static final String USERNAME = "admin";

  private final Process process;
  private final Http control;
  private final Path pidFile;
  private final Thread onExit;
  private final String password;

  private VirtualAmtProcess(
      Process process, Http control, Path pidFile, Thread onExit, String password) {
    this.process = process;
    this.control = control;
    this.pidFile = pidFile;
    this.onExit = onExit;
    this.password = password;
  }

  /** What to start. */
  public record Spec(
      Path jar,
      Path workDir,
      String name,
      int nodes,
      String namePrefix,
      String baseAddress,
      int port,
      String controlAddress,
      int controlPort,
      String password,
      int transitionMs) {}

  /**
   * Starts the emulator and waits until its control API answers.
   *
   * @throws IllegalStateException when it exits or does not answer within 30 s (its log is quoted)
   */
  public static VirtualAmtProcess start(Spec spec) throws IOException {
    if (!Files.isRegularFile(spec.jar())) {
      throw new IllegalStateException(
          "No virtual AMT jar at "
              + spec.jar()
              + "; build virtual-amt (mvn -pl virtual-amt package) and run the tests through Maven.");
    }
    Files.createDirectories(spec.workDir());
    Path pidFile = spec.workDir().resolve(spec.name() + ".pid");
    Path log = spec.workDir().resolve(spec.name() + ".log");
    stopLeftover(pidFile, spec.jar());
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-jar",
                spec.jar().toString(),
                "--nodes",
                String.valueOf(spec.nodes()),
                "--name-prefix",
                spec.namePrefix(),
                "--base-address",
                spec.baseAddress(),
                "--port",
                String.valueOf(spec.port()),
                "--username",
                USERNAME,
                "--power",
                "off",
                "--transition-ms",
                String.valueOf(spec.transitionMs()),
                "--workers",
                "16",
                "--control",
                spec.controlAddress() + ":" + spec.controlPort()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(spec.workDir().toFile());
    builder.environment().put("VIRTUAL_AMT_PASSWORD", spec.password());
    Process process = builder.start();
    Files.writeString(pidFile, String.valueOf(process.pid()));
    Thread onExit = new Thread(() -> destroy(process), "stop-virtual-amt-" + spec.name());
    Runtime.getRuntime().addShutdownHook(onExit);
    Http control = Http.of("http://" + spec.controlAddress() + ":" + spec.controlPort() + "/api");
    VirtualAmtProcess started =
        new VirtualAmtProcess(process, control, pidFile, onExit, spec.password());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      if (!process.isAlive()) {
        started.close();
        throw new IllegalStateException(
            "The virtual AMT exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        if (control.get("/nodes").status() == 200) {
          return started;
        }
      } catch (UncheckedIOException e) {
        // not listening yet
      }
      if (System.nanoTime() - deadline > 0) {
        started.close();
        throw new IllegalStateException(
            "The virtual AMT did not answer within 30 s: " + Files.readString(log));
      }
      sleep(100);
    }
  }

  /** Stops a process of an earlier run that was killed before it could stop its emulator. */
  private static void stopLeftover(Path pidFile, Path jar) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Optional<ProcessHandle> old = ProcessHandle.of(pid);
    if (old.isPresent()
        && old.get().info().commandLine().map(c -> c.contains(jar.toString())).orElse(false)) {
      old.get().destroy();
      old.get()
          .onExit()
          .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
          .exceptionally(
              e -> {
                old.get().destroyForcibly();
                return null;
              })
          .join();
    }
    Files.delete(pidFile);
  }

  /** The password of every emulated AMT. */
  public String password() {
    return password;
  }

  /** The control API, {@code http://address:port/api}. */
  public Http control() {
    return control;
  }

  /** One machine as the control API shows it: power state, boot override, switches, counters. */
  public Map<String, Object> node(String name) {
    return control.get("/nodes/" + name).ok().json();
  }

  /** The machine's power state, {@code on} or {@code off}. */
  public String powerState(String name) {
    return String.valueOf(node(name).get("powerState"));
  }

  /** The WS-Man requests the machine received, oldest first. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> requests(String name) {
    Object list = Json.parse(control.get("/nodes/" + name + "/requests").ok().body());
    return (List<Map<String, Object>>) list;
  }

  /** The boots of the machine, oldest first: time, device, cause, overrideUsed. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> boots(String name) {
    Object list = Json.parse(control.get("/nodes/" + name + "/boots").ok().body());
    return (List<Map<String, Object>>) list;
  }

  /** Changes realism switches of one machine, e.g. {@code latencyMs}. */
  public void switches(String name, Map<String, Object> switches) {
    control.patch("/nodes/" + name + "/switches", switches).ok();
  }

  /** Empties one machine's request log and counters. */
  public void resetCounters(String name) {
    control.post("/nodes/" + name + "/counters/reset", Map.of()).ok();
  }

  /** Something the host does by itself: {@code reboot}, {@code shutdown}, {@code power-button}. */
  public void host(String name, String action) {
    control.post("/nodes/" + name + "/host", Map.of("action", action)).ok();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  private static void destroy(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    destroy(process);
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook runs anyway
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      // a stale pid file is checked against the command line before use
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
