package org.amtpxe.virtualamt.internal.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.amtpxe.virtualamt.BootCause;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.BootError;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.MachineHost;
import org.amtpxe.virtualamt.internal.machine.ThreadedMachine;
import org.amtpxe.virtualamt.internal.qemu.QemuOptions.Firmware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real machine behind a virtual AMT: a QEMU guest driven over QMP. Power on starts a QEMU
 * process, power off ends it ({@code quit}, a hard stop), and every boot, whoever causes it, is a
 * fresh process whose boot order is the device the AMT firmware chose for that boot. A reboot or a
 * power-off by the guest itself pauses QEMU ({@code -action reboot=shutdown,shutdown=pause}); the
 * backend then consumes AMT's one-time override for the boot that follows, exactly as firmware does
 * at POST, and starts it.
 *
 * <p>NOTE: resetting one QEMU process ({@code system_reset}) instead of starting a new one is not
 * exact. After a Linux guest rebooted, SeaBIOS finds its shadow RAM already initialised and resets
 * the machine once more by itself (measured: a second {@code SHUTDOWN guest-reset} at once after
 * {@code cont}), which would count as another boot and consume the override. A fresh process has
 * none of this, costs about 0.2 s, and keeps the disk, the serial log (appended) and the UEFI
 * variable store.
 *
 * <p>All work runs on one thread per machine; requests return at once, as the interface requires.
 */
public final class QemuMachine extends ThreadedMachine {
  private static final Logger LOG = LoggerFactory.getLogger(QemuMachine.class);
  private static final Duration QMP_CONNECT_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration QMP_REPLY_TIMEOUT = Duration.ofSeconds(10);

  private final QemuOptions options;
  private final AtomicLong runIds = new AtomicLong();
  private volatile Run run;
  private volatile BootDevice lastBootDevice;
  private volatile String lastProblem;

  /** One QEMU process: one boot. */
  private volatile java.nio.channels.SocketChannel serial;

  private record Run(long id, Process process, QmpClient qmp, BootDevice device) {}

  /**
   * Creates the machine; nothing runs until it is powered on.
   *
   * @param name the node's name (names the process, the QMP socket and the variable store)
   * @param options how to run QEMU
   */
  public QemuMachine(String name, QemuOptions options) {
    super(name, "qemu", "QEMU machine");
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public void powerOn() {
    submit(
        () -> {
          if (powerState() == HostPowerState.OFF) {
            setState(HostPowerState.ON);
            boot(BootCause.AMT_POWER_ON);
          }
        });
  }

  @Override
  public void powerOff() {
    submit(
        () -> {
          stopRun();
          setState(HostPowerState.OFF);
        });
  }

  @Override
  public void reset() {
    submit(() -> rebootIfOn(BootCause.AMT_RESET));
  }

  @Override
  public void powerCycle() {
    submit(
        () -> {
          if (powerState() == HostPowerState.ON) {
            stopRun();
            setState(HostPowerState.OFF);
            setState(HostPowerState.ON);
            boot(BootCause.AMT_POWER_CYCLE);
          }
        });
  }

  /** Sends the ACPI power button event; a guest without ACPI handling ignores it. */
  @Override
  public void gracefulShutdown() {
    submit(() -> qmp("system_powerdown"));
  }

  /** QEMU has no OS agent to ask: the graceful reset is a reset. */
  @Override
  public void gracefulReset() {
    submit(() -> rebootIfOn(BootCause.AMT_GRACEFUL_RESET));
  }

  @Override
  public void suspend(HostPowerState target) {
    LOG.info("Node {}: the QEMU machine does not emulate suspend to {}; ignored", name(), target);
  }

  @Override
  public void diagnosticInterrupt() {
    submit(() -> qmp("inject-nmi"));
  }

  @Override
  public void hostReboot() {
    submit(() -> rebootIfOn(BootCause.HOST_REBOOT));
  }

  @Override
  public void hostShutdown() {
    submit(
        () -> {
          if (powerState() == HostPowerState.ON) {
            stopRun();
            setState(HostPowerState.OFF);
          }
        });
  }

  @Override
  public void pressPowerButton() {
    submit(
        () -> {
          if (powerState() == HostPowerState.OFF) {
            setState(HostPowerState.ON);
            boot(BootCause.HOST_POWER_ON);
          } else {
            qmp("system_powerdown");
          }
        });
  }

  /** The CPUs, memory, disk, MAC and firmware of this QEMU machine ({@link QemuHardware}). */
  @Override
  public Hardware hardware(Hardware declared) {
    return QemuHardware.map(options, declared);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("type", "qemu");
    d.put("firmware", options.firmware().name().toLowerCase(java.util.Locale.ROOT));
    d.put("mac", options.macLowerCase());
    d.put("network", options.tap() != null ? "tap " + options.tap() : options.netdev());
    d.put("disk", options.disk().toString());
    d.put("serialLog", options.serialLog().toString());
    Run r = run;
    d.put("running", r != null);
    if (r != null) {
      d.put("pid", r.process().pid());
      d.put("bootDevice", r.device().id());
    }
    BootDevice last = lastBootDevice;
    if (last != null) {
      d.put("lastBootDevice", last.id());
    }
    String problem = lastProblem;
    if (problem != null) {
      d.put("lastProblem", problem);
    }
    return d;
  }

  /** Ends the QEMU process at once and stops the machine's thread. */
  @Override
  public void close() {
    stopWorker();
    Run r = run;
    if (r != null) {
      kill(r.process());
      r.qmp().close();
    }
    awaitWorker(Duration.ofSeconds(5));
    r = run;
    if (r != null) {
      kill(r.process());
    }
  }

  // ---- on the worker thread ----

  private void rebootIfOn(BootCause cause) {
    if (powerState() == HostPowerState.ON) {
      stopRun();
      boot(cause);
    }
  }

  /** Asks the firmware for the device, then starts the QEMU process that boots it. */
  private void boot(BootCause cause) {
    MachineHost h = requireHost();
    BootDevice device = h.bootStarting(cause);
    lastBootDevice = device;
    BootDevice effective = device;
    if (device == BootDevice.CDROM || device == BootDevice.BIOS) {
      effective = BootDevice.DISK;
      if (device == BootDevice.CDROM) {
        h.bootFailed(BootError.NO_REMOVABLE_MEDIA);
      }
      h.bootNote(
          "qemu: "
              + (device == BootDevice.CDROM ? "no CD/DVD drive" : "BIOS setup is not emulated")
              + "; the firmware goes on with its own boot order (disk)");
    }
    try {
      run = launch(effective);
      lastProblem = null;
      h.bootNote(
          "qemu: pid "
              + run.process().pid()
              + ", "
              + options.firmware().name().toLowerCase(java.util.Locale.ROOT)
              + ", boot order "
              + (effective == BootDevice.PXE ? "network, disk" : "disk"));
    } catch (IOException | RuntimeException e) {
      lastProblem = e.getMessage();
      h.bootNote("qemu: could not start: " + e.getMessage());
      LOG.warn("Node {}: QEMU did not start: {}", name(), e.getMessage());
      setState(HostPowerState.OFF);
    }
  }

  private Run launch(BootDevice device) throws IOException {
    prepareFiles();
    Path socket = options.stateDir().toAbsolutePath().resolve(name() + ".qmp");
    if (QemuCommand.serialSocket(socket)
            .toString()
            .getBytes(java.nio.charset.StandardCharsets.UTF_8)
            .length
        > 107) {
      throw new IOException(
          "the QMP socket path "
              + socket
              + " is longer than a UNIX socket allows (107 bytes); choose a shorter stateDir");
    }
    Files.deleteIfExists(socket);
    Path vars = options.stateDir().resolve(name() + "-OVMF_VARS.fd");
    List<String> command = QemuCommand.build(options, device, name(), socket, vars);
    Path qemuLog = options.stateDir().resolve(name() + "-qemu.log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(qemuLog.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    long id = runIds.incrementAndGet();
    LOG.debug("Node {}: started QEMU pid {}: {}", name(), process.pid(), command);
    QmpClient qmp;
    try {
      qmp =
          QmpClient.connect(
              socket, QMP_CONNECT_TIMEOUT, QMP_REPLY_TIMEOUT, event -> onEvent(id, event), name());
      connectSerial(QemuCommand.serialSocket(socket), id);
      qmp.execute("cont", Map.of());
    } catch (IOException e) {
      kill(process);
      throw new IOException(
          e.getMessage() + "; QEMU's own messages are in " + qemuLog + tail(qemuLog), e);
    }
    process.onExit().thenRun(() -> submit(() -> exited(id)));
    return new Run(id, process, qmp, device);
  }

  /**
   * Connects to the serial port's socket (QEMU created it with the QMP socket; the guest is still
   * paused, so nothing is lost) and copies what the guest writes to the serial log and the
   * firmware's SOL until the process ends.
   */
  private void connectSerial(Path path, long runId) throws IOException {
    java.nio.channels.SocketChannel channel =
        java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
    channel.connect(java.net.UnixDomainSocketAddress.of(path));
    serial = channel;
    MachineHost h = requireHost();
    java.io.OutputStream log =
        Files.newOutputStream(
            options.serialLog(),
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
    Thread reader =
        new Thread(
            () -> {
              java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(4096);
              try (log) {
                while (channel.read(buffer) >= 0) {
                  buffer.flip();
                  byte[] bytes = new byte[buffer.remaining()];
                  buffer.get(bytes);
                  buffer.clear();
                  log.write(bytes);
                  log.flush();
                  h.serialOutput(bytes);
                }
              } catch (IOException e) {
                LOG.debug("Node {}: serial port of run {} closed: {}", name(), runId, e.toString());
              } finally {
                try {
                  channel.close();
                } catch (IOException e) {
                  // already closed
                }
              }
            },
            "qemu-serial-" + name() + "-" + runId);
    reader.setDaemon(true);
    reader.start();
  }

  /** A real serial port: the firmware does not narrate boots on it. */
  @Override
  public boolean hasSerialPort() {
    return true;
  }

  /** Keys typed through SOL go to the guest's serial port; lost while no process runs. */
  @Override
  public void serialInput(byte[] data, MachineHost host) {
    java.nio.channels.SocketChannel channel = serial;
    if (channel == null || !channel.isOpen()) {
      return;
    }
    try {
      synchronized (channel) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
          channel.write(b);
        }
      }
    } catch (IOException e) {
      LOG.debug("Node {}: keys for the serial port lost: {}", name(), e.toString());
    }
  }

  private void prepareFiles() throws IOException {
    Files.createDirectories(options.stateDir());
    Path serialDir = options.serialLog().toAbsolutePath().getParent();
    if (serialDir != null) {
      Files.createDirectories(serialDir);
    }
    if (!Files.exists(options.disk())) {
      if (options.diskSizeMb() == 0) {
        throw new IOException(
            "the disk "
                + options.disk()
                + " does not exist; create it or set diskSizeMb in the machine's config");
      }
      Path dir = options.disk().toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      try (var file =
          java.nio.channels.FileChannel.open(
              options.disk(),
              java.nio.file.StandardOpenOption.CREATE_NEW,
              java.nio.file.StandardOpenOption.WRITE)) {
        file.truncate(0);
        file.position((long) options.diskSizeMb() * 1024 * 1024 - 1);
        file.write(java.nio.ByteBuffer.wrap(new byte[1]));
      }
    }
    if (options.firmware() == Firmware.UEFI) {
      Path vars = options.stateDir().resolve(name() + "-OVMF_VARS.fd");
      if (!Files.exists(vars)) {
        if (!Files.isRegularFile(options.ovmfVars())) {
          throw new IOException(
              "the OVMF variable store "
                  + options.ovmfVars()
                  + " is missing (apt-get install ovmf, or set ovmfVars)");
        }
        Files.copy(options.ovmfVars(), vars, StandardCopyOption.REPLACE_EXISTING);
      }
      if (!Files.isRegularFile(options.ovmfCode())) {
        throw new IOException(
            "the OVMF code image " + options.ovmfCode() + " is missing (apt-get install ovmf)");
      }
    }
  }

  private void onEvent(long runId, QmpClient.Event event) {
    if (!"SHUTDOWN".equals(event.name()) || !event.data().path("guest").asBoolean(false)) {
      return;
    }
    String reason = event.data().path("reason").asText("");
    submit(() -> guestShutdown(runId, reason));
  }

  /** The guest rebooted or powered off by itself; QEMU is paused. */
  private void guestShutdown(long runId, String reason) {
    Run r = run;
    if (r == null || r.id() != runId) {
      return;
    }
    MachineHost h = requireHost();
    if ("guest-reset".equals(reason)) {
      h.bootNote("qemu: the guest rebooted");
      stopRun();
      boot(BootCause.HOST_REBOOT);
    } else {
      h.bootNote("qemu: the guest " + ("guest-shutdown".equals(reason) ? "powered off" : reason));
      stopRun();
      setState(HostPowerState.OFF);
    }
  }

  /** The process ended; if it is still the current one, nobody asked: the host is off. */
  private void exited(long runId) {
    Run r = run;
    if (r == null || r.id() != runId) {
      return;
    }
    run = null;
    r.qmp().close();
    int code = r.process().exitValue();
    lastProblem = "QEMU exited by itself with status " + code;
    requireHost()
        .bootNote(
            "qemu: exited by itself with status "
                + code
                + (code == 124 || code == 137 ? " (killed after maxRunSeconds)" : ""));
    LOG.warn("Node {}: QEMU exited by itself with status {}", name(), code);
    setState(HostPowerState.OFF);
  }

  /** Ends the current process, if any: {@code quit} over QMP, then a kill if needed. */
  private void stopRun() {
    Run r = run;
    if (r == null) {
      return;
    }
    run = null;
    try {
      r.qmp().execute("quit", Map.of());
    } catch (IOException e) {
      LOG.debug("Node {}: quit: {}", name(), e.getMessage());
    }
    try {
      if (!r.process().waitFor(5, TimeUnit.SECONDS)) {
        kill(r.process());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(r.process());
    }
    r.qmp().close();
  }

  private void qmp(String command) {
    Run r = run;
    if (r == null) {
      return;
    }
    try {
      r.qmp().execute(command, Map.of());
    } catch (IOException e) {
      LOG.info("Node {}: {} failed: {}", name(), command, e.getMessage());
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      if (lines.isEmpty()) {
        return "";
      }
      return ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }
}
