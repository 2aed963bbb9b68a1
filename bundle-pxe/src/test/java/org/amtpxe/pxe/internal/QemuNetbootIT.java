package org.amtpxe.pxe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amtpxe.api.driver.DeployState;
import org.amtpxe.api.error.DeployFailureException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.pxe.internal.config.TestConfigs;
import org.amtpxe.pxe.internal.deploy.FakeTask;
import org.amtpxe.pxe.internal.deploy.TcpRamdiskNotifier;
import org.amtpxe.pxe.internal.tftp.TftpServer;
import org.amtpxe.pxe.internal.tftp.TftpServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real firmware against our servers: QEMU (TCG) with its iPXE option ROM and user-mode networking,
 * where the guest reaches the host's loopback as 10.0.2.2. Skips when qemu-system-x86_64 or the
 * ramdisk build's tools are missing.
 */
class QemuNetbootIT {
  static final String UUID = "6f1c2a9e-4b7d-4e11-9c3a-0d5e8f7a1b22";
  static final String MAC = "52:54:00:12:34:56";
  static Path payload;

  @TempDir Path dir;
  final List<AutoCloseable> closeables = new ArrayList<>();
  volatile Process qemu;
  final StringBuffer serial = new StringBuffer();
  volatile QmpOneShotBoot oneShot;
  volatile boolean closing;
  String diskDevices = "vda";

  @BeforeAll
  static void buildRamdisk() throws Exception {
    assumeTrue(
        onPath("qemu-system-x86_64"),
        "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86 ipxe-qemu)");
    payload = TestRamdisk.ensureBuilt();
  }

  static boolean onPath(String tool) {
    return Arrays.stream(System.getenv("PATH").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }

  @AfterEach
  void cleanUp() throws Exception {
    closing = true;
    if (qemu != null) {
      // NOTE: qemu runs under timeout(1); killing timeout alone would orphan a running VM.
      qemu.descendants().forEach(ProcessHandle::destroyForcibly);
      qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  static int freeTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** How the guest chooses its boot device. */
  enum Firmware {
    /** SeaBIOS, always from the NIC. */
    BIOS_ALWAYS_PXE,
    /** SeaBIOS with AMT's one-shot boot override emulated over QMP ({@link QmpOneShotBoot}). */
    BIOS_AMT_ONE_SHOT,
    /** OVMF, always from the NIC. */
    UEFI
  }

  void startQemu(String bootfile, Path disk, int notifyForward) throws IOException {
    startQemu(bootfile, disk, notifyForward, Firmware.BIOS_ALWAYS_PXE);
  }

  void startQemu(String bootfile, Path disk, int notifyForward, Firmware firmware)
      throws IOException {
    boolean uefi = firmware == Firmware.UEFI;
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "timeout",
                "600",
                "qemu-system-x86_64",
                "-accel",
                "tcg",
                "-nographic",
                "-nodefaults",
                "-serial",
                "stdio"));
    String nicBoot = "";
    if (uefi) {
      // OVMF with QEMU's iPXE EFI option ROM: the NIC boots first by bootindex, every boot.
      Path vars = dir.resolve("OVMF_VARS.fd");
      if (!Files.exists(vars)) {
        Files.copy(Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"), vars);
      }
      cmd.addAll(
          List.of(
              "-machine",
              "q35",
              "-m",
              "1024",
              "-drive",
              "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
              "-drive",
              "if=pflash,format=raw,file=" + vars));
      nicBoot = ",bootindex=1";
    } else {
      cmd.addAll(List.of("-m", "512"));
      if (firmware == Firmware.BIOS_AMT_ONE_SHOT) {
        // Only devices with a bootindex boot: the NIC while armed, then the disk.
        cmd.addAll(
            List.of(
                "-boot",
                "strict=on",
                "-qmp",
                "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off"));
        nicBoot = ",id=nic0,bootindex=1";
      } else {
        cmd.addAll(List.of("-boot", "n"));
      }
    }
    String netdev = "user,id=n0,bootfile=" + bootfile;
    if (notifyForward > 0) {
      netdev += ",hostfwd=tcp:127.0.0.1:" + notifyForward + "-:10000";
    }
    cmd.addAll(
        List.of("-netdev", netdev, "-device", "virtio-net-pci,netdev=n0,mac=" + MAC + nicBoot));
    if (disk != null && firmware == Firmware.BIOS_AMT_ONE_SHOT) {
      cmd.addAll(
          List.of(
              "-drive",
              "file=" + disk + ",format=raw,if=none,id=d0",
              "-device",
              "virtio-blk-pci,drive=d0,bootindex=2"));
    } else if (disk != null) {
      cmd.addAll(List.of("-drive", "file=" + disk + ",format=raw,if=virtio"));
    }
    // NOTE: under TCG, OVMF's iPXE starts every boot with the same TCP source port and initial
    // sequence number (measured with a filter-dump capture). Its first connection is still in
    // LAST_ACK inside QEMU's user-mode network after a warm reboot (iPXE never acknowledged the
    // server's FIN before it started the kernel), so slirp drops the identical SYN of the next boot
    // and iPXE times out. A UEFI guest's reboot therefore ends the process and the boot that
    // follows is a fresh QEMU (fresh slirp) on the same disk and variable store, as the virtual
    // AMT's QEMU backend does for every boot (docs/pxe-deploy.md#reused-tcp-port).
    boolean restartOnReboot = uefi && disk != null;
    if (disk == null || restartOnReboot) {
      cmd.add("-no-reboot");
    }
    int bootStartsAt = serial.length();
    qemu = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Process thisRun = qemu;
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = qemu.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                int searchFrom = 0;
                while ((n = in.read(buf)) > 0) {
                  serial.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                  // SeaBIOS prints this when it boots the NIC's option ROM.
                  int at = serial.indexOf("Booting from ROM", searchFrom);
                  if (at >= 0) {
                    searchFrom = at + 1;
                    if (oneShot != null) {
                      oneShot.consumed();
                    }
                  }
                }
              } catch (IOException e) {
                // QEMU went away
              }
              if (restartOnReboot
                  && !closing
                  && serial.indexOf("reboot: Restarting system", bootStartsAt) >= 0) {
                try {
                  thisRun.waitFor(10, TimeUnit.SECONDS);
                  startQemu(bootfile, disk, notifyForward, firmware);
                } catch (IOException | InterruptedException e) {
                  serial.append("\n[test] could not start QEMU again: ").append(e).append('\n');
                }
              }
            },
            "qemu-serial");
    reader.setDaemon(true);
    reader.start();
  }

  /** OVMF starts its shell once every boot option failed: no marker can come after it. */
  private static final String GAVE_UP = "UEFI Interactive Shell";

  void awaitSerial(String marker, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end
        && !serial.toString().contains(marker)
        && !serial.toString().contains(GAVE_UP)) {
      Thread.sleep(200);
    }
    try {
      Path log = Path.of("target/failsafe-reports");
      Files.createDirectories(log);
      Files.writeString(
          log.resolve("qemu-serial-" + marker.replaceAll("\\W", "_") + ".log"), serial.toString());
    } catch (IOException e) {
      // the assertion below still shows the console
    }
    assertThat(serial.toString()).as("serial console").contains(marker);
  }

  @Test
  void ipxeFirmwareBootsAKernelFromOurTftpServer() throws Exception {
    Path root = Files.createDirectories(dir.resolve("tftpboot"));
    Files.copy(payload.resolve("vmlinuz"), root.resolve("vmlinuz"));
    Files.copy(payload.resolve("instance_ramdisk"), root.resolve("initrd"));
    TftpServer tftp =
        TftpServer.start(
            root,
            new InetSocketAddress("127.0.0.1", 0),
            new TftpServerOptions(
                1468,
                8,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                5,
                Duration.ofSeconds(300),
                8,
                8));
    closeables.add(tftp);
    String base = "tftp://10.0.2.2:" + tftp.localAddress().getPort();
    Files.writeString(
        root.resolve("boot.ipxe"),
        "#!ipxe\nkernel "
            + base
            + "/vmlinuz console=ttyS0 root=tftp-test\n"
            + "initrd "
            + base
            + "/initrd\nboot\n");
    long start = System.nanoTime();
    startQemu(base + "/boot.ipxe", null, 0);
    awaitSerial("INSTANCE-UP root=tftp-test", Duration.ofSeconds(180));
    System.out.printf(
        "QEMU iPXE TFTP boot: INSTANCE-UP after %.1f s, %d transfers%n",
        (System.nanoTime() - start) / 1e9, tftp.completedTransfers());
    assertThat(tftp.completedTransfers()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void fullNetbootDeployRearmsPxeAndBootsTheInstance() throws Exception {
    fullNetbootDeploy(Firmware.BIOS_AMT_ONE_SHOT, true);
  }

  @Test
  void anErrorTheRamdiskReportsFailsTheDeploy() throws Exception {
    diskDevices = "sdz";
    fullNetbootDeploy(Firmware.BIOS_ALWAYS_PXE, true);
  }

  @Test
  void withoutTheRearmTheNodeFallsToItsDiskInsteadOfTheInstance() throws Exception {
    fullNetbootDeploy(Firmware.BIOS_AMT_ONE_SHOT, false);
  }

  @Test
  void fullNetbootDeployWorksOnUefi() throws Exception {
    assumeTrue(
        Files.isRegularFile(Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd")),
        "OVMF is not installed (apt-get install ovmf): UEFI boot skipped");
    fullNetbootDeploy(Firmware.UEFI, true);
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  void fullNetbootDeploy(Firmware firmware, boolean rearm) throws Exception {
    boolean uefi = firmware == Firmware.UEFI;
    Path images = Files.createDirectories(dir.resolve("images"));
    byte[] image = new byte[4 * 1024 * 1024];
    new Random(5).nextBytes(image);
    Files.write(images.resolve("disk.img"), image);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    Path disk = dir.resolve("vda.raw");
    Files.write(disk, new byte[8 * 1024 * 1024]);

    int httpPort = freeTcpPort();
    int apiPort = freeTcpPort();
    int notifyForward = freeTcpPort();
    Map<String, Object> config = new HashMap<>();
    config.put("tftp_address", "127.0.0.1");
    config.put("tftp_port", freeTcpPort());
    config.put("http_address", "127.0.0.1");
    config.put("http_port", httpPort);
    config.put("http_url", "http://10.0.2.2:" + httpPort);
    config.put("api_url", "http://10.0.2.2:" + apiPort);
    config.put("tftp_root", dir.resolve("boot").toString());
    config.put("image_cache_dir", dir.resolve("master").toString());
    // Local images only come from image_dirs: the test's image and the built ramdisk payload.
    config.put("image_dirs", images + "," + payload.toAbsolutePath());
    config.put("pxe_append_params", "console=ttyS0");
    config.put("disk_devices", diskDevices);
    config.put("notify_timeout_seconds", 60);
    config.put("rearm_before_reboot", rearm);
    // The guest's port 10000 is forwarded to the host's 127.0.0.1:notifyForward.
    TcpRamdiskNotifier tcp = new TcpRamdiskNotifier();
    List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    NetbootService netboot =
        new NetbootService(
            TestConfigs.config(config),
            // Karaf's data directory: beside the images, never around them (image_dirs refuses).
            Files.createDirectories(dir.resolve("karaf-data")),
            (address, port, timeout) -> {
              events.add("notify " + address);
              tcp.notifyDone("127.0.0.1", notifyForward, timeout);
            });
    closeables.add(netboot::deactivate);

    Node node =
        Node.builder(UUID, "pxe_amt")
            .driverInfo(
                Map.of(
                    "deploy_kernel",
                    payload.resolve("vmlinuz").toString(),
                    "deploy_kernel_checksum",
                    sha256(payload.resolve("vmlinuz")),
                    "deploy_ramdisk",
                    payload.resolve("deploy_ramdisk").toAbsolutePath().toString(),
                    "deploy_ramdisk_checksum",
                    sha256(payload.resolve("deploy_ramdisk"))))
            .instanceInfo(
                Map.of(
                    "image_source",
                    images.resolve("disk.img").toString(),
                    "image_checksum",
                    sha,
                    "kernel",
                    payload.resolve("vmlinuz").toAbsolutePath().toString(),
                    "kernel_checksum",
                    sha256(payload.resolve("vmlinuz")),
                    "ramdisk",
                    payload.resolve("instance_ramdisk").toAbsolutePath().toString(),
                    "ramdisk_checksum",
                    sha256(payload.resolve("instance_ramdisk")),
                    "capabilities",
                    Map.of("boot_mode", uefi ? "uefi" : "bios")))
            .provisionState(ProvisionState.DEPLOYING)
            .build();
    FakeTask task = new FakeTask(node, List.of(FakeTask.port(UUID, MAC)));
    QmpOneShotBoot[] qmp = new QmpOneShotBoot[1];
    task.onEnsure =
        device -> {
          if (qmp[0] != null) {
            try {
              qmp[0].armPxe();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        };
    task.deploy = netboot.deploy();
    task.onReboot =
        () -> {
          try {
            startQemu("http://10.0.2.2:" + httpPort + "/boot.ipxe", disk, notifyForward, firmware);
            if (firmware == Firmware.BIOS_AMT_ONE_SHOT) {
              qmp[0] = QmpOneShotBoot.connect(dir.resolve("qmp.sock"));
              oneShot = qmp[0];
              if (serial.indexOf("Booting from ROM") >= 0) {
                oneShot.consumed(); // the first boot was faster than the QMP connection
              }
              closeables.add(qmp[0]);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };

    // The conductor's side of the ramdisk contract (ConductorService does it for real): the first
    // lookup by the booting MAC gets a one-time agent token; the callback must present it, and the
    // driver sees the lookup's address; then validate, answer 202, continue asynchronously.
    ExecutorService worker = Executors.newSingleThreadExecutor();
    closeables.add(worker::shutdownNow);
    List<Object> continued = java.util.Collections.synchronizedList(new ArrayList<>());
    HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", apiPort), 0);
    String[] issued = new String[2]; // the token and the address of the lookup that got it
    api.createContext(
        "/v1/lookup",
        ex -> {
          String query = String.valueOf(ex.getRequestURI().getQuery()).toLowerCase(Locale.ROOT);
          boolean valid =
              query.contains("addresses=" + MAC.toLowerCase(Locale.ROOT))
                  && query.contains("node_uuid=" + UUID)
                  && "1.22"
                      .equals(ex.getRequestHeaders().getFirst("X-OpenStack-Ironic-API-Version"));
          byte[] reply;
          synchronized (issued) {
            if (!valid || issued[0] != null) {
              events.add("lookup refused: " + query);
              ex.sendResponseHeaders(404, -1);
              ex.close();
              return;
            }
            issued[0] = "token-" + java.util.UUID.randomUUID();
            issued[1] = ex.getRemoteAddress().getAddress().getHostAddress();
            reply =
                ("{\"node\": {\"uuid\": \""
                        + UUID
                        + "\"}, \"config\": {\"agent_token\": \""
                        + issued[0]
                        + "\", \"agent_token_required\": true}}")
                    .getBytes(StandardCharsets.UTF_8);
          }
          events.add("lookup");
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, reply.length);
          ex.getResponseBody().write(reply);
          ex.close();
        });
    api.createContext(
        "/v1/nodes/" + UUID + "/vendor_passthru/pass_deploy_info",
        ex -> {
          Map<String, Object> body =
              flatJson(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          Object token = body.remove("agent_token");
          synchronized (issued) {
            if (issued[0] == null || !issued[0].equals(token)) {
              events.add("callback refused: wrong agent token " + token);
              ex.sendResponseHeaders(404, -1);
              ex.close();
              return;
            }
            body.put("address", issued[1]);
          }
          try {
            task.deploy.validateCallback(task, "pass_deploy_info", body);
          } catch (Exception e) {
            events.add("callback refused: " + e.getMessage());
            ex.sendResponseHeaders(400, -1);
            ex.close();
            return;
          }
          events.add("callback accepted");
          ex.sendResponseHeaders(202, -1);
          ex.close();
          worker.submit(
              () -> {
                try {
                  continued.add(task.deploy.continueDeploy(task, "pass_deploy_info", body));
                } catch (Exception e) {
                  continued.add(e);
                }
              });
        });
    api.start();
    closeables.add(() -> api.stop(0));

    long start = System.nanoTime();
    task.deploy.validate(task);
    task.deploy.prepare(task);
    assertThat(task.deploy.deploy(task)).isEqualTo(DeployState.WAIT_CALLBACK);
    // TCG on a loaded 2-core machine: a UEFI boot alone took up to ~100 s in a full build.
    long timeout = Long.getLong("amtpxe.qemu.timeout", uefi ? 420 : 240);
    if (!diskDevices.equals("vda")) {
      // The ramdisk finds no disk, calls back with the error, and the deploy fails on it.
      long end = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
      while (continued.isEmpty() && System.nanoTime() < end) {
        Thread.sleep(200);
      }
      assertThat(continued).hasSize(1);
      assertThat(continued.get(0))
          .isInstanceOfSatisfying(
              DeployFailureException.class,
              e ->
                  assertThat(e)
                      .hasMessageContaining("the deploy ramdisk reported an error")
                      .hasMessageContaining("none of the disks " + diskDevices + " exists"));
      assertThat(events).containsExactly("lookup", "callback accepted");
      assertThat(task.calls).doesNotContain("management.ensureNextBootDevice pxe");
      System.out.printf(
          "QEMU deploy with a ramdisk error: failed after %.1f s%n",
          (System.nanoTime() - start) / 1e9);
      return;
    }
    if (!rearm) {
      // The ramdisk reboots with the one-shot override consumed: the instance never comes up.
      awaitSerial("No bootable device.", Duration.ofSeconds(timeout));
      String log = serial.toString();
      assertThat(log.indexOf("DEPLOY-RAMDISK: got 'done'"))
          .isPositive()
          .isLessThan(log.lastIndexOf("No bootable device."));
      assertThat(log).doesNotContain("INSTANCE-UP");
      assertThat(task.calls).doesNotContain("management.ensureNextBootDevice pxe");
      assertThat(continued).containsExactly(DeployState.DONE);
      System.out.printf(
          "QEMU deploy without re-arm: fell to the disk after %.1f s%n",
          (System.nanoTime() - start) / 1e9);
      return;
    }
    try {
      awaitSerial("INSTANCE-UP", Duration.ofSeconds(timeout));
    } catch (AssertionError e) {
      throw new AssertionError(
          "no INSTANCE-UP within "
              + timeout
              + " s; events "
              + events
              + ", continued "
              + continued
              + ", calls "
              + task.calls
              + " (serial log in target/failsafe-reports)",
          e);
    }
    System.out.printf(
        "QEMU full netboot deploy (%s): INSTANCE-UP after %.1f s%n",
        uefi ? "UEFI" : "BIOS", (System.nanoTime() - start) / 1e9);

    assertThat(continued).containsExactly(DeployState.DONE);
    // slirp: the guest's requests reach the host from 127.0.0.1, the lookup's address.
    assertThat(events).containsExactly("lookup", "callback accepted", "notify 127.0.0.1");
    assertThat(task.calls)
        .containsSubsequence(
            "management.setBootDevice pxe persistent",
            "power.reboot",
            "management.ensureNextBootDevice pxe");
    String log = serial.toString();
    assertThat(log).contains("DEPLOY-RAMDISK: wrote the image to /dev/vda");
    assertThat(log.indexOf("DEPLOY-RAMDISK: got 'done'")).isLessThan(log.indexOf("INSTANCE-UP"));
    assertThat(log).contains("INSTANCE-UP root=/dev/vda");
    if (uefi) {
      // NOTE: the EFI stub finds the initrd only through initrd=<name> on the kernel line.
      assertThat(log).contains("EFI stub: Loaded initrd from command line option");
    }
    byte[] written = Arrays.copyOf(Files.readAllBytes(disk), image.length);
    assertThat(written).isEqualTo(image);
    assertThat(qemu.waitFor(30, TimeUnit.SECONDS)).as("the instance powers off").isTrue();
  }

  private static final Pattern PAIR = Pattern.compile("\"([a-z_]+)\"\\s*:\\s*\"([^\"]*)\"");

  static Map<String, Object> flatJson(String json) {
    Map<String, Object> m = new HashMap<>();
    Matcher matcher = PAIR.matcher(json);
    while (matcher.find()) {
      m.put(matcher.group(1), matcher.group(2));
    }
    return m;
  }
}
