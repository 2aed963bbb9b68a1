package org.amtpxe.virtualamt.internal.simulated;

import static org.amtpxe.virtualamt.testing.Wsman.BOOT_CONFIG;
import static org.amtpxe.virtualamt.testing.Wsman.BOOT_SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.amtpxe.virtualamt.BootCause;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.BootRecord;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.VirtualAmt;
import org.amtpxe.virtualamt.VirtualAmtNode;
import org.amtpxe.virtualamt.testing.Await;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.amtpxe.virtualamt.testing.EventLogReader;
import org.amtpxe.virtualamt.testing.Wsman;
import org.amtpxe.virtualamt.testing.Wsman.Style;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated firmware against a stand-in for the PXE deploy's HTTP server and the conductor:
 * boot.ipxe chains to a per-MAC script, the callback switches it to the instance and sends "done",
 * and, like the pxe_amt driver, re-arms PXE on the AMT first (or not).
 */
class SimulatedFirmwareMachineTest {
  static final String MAC = "52:54:00:00:00:01";
  static final String NODE = "1be26c0b-03f2-4d2e-ae87-c02d7f33c123";
  static final String TOKEN = "T0k3nT0k3nT0k3nT0k3nT0k3nT0k3nT0k3nT0k3nT0k";

  /** The machine's own address: its ramdisk's requests come from it, and it hears "done" on it. */
  static final String MACHINE = "127.0.0.21";

  static final String PASSWORD = "P@ssw0rd-42";

  @TempDir Path dir;
  final ObjectMapper mapper = new ObjectMapper();
  final Map<String, byte[]> files = new ConcurrentHashMap<>();
  final List<JsonNode> callbacks = new CopyOnWriteArrayList<>();
  final List<String> lookups = new CopyOnWriteArrayList<>();
  final List<String> refused = new CopyOnWriteArrayList<>();
  volatile String lookupAddress;

  /** Callbacks answered 503 (the owner is dead and not yet replaced) before one is accepted. */
  final java.util.concurrent.atomic.AtomicInteger unavailable =
      new java.util.concurrent.atomic.AtomicInteger();

  final List<Long> callbackTimes = new CopyOnWriteArrayList<>();
  final ExecutorService conductor = Executors.newSingleThreadExecutor();
  HttpServer http;
  String base;
  int notifyPort;
  byte[] image;
  String imageSha256;
  boolean rearm = true;
  String checksumInScript;
  VirtualAmt amt;
  VirtualAmtNode node;

  @BeforeEach
  void start() throws Exception {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", this::serve);
    http.start();
    base = "http://127.0.0.1:" + http.getAddress().getPort();
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(MACHINE))) {
      notifyPort = s.getLocalPort();
    }
    image = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(image);
    imageSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    checksumInScript = imageSha256;
    files.put("/boot.ipxe", IpxeScriptTest.BOOT_IPXE.getBytes(StandardCharsets.UTF_8));
    for (String f : List.of("deploy_kernel", "deploy_ramdisk", "kernel", "ramdisk")) {
      files.put("/" + NODE + "/" + f, ("dummy " + f).getBytes(StandardCharsets.UTF_8));
    }
    files.put("/" + NODE + "/disk", image);
    amt =
        VirtualAmt.builder()
            .node(NodeSpec.builder("sim-1").address("127.0.0.1").port(0).password(PASSWORD).build())
            .machineFactory(
                spec ->
                    new SimulatedFirmwareMachine(
                        spec.name(),
                        new SimulatedFirmwareOptions(
                            MAC,
                            MACHINE,
                            URI.create(base + "/boot.ipxe"),
                            dir.resolve("disk.img"),
                            0,
                            "vda",
                            Duration.ofSeconds(10),
                            Duration.ofSeconds(5))))
            .start();
    node = amt.node("sim-1");
  }

  @AfterEach
  void stop() {
    amt.close();
    http.stop(0);
    conductor.shutdownNow();
  }

  void writeScript(String label) {
    String script =
        """
        #!ipxe

        goto %1$s

        :deploy
        kernel %2$s/%3$s/deploy_kernel deployment_id=%3$s ironic_api_url=%2$s image_url=%2$s/%3$s/disk image_checksum=%5$s image_checksum_algo=sha256 disk=cciss/c0d0,sda,vda boot_option=netboot boot_mode=bios notify_port=%6$d console=ttyS0 BOOTIF=${mac} || goto boot_error
        initrd --name deploy_ramdisk %2$s/%3$s/deploy_ramdisk || goto boot_error
        boot || goto boot_error

        :instance
        kernel %2$s/%3$s/kernel root=/dev/vda ro console=ttyS0 || goto boot_error
        initrd --name ramdisk %2$s/%3$s/ramdisk || goto boot_error
        boot || goto boot_error

        :boot_error
        echo Booting ${mac} failed; retrying in 10 seconds.
        sleep 10
        reboot
        """
            .formatted(label, base, NODE, "unused", checksumInScript, notifyPort);
    files.put("/pxelinux.cfg/52-54-00-00-00-01", script.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The stand-in: static files, and the conductor's side of the ramdisk contract (the first lookup
   * by the MAC gets the token; the callback must present it from the lookup's address).
   */
  void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String from = exchange.getRemoteAddress().getAddress().getHostAddress();
    boolean v122 =
        "1.22".equals(exchange.getRequestHeaders().getFirst("X-OpenStack-Ironic-API-Version"));
    if ("GET".equals(exchange.getRequestMethod()) && path.equals("/v1/lookup")) {
      lookups.add(from + " " + exchange.getRequestURI().getQuery());
      String query = exchange.getRequestURI().getQuery();
      if (!v122
          || lookupAddress != null
          || !query.equals("addresses=" + MAC + "&node_uuid=" + NODE)) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      lookupAddress = from;
      byte[] reply =
          ("{\"node\":{\"uuid\":\"" + NODE + "\"},\"config\":{\"agent_token\":\"" + TOKEN + "\"}}")
              .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, reply.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply);
      }
      return;
    }
    if ("POST".equals(exchange.getRequestMethod())
        && path.equals("/v1/nodes/" + NODE + "/vendor_passthru/pass_deploy_info")) {
      JsonNode body = mapper.readTree(exchange.getRequestBody());
      callbackTimes.add(System.nanoTime());
      if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
        return;
      }
      if (!v122
          || !TOKEN.equals(body.path("agent_token").asText())
          || !from.equals(lookupAddress)) {
        refused.add(from + " " + body);
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      callbacks.add(body);
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
      if (body.path("error").asText().isEmpty()) {
        conductor.execute(() -> continueDeploy(body));
      }
      return;
    }
    byte[] content = files.get(path);
    if (content == null) {
      exchange.sendResponseHeaders(404, -1);
    } else {
      exchange.sendResponseHeaders(200, content.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(content);
      }
    }
    exchange.close();
  }

  void continueDeploy(JsonNode body) {
    try {
      if (rearm) {
        armPxe();
      }
      writeScript("instance");
      try (Socket s = new Socket(lookupAddress, notifyPort);
          OutputStream out = s.getOutputStream()) {
        out.write("done".getBytes(StandardCharsets.US_ASCII));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the AMT driver sends: ChangeBootOrder(PXE), then SetBootConfigRole(1). */
  void armPxe() throws Exception {
    DigestClient client = new DigestClient(node.wsmanUri(), "admin", PASSWORD);
    Wsman order =
        Wsman.request(Style.INTEL, BOOT_CONFIG + "/ChangeBootOrder", BOOT_CONFIG)
            .body(Wsman.changeBootOrder(Style.INTEL, Wsman.PXE));
    assertThat(client.send(order.build()).status()).isEqualTo(200);
    Wsman role =
        Wsman.request(Style.INTEL, BOOT_SERVICE + "/SetBootConfigRole", BOOT_SERVICE)
            .body(Wsman.setBootConfigRole(Style.INTEL, 1));
    assertThat(client.send(role.build()).status()).isEqualTo(200);
  }

  @Test
  void deployWithTheRearmWritesTheDiskAndNetbootsTheInstanceAfterTheRamdiskReboot()
      throws Exception {
    writeScript("deploy");
    armPxe();

    node.machine().powerOn();
    Await.until(
        "two boots, the second one noted",
        Duration.ofSeconds(20),
        () -> node.bootHistory().size() == 2 && node.bootHistory().get(1).notes().size() >= 2);

    List<BootRecord> boots = node.bootHistory();
    assertThat(boots)
        .extracting(BootRecord::device)
        .containsExactly(BootDevice.PXE, BootDevice.PXE);
    assertThat(boots)
        .extracting(BootRecord::cause)
        .containsExactly(BootCause.AMT_POWER_ON, BootCause.HOST_REBOOT);
    assertThat(boots.get(0).notes())
        .anyMatch(n -> n.contains("label deploy -> deploy ramdisk"))
        .anyMatch(n -> n.contains("sha256 verified) written to /dev/vda"))
        .anyMatch(n -> n.contains("pass_deploy_info -> HTTP 202"))
        .anyMatch(n -> n.contains("received 'done'"));
    assertThat(boots.get(1).notes())
        .anyMatch(n -> n.contains("label instance -> instance"))
        .anyMatch(
            n ->
                n.startsWith("instance: kernel " + base + "/" + NODE + "/kernel")
                    && n.contains("cmdline 'root=/dev/vda ro console=ttyS0'"));
    assertThat(Files.readAllBytes(dir.resolve("disk.img"))).isEqualTo(image);
    JsonNode callback = callbacks.get(0);
    assertThat(lookups).containsExactly(MACHINE + " addresses=" + MAC + "&node_uuid=" + NODE);
    assertThat(lookupAddress).as("requests come from the machine's own address").isEqualTo(MACHINE);
    assertThat(refused).isEmpty();
    assertThat(callback.path("agent_token").asText()).isEqualTo(TOKEN);
    assertThat(callback.has("address")).isFalse();
    assertThat(callback.has("key")).isFalse();
    assertThat(callback.path("disk").asText()).isEqualTo("/dev/vda");
    assertThat(callback.path("error").asText()).isEmpty();
    assertThat(node.powerState()).isEqualTo(HostPowerState.ON);
    assertThat(node.machine().describe()).containsEntry("activity", "instance running");
  }

  @Test
  void withoutTheRearmTheRamdiskRebootBootsTheDisk() throws Exception {
    rearm = false;
    writeScript("deploy");
    armPxe();

    node.machine().powerOn();
    Await.until(
        "the second boot noted",
        Duration.ofSeconds(20),
        () -> node.bootHistory().size() == 2 && !node.bootHistory().get(1).notes().isEmpty());

    BootRecord second = node.bootHistory().get(1);
    assertThat(second.device()).isEqualTo(BootDevice.DISK);
    assertThat(second.overrideUsed()).isFalse();
    assertThat(second.notes())
        .containsExactly("disk: booted the system on vda (" + dir.resolve("disk.img") + ")");
  }

  @Test
  void aChecksumMismatchIsReportedInTheCallbackAndTheDiskIsNotWritten() throws Exception {
    checksumInScript = "0".repeat(64);
    writeScript("deploy");
    armPxe();

    node.machine().powerOn();
    Await.until("the callback", Duration.ofSeconds(20), () -> !callbacks.isEmpty());

    assertThat(callbacks.get(0).path("error").asText())
        .contains("image checksum mismatch")
        .contains(imageSha256);
    assertThat(dir.resolve("disk.img")).doesNotExist();
    assertThat(node.bootHistory()).hasSize(1);
  }

  @Test
  void aNetworkBootWithoutConfigurationLeavesIpxeAndFindsAnEmptyDisk() throws Exception {
    armPxe();

    node.machine().powerOn();
    Await.until(
        "the boot noted twice",
        Duration.ofSeconds(20),
        () -> node.bootHistory().size() == 1 && node.bootHistory().get(0).notes().size() == 2);

    assertThat(node.bootHistory().get(0).notes().get(0))
        .contains("left iPXE (No boot configuration for 52-54-00-00-00-01");
    assertThat(node.bootHistory().get(0).notes().get(1))
        .contains("vda is empty: no bootable device");
    // The BIOS logged the network boot, then "no bootable media" (sensor 0x1E offset 0).
    List<byte[]> log =
        EventLogReader.read(
            new DigestClient(node.wsmanUri(), node.spec().username(), PASSWORD), 390);
    assertThat(log.get(0)[5]).isEqualTo((byte) 0x1E);
    assertThat(log.get(0)[7]).isEqualTo((byte) 0);
    assertThat(log.get(1)[5]).as("PXE hand-over").isEqualTo((byte) 0x1F);
    assertThat(log.get(1)[7]).isEqualTo((byte) 2);
  }

  @Test
  void powerOffDuringTheDeployStopsTheRamdisk() throws Exception {
    rearm = false;
    callbacks.clear();
    writeScript("deploy");
    armPxe();
    // No "done" will come: the callback handler is not run.
    files.remove("/" + NODE + "/disk");

    node.machine().powerOn();
    Await.until("the error callback", Duration.ofSeconds(20), () -> !callbacks.isEmpty());
    node.machine().powerOff();
    Await.until("off", () -> node.powerState() == HostPowerState.OFF);

    assertThat(callbacks.get(0).path("error").asText()).contains("HTTP 404");
    assertThat(node.machine().describe()).containsEntry("activity", "off");
    try (ServerSocket again =
        new ServerSocket(notifyPort, 1, java.net.InetAddress.getByName(MACHINE))) {
      assertThat(again.isBound()).as("the notify port is free again").isTrue();
    }
  }

  @Test
  void theDhcpEntriesOfTheMacChooseTheBootScriptAndAnUnavailableApiIsRetriedWithBackoff()
      throws Exception {
    // Only the owner's folder has a boot.ipxe; the machine's bootUrl (/boot.ipxe) would fail.
    files.put("/owner/boot.ipxe", files.remove("/boot.ipxe"));
    writeScript("deploy");
    files.put(
        "/owner/pxelinux.cfg/52-54-00-00-00-01", files.get("/pxelinux.cfg/52-54-00-00-00-01"));
    Path hosts = Files.createDirectories(dir.resolve("hosts"));
    Path opts = Files.createDirectories(dir.resolve("opts"));
    Files.writeString(hosts.resolve("52-54-00-00-00-01"), MAC + ",set:amtpxe-owner\n");
    Files.writeString(hosts.resolve(".52-54-00-00-00-01.tmp"), MAC + ",set:amtpxe-other\n");
    Files.writeString(
        opts.resolve("amtpxe-other"),
        "tag:amtpxe-other,tag:ipxe,option:bootfile-name," + base + "/other/boot.ipxe\n");
    Files.writeString(
        opts.resolve("amtpxe-owner"),
        "# the owner\ntag:amtpxe-owner,tag:ipxe,option:bootfile-name,"
            + base
            + "/owner/boot.ipxe\n");
    unavailable.set(3);
    amt.close();
    amt =
        VirtualAmt.builder()
            .node(NodeSpec.builder("sim-1").address("127.0.0.1").port(0).password(PASSWORD).build())
            .machineFactory(
                spec ->
                    new SimulatedFirmwareMachine(
                        spec.name(),
                        new SimulatedFirmwareOptions(
                            MAC,
                            MACHINE,
                            URI.create(base + "/boot.ipxe"),
                            dir.resolve("disk.img"),
                            0,
                            "vda",
                            Duration.ofSeconds(20),
                            Duration.ofSeconds(5),
                            new DnsmasqEntries(hosts, opts),
                            Duration.ofMillis(300))))
            .start();
    node = amt.node("sim-1");
    armPxe();

    node.machine().powerOn();
    Await.until("the callback accepted", Duration.ofSeconds(30), () -> !callbacks.isEmpty());

    List<String> notes = node.bootHistory().get(0).notes();
    assertThat(notes.get(0)).startsWith("pxe: " + base + "/owner/boot.ipxe -> ");
    assertThat(notes)
        .filteredOn(n -> n.contains("pass_deploy_info: HTTP 503"))
        .containsExactly(
            "deploy ramdisk: pass_deploy_info: HTTP 503; again in 1 s",
            "deploy ramdisk: pass_deploy_info: HTTP 503; again in 2 s",
            "deploy ramdisk: pass_deploy_info: HTTP 503; again in 4 s");
    assertThat(callbackTimes).hasSize(4);
    // Waits of 1, 2 and 4 s between the attempts (a little more on a busy machine).
    for (int i = 1; i < 4; i++) {
      long waited = (callbackTimes.get(i) - callbackTimes.get(i - 1)) / 1_000_000;
      assertThat(waited)
          .as("wait before attempt " + (i + 1))
          .isBetween(1000L << (i - 1), 4000L << (i - 1));
    }
    assertThat(SimulatedFirmwareMachine.longer(Duration.ofSeconds(4)))
        .isEqualTo(SimulatedFirmwareMachine.LONGEST_RETRY);
  }
}
