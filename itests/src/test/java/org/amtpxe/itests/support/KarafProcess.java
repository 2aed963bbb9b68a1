package org.amtpxe.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Our Karaf distribution run as a process, the way an operator runs it: unpacked from its archive,
 * configured in {@code etc/}, started with {@code bin/start}, stopped with {@code bin/stop} or
 * killed. Only the Karaf this object started is ever stopped or killed (by its pid).
 */
public final class KarafProcess implements AutoCloseable {
  private final Path home;
  private Long pid;

  private KarafProcess(Path home) {
    this.home = home;
  }

  /**
   * Unpacks the distribution archive into an empty {@code dir}. A Karaf of an earlier run still
   * running from there (its pid file names a live process started from that directory) is killed.
   */
  public static KarafProcess unpack(Path archive, Path dir)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(archive)) {
      throw new IllegalStateException(
          "No distribution archive at " + archive + "; build the distribution module first.");
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> homes = Files.list(dir)) {
        for (Path old : homes.toList()) {
          new KarafProcess(old).runningPid().ifPresent(KarafProcess::kill);
        }
      }
      deleteTree(dir);
    }
    Files.createDirectories(dir);
    run(dir, Duration.ofMinutes(2), "tar", "-xzf", archive.toString(), "-C", dir.toString());
    try (Stream<Path> homes = Files.list(dir)) {
      List<Path> found = homes.filter(Files::isDirectory).toList();
      if (found.size() != 1) {
        throw new IllegalStateException(
            "Expected one directory in " + archive + ", found " + found);
      }
      return new KarafProcess(found.get(0));
    }
  }

  public Path home() {
    return home;
  }

  /** The pid of the running Karaf this object started. */
  public long pid() {
    if (pid == null) {
      throw new IllegalStateException("Karaf is not running");
    }
    return pid;
  }

  /** A configuration file in this Karaf's {@code etc/}. */
  public ConfigFile etc(String pid) {
    return new ConfigFile(home.resolve("etc").resolve(pid + ".cfg"));
  }

  /** This Karaf's {@code data/log/karaf.log}. */
  public LogFile log() {
    return new LogFile(home.resolve("data/log/karaf.log"));
  }

  /** Runs {@code bin/start} and waits until Karaf wrote its pid file. */
  public void start() throws IOException, InterruptedException {
    if (runningPid().isPresent()) {
      throw new IllegalStateException("Karaf in " + home + " is already running");
    }
    Files.deleteIfExists(home.resolve("karaf.pid"));
    run(home, Duration.ofSeconds(60), home.resolve("bin/start").toString());
    pid =
        Poll.until(
                "Karaf's pid file in " + home,
                Duration.ofSeconds(60),
                this::runningPid,
                Optional::isPresent)
            .orElseThrow();
  }

  /** Runs {@code bin/stop} and waits for the process to end; kills it if it does not. */
  public void stop() throws IOException, InterruptedException {
    if (pid == null) {
      return;
    }
    run(home, Duration.ofSeconds(60), home.resolve("bin/stop").toString());
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isPresent() && !awaitExit(process.get(), Duration.ofSeconds(60))) {
      kill(pid);
    }
    pid = null;
  }

  /** Kills Karaf with SIGKILL, as a crash or a power loss would end it. */
  public void killHard() {
    if (pid != null) {
      kill(pid);
      pid = null;
    }
  }

  public boolean isRunning() {
    return pid != null && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The pid from the pid file, when that process is alive and runs from this directory. */
  private Optional<Long> runningPid() {
    Path file = home.resolve("karaf.pid");
    try {
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      String text = Files.readString(file).trim();
      if (text.isEmpty()) {
        return Optional.empty();
      }
      long p = Long.parseLong(text);
      return ProcessHandle.of(p)
          .filter(ProcessHandle::isAlive)
          .filter(h -> h.info().commandLine().map(c -> c.contains(home.toString())).orElse(false))
          .map(h -> p);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void kill(long pid) {
    ProcessHandle.of(pid)
        .ifPresent(
            h -> {
              h.destroyForcibly();
              awaitExit(h, Duration.ofSeconds(30));
            });
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return !process.isAlive();
    }
  }

  /** Runs a command to completion; its output goes to the log of the test run. */
  private static void run(Path dir, Duration timeout, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
    Process p = builder.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The last lines of karaf.log, for failure messages. */
  public String logTail(int lines) {
    List<String> all = log().linesSince(0);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killHard();
    } catch (RuntimeException e) {
      killHard();
      throw e;
    }
  }
}
