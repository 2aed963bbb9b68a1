package org.amtpxe.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The test network: a network namespace with a bridge (192.168.77.1/24, fd77::1/64) and one tap per
 * machine (docs/pxe-deploy.md#network-namespace). Runs commands on the host and inside the
 * namespace, remembers every process it starts and, on {@link #close()}, ends them by PID (children
 * first) and deletes the namespace.
 */
final class Lab implements AutoCloseable {
  static final String BRIDGE_ADDRESS = "192.168.77.1";

  final String namespace;
  final Path dir;
  private final List<Process> started = new ArrayList<>();
  private boolean created;

  /** A finished command. */
  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }
  }

  /** A lab with a namespace of a random name. */
  Lab(Path dir) {
    this(dir, "amtpxe-e2e-" + UUID.randomUUID().toString().substring(0, 8));
  }

  Lab(Path dir, String namespace) {
    this.dir = dir;
    this.namespace = namespace;
  }

  /** Why the lab cannot run here, or empty when it can. */
  static Optional<String> missingPrerequisite() {
    try {
      Process id = new ProcessBuilder("id", "-u").start();
      String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!"0".equals(uid)) {
        return Optional.of("network namespaces and tap devices need root (run .ci/run as root)");
      }
    } catch (IOException e) {
      return Optional.of("cannot run id -u: " + e.getMessage());
    }
    for (String tool :
        List.of("ip", "qemu-system-x86_64", "dnsmasq", "baremetal", "curl", "timeout")) {
      if (!onPath(tool)) {
        return Optional.of(
            tool
                + " is not installed (apt-get install iproute2 qemu-system-x86 ipxe-qemu ovmf ipxe"
                + " dnsmasq-base python3-ironicclient curl)");
      }
    }
    for (String file :
        List.of(
            "/usr/share/OVMF/OVMF_CODE_4M.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.fd",
            "/usr/lib/ipxe/snponly.efi",
            "/usr/lib/ipxe/qemu/efi-virtio.rom")) {
      if (!Files.isRegularFile(Path.of(file))) {
        return Optional.of(file + " is missing (apt-get install ovmf ipxe ipxe-qemu)");
      }
    }
    return Optional.empty();
  }

  static boolean onPath(String tool) {
    return Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }

  /** Creates the namespace, the bridge and {@code taps} tap devices tap0.. on it. */
  void create(int taps) throws IOException {
    host("ip", "netns", "add", namespace);
    created = true;
    ns("ip", "link", "set", "lo", "up");
    ns("ip", "link", "add", "br0", "type", "bridge");
    ns("ip", "addr", "add", BRIDGE_ADDRESS + "/24", "dev", "br0");
    // Only so that dnsmasq can send router advertisements: without one, iPXE waits ~15 s for
    // IPv6 autoconfiguration on every boot (docs/pxe-deploy.md#router-advertisements).
    ns("ip", "-6", "addr", "add", "fd77::1/64", "dev", "br0", "nodad");
    ns("ip", "link", "set", "br0", "up");
    for (int i = 0; i < taps; i++) {
      ns("ip", "tuntap", "add", "dev", "tap" + i, "mode", "tap");
      ns("ip", "link", "set", "tap" + i, "master", "br0");
      ns("ip", "link", "set", "tap" + i, "up");
    }
  }

  /** Runs a command on the host; fails the test if it fails. */
  Result host(String... command) throws IOException {
    return check(run(Duration.ofSeconds(60), Map.of(), List.of(command)));
  }

  /** Runs a command inside the namespace; fails the test if it fails. */
  Result ns(String... command) throws IOException {
    return check(run(Duration.ofSeconds(60), Map.of(), inNamespace(List.of(command))));
  }

  /** Runs a command inside the namespace and returns what happened. */
  Result nsResult(Duration timeout, Map<String, String> env, List<String> command)
      throws IOException {
    return run(timeout, env, inNamespace(command));
  }

  /**
   * Starts a long-running process inside the namespace; its output goes to {@code log}.
   *
   * @return the process, ended by {@link #close()} if still running
   */
  Process start(Path log, Map<String, String> env, List<String> command) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(inNamespace(command))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    Process p = pb.start();
    synchronized (started) {
      started.add(p);
    }
    return p;
  }

  /** Ends a process this lab started, and its children, by PID. */
  static void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle child : children) {
      try {
        child.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        child.destroyForcibly();
      }
    }
    if (p.isAlive()) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Override
  public void close() throws IOException {
    List<Process> all;
    synchronized (started) {
      all = new ArrayList<>(started);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      stop(all.get(i));
    }
    if (created) {
      run(Duration.ofSeconds(30), Map.of(), List.of("ip", "netns", "del", namespace));
      created = false;
    }
  }

  private List<String> inNamespace(List<String> command) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    all.addAll(command);
    return all;
  }

  private static Result check(Result r) {
    if (!r.ok()) {
      throw new AssertionError("command failed (exit " + r.exit() + "): " + r.err() + r.out());
    }
    return r;
  }

  private Result run(Duration timeout, Map<String, String> env, List<String> command)
      throws IOException {
    Path out = Files.createTempFile(dir, "cmd", ".out");
    Path err = Files.createTempFile(dir, "cmd", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      boolean done;
      try {
        done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done = false;
      }
      if (!done) {
        stop(p);
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
