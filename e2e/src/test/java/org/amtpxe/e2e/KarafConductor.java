package org.amtpxe.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One conductor of a cluster on this machine: a Karaf process from a copy of the distribution, on a
 * loopback address of its own, configured through etc/*.cfg as an operator would (the same keys as
 * {@code ./run cluster}). Every port is a free one on that address, so that several runs of the
 * test on one machine do not collide.
 */
final class KarafConductor {
  final String host;
  final String address;
  final Path home;
  final int apiPort;
  private int sshPort;
  private Process process;
  private long pid;

  private KarafConductor(String host, String address, Path home, int apiPort) {
    this.host = host;
    this.address = address;
    this.home = home;
    this.apiPort = apiPort;
  }

  /**
   * Copies the distribution into {@code home} and configures it as conductor {@code host} on {@code
   * address} with the database and cluster settings given.
   */
  static KarafConductor install(
      Path distribution,
      Path home,
      String host,
      String address,
      String dbUrl,
      String dbUser,
      Path clusterSecret,
      Duration heartbeatInterval,
      Duration heartbeatTimeout)
      throws IOException {
    if (!Files.isExecutable(distribution.resolve("bin/karaf"))) {
      throw new IllegalStateException(
          "No Karaf distribution in "
              + distribution
              + ": build it first (mvn -B install -DskipTests -pl distribution -am)");
    }
    KarafInLab.deleteTree(home);
    KarafInLab.copyTree(distribution, home);
    // NOTE: PgJDBC is an installed, not booted, feature of the distribution. As a startup bundle
    // it is there before the conductor resolves, so the conductor's optional import is wired at
    // once, with no refresh (as in run-cluster).
    Path pgjdbc;
    try (Stream<Path> versions = Files.list(home.resolve("system/org/postgresql/postgresql"))) {
      pgjdbc = versions.sorted().reduce((a, b) -> b).orElseThrow();
    }
    Files.writeString(
        home.resolve("etc/startup.properties"),
        "mvn\\:org.postgresql/postgresql/" + pgjdbc.getFileName() + " = 30\n",
        java.nio.file.StandardOpenOption.APPEND);
    KarafConductor c = new KarafConductor(host, address, home, freeTcpPort(address));
    String conductor = "org.amtpxe.conductor";
    KarafInLab.set(home, conductor, "host", host);
    KarafInLab.set(home, conductor, "api_host", address);
    KarafInLab.set(home, conductor, "api_port", String.valueOf(c.apiPort));
    KarafInLab.set(home, conductor, "db_url", dbUrl);
    KarafInLab.set(home, conductor, "db_user", dbUser);
    KarafInLab.set(home, conductor, "sync_interval", "10");
    KarafInLab.set(
        home, conductor, "heartbeat_interval", String.valueOf(heartbeatInterval.toSeconds()));
    KarafInLab.set(
        home, conductor, "heartbeat_timeout", String.valueOf(heartbeatTimeout.toSeconds()));
    KarafInLab.set(home, conductor, "cluster_secret_file", clusterSecret.toString());
    KarafInLab.set(home, "org.amtpxe.amt", "action_wait", "1");
    KarafInLab.set(home, "org.amtpxe.amt", "connect_timeout", "5");
    KarafInLab.set(home, "org.amtpxe.pxe", "tftp_address", address);
    KarafInLab.set(home, "org.amtpxe.pxe", "tftp_port", String.valueOf(freeUdpPort(address)));
    KarafInLab.set(home, "org.amtpxe.pxe", "http_address", address);
    KarafInLab.set(home, "org.amtpxe.pxe", "http_port", String.valueOf(freeTcpPort(address)));
    KarafInLab.set(home, "org.amtpxe.pxe", "api_url", c.api().toString());
    KarafInLab.set(home, "org.apache.karaf.shell", "sshHost", address);
    c.sshPort = freeTcpPort(address);
    KarafInLab.set(home, "org.apache.karaf.shell", "sshPort", String.valueOf(c.sshPort));
    String management = "org.apache.karaf.management";
    KarafInLab.set(home, management, "rmiRegistryHost", address);
    KarafInLab.set(home, management, "rmiRegistryPort", String.valueOf(freeTcpPort(address)));
    KarafInLab.set(home, management, "rmiServerHost", address);
    KarafInLab.set(home, management, "rmiServerPort", String.valueOf(freeTcpPort(address)));
    return c;
  }

  /** The REST API's base address. */
  URI api() {
    return URI.create("http://" + address + ":" + apiPort);
  }

  /** Starts {@code bin/karaf server}; its console output goes to karaf-console.log. */
  void start() throws IOException {
    Files.deleteIfExists(home.resolve("karaf.pid"));
    ProcessBuilder pb =
        new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(home.resolve("karaf-console.log").toFile()));
    pb.environment().put("JAVA_MAX_MEM", "384m");
    process = pb.start();
    pid = 0;
  }

  /** The Karaf JVM's process id (bin/karaf is a shell script that starts it), once written. */
  Optional<Long> javaPid() {
    if (pid == 0) {
      try {
        String text = Files.readString(home.resolve("karaf.pid")).trim();
        if (!text.isEmpty()) {
          pid = Long.parseLong(text);
        }
      } catch (IOException | NumberFormatException e) {
        return Optional.empty();
      }
    }
    return pid == 0 ? Optional.empty() : Optional.of(pid);
  }

  /** True while the Karaf script (and so its JVM) runs. */
  boolean running() {
    return process != null && process.isAlive();
  }

  /** {@code kill -9} of the Karaf JVM: no shutdown hook, no unregistration, locks left behind. */
  void kill() throws InterruptedException {
    javaPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    if (process != null) {
      process.destroyForcibly();
      process.waitFor();
    }
    javaPid().flatMap(ProcessHandle::of).ifPresent(h -> h.onExit().join());
  }

  /**
   * Runs one command in this Karaf's console through {@code bin/client} (SSH, the distribution's
   * karaf user) and returns what it printed.
   *
   * @throws IOException when the client fails or takes more than a minute
   */
  String console(String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                home.resolve("bin/client").toString(),
                "-h",
                address,
                "-a",
                String.valueOf(sshPort),
                "-u",
                "karaf",
                "-p",
                "karaf",
                "-r",
                "10",
                command)
            .redirectErrorStream(true)
            .start();
    String out;
    try (var in = p.getInputStream()) {
      out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(this + ": '" + command + "' failed: " + out);
    }
    return out;
  }

  /**
   * Seconds since Karaf's log last changed or since {@code startedNanos}, whichever is less, to
   * tell a slow boot from a hung one.
   */
  long logSilentSeconds(long startedNanos) {
    long sinceStart = (System.nanoTime() - startedNanos) / 1_000_000_000L;
    try {
      long modified = Files.getLastModifiedTime(home.resolve("data/log/karaf.log")).toMillis();
      return Math.min(sinceStart, (System.currentTimeMillis() - modified) / 1000);
    } catch (IOException e) {
      return sinceStart;
    }
  }

  /**
   * Ends a Karaf whose first boot hung, keeping its threads in hung-boot-threads-N.txt, and starts
   * it again from a fresh cache (data/ deleted; the nodes are in PostgreSQL).
   *
   * <p>NOTE: Karaf 4.4's first boot sometimes hangs under CPU contention: the boot-features
   * installer waits, on the start-level thread, for the features deployer, which waits for a bundle
   * lock (Felix.acquireBundleLock in Deployer.deploy's "Stopping bundles"). Seen twice with three
   * Karafs booting at once on 2 shared cores (e2e/README.md); the second boot came up.
   */
  Path restartHungBoot(int attempt) throws IOException, InterruptedException {
    Path dump = home.resolve("hung-boot-threads-" + attempt + ".txt");
    Optional<Long> jvm = javaPid();
    if (jvm.isPresent()) {
      new ProcessBuilder("jcmd", String.valueOf(jvm.get()), "Thread.print")
          .redirectErrorStream(true)
          .redirectOutput(dump.toFile())
          .start()
          .waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    kill();
    Files.move(
        home.resolve("data/log/karaf.log"),
        home.resolve("hung-boot-karaf-" + attempt + ".log"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    KarafInLab.deleteTree(home.resolve("data"));
    start();
    return dump;
  }

  /** The last lines of Karaf's log, for failure messages. */
  String logTail(int lines) {
    Path log = home.resolve("data/log/karaf.log");
    try (Stream<String> all = Files.lines(log)) {
      List<String> list = all.toList();
      return String.join("\n", list.subList(Math.max(0, list.size() - lines), list.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no " + log + ")";
    }
  }

  @Override
  public String toString() {
    return host + " (" + api() + ")";
  }

  static int freeTcpPort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }

  static int freeUdpPort(String address) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0))) {
      return s.getLocalPort();
    }
  }
}
