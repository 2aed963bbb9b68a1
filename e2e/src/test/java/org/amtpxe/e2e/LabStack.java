package org.amtpxe.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.e2e.VirtualAmtInLab.Machine;
import org.amtpxe.pxe.internal.dhcp.DnsmasqConfig;

/**
 * Everything a deploy needs, inside one network namespace: dnsmasq for DHCP and router
 * advertisements only, our Karaf distribution (conductor API on https://192.168.77.1:6385 with a
 * certificate it generated and HTTP Basic, the deploy ramdisk's plain-HTTP port 6386, TFTP on 69,
 * HTTP on 8080), the virtual AMT with one QEMU machine per tap, and the {@code baremetal} CLI; plus
 * the reference ramdisk and a generated image. Used by the end-to-end test and by {@code ./run
 * qemu}.
 */
final class LabStack implements AutoCloseable {
  /** The conductor's API: HTTPS with a certificate the conductor generated on its first start. */
  static final String API = "https://" + Lab.BRIDGE_ADDRESS + ":6385";

  /** The deploy ramdisk's plain-HTTP port (lookup and callback only): it has no CA. */
  static final String RAMDISK_API = "http://" + Lab.BRIDGE_ADDRESS + ":6386";

  static final int IMAGE_BYTES = 16 * 1024 * 1024;
  static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(300);

  final Path dir;
  final Lab lab;
  Path payload;
  Path image;
  String imageSha256;
  Path bootRoot;
  KarafInLab karaf;
  VirtualAmtInLab amt;
  Baremetal cli;
  private String amtPassword;
  private String apiPassword;
  private String keystorePassword;
  private Path apiCertificate;
  private final Set<String> pxelinuxMacs = new LinkedHashSet<>();

  /** Debian's pxelinux (package pxelinux) and the module it loads first (syslinux-common). */
  static final Path PXELINUX = Path.of("/usr/lib/PXELINUX/pxelinux.0");

  static final Path LDLINUX = Path.of("/usr/lib/syslinux/modules/bios/ldlinux.c32");

  /**
   * A stack whose files live in {@code dir} (recreated) and whose namespace is {@code namespace}
   * (null: a random name).
   */
  LabStack(Path dir, String namespace) throws IOException {
    this.dir = dir.toAbsolutePath();
    KarafInLab.deleteTree(this.dir);
    Files.createDirectories(this.dir.resolve("state"));
    Path tmp = Files.createDirectories(this.dir.resolve("tmp"));
    this.lab = namespace == null ? new Lab(tmp) : new Lab(tmp, namespace);
  }

  /** A machine of this lab: its disk is a file here. */
  Machine machine(String name, String amtAddress, String mac, String tap, String firmware) {
    return new Machine(name, amtAddress, mac, tap, firmware, dir.resolve(name + ".img"));
  }

  /**
   * Makes DHCP hand this BIOS machine {@code pxelinux.0} instead of iPXE's {@code undionly.kpxe}:
   * its NIC's PXE ROM then loads pxelinux over our TFTP server, which reads the node's pxelinux
   * configuration ({@code pxelinux.cfg/01-<mac>}) and fetches the kernel and initrd over TFTP too.
   * Call before {@link #start}.
   */
  void bootWithPxelinux(Machine m) {
    pxelinuxMacs.add(m.mac());
  }

  Path serialLog(Machine m) {
    return m.serialLog(dir);
  }

  /**
   * Builds the payload, creates the network and starts dnsmasq, Karaf and the virtual AMT.
   *
   * @param distribution the unpacked Karaf distribution
   * @param ramdiskScript ramdisk/build-ramdisk.sh
   * @param ramdiskDir where the ramdisk is (built there when missing)
   * @param appendParams pxe_append_params
   */
  void start(
      List<Machine> machines,
      Path distribution,
      Path ramdiskScript,
      Path ramdiskDir,
      String appendParams)
      throws Exception {
    payload = ramdisk(ramdiskScript, ramdiskDir);
    makeImage();
    lab.create(machines.size());
    startDhcp();
    bootRoot = Files.createDirectories(dir.resolve("boot"));
    // The first stages firmware PXE fetches over TFTP (UEFI: OVMF's own PXE client).
    Files.copy(Path.of("/usr/lib/ipxe/snponly.efi"), bootRoot.resolve("snponly.efi"));
    Files.copy(Path.of("/usr/lib/ipxe/undionly.kpxe"), bootRoot.resolve("undionly.kpxe"));
    if (!pxelinuxMacs.isEmpty()) {
      Files.copy(PXELINUX, bootRoot.resolve("pxelinux.0"));
      Files.copy(LDLINUX, bootRoot.resolve("ldlinux.c32"));
    }

    apiPassword = secret();
    amtPassword = secret();
    keystorePassword = secret();
    karaf = new KarafInLab(lab, dir.resolve("karaf"));
    karaf.install(distribution);
    configureKaraf(apiPassword, appendParams);
    karaf.start();

    amt = new VirtualAmtInLab(lab, dir);
    for (Machine m : machines) {
      amt.add(m, amtPassword);
    }
    amt.start();
    apiCertificate = exportApiCertificate(Duration.ofSeconds(180));
    cli = new Baremetal(lab, API, "e2e", apiPassword, apiCertificate);
    awaitDriver(Duration.ofSeconds(180));
  }

  /**
   * The API's certificate as PEM, for the CLI's --os-cacert, as an operator exports it (keytool
   * -exportcert -rfc): read from the keystore the conductor generated at its start.
   */
  Path exportApiCertificate(Duration timeout) throws Exception {
    Path keystore = karaf.home.resolve("etc/amtpxe-api.p12");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.isRegularFile(keystore)) {
      if (System.nanoTime() > deadline || !karaf.running()) {
        throw new AssertionError(
            "The conductor generated no " + keystore + "; its log:\n" + karaf.logTail(60));
      }
      Thread.sleep(500);
    }
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      ks.load(in, keystorePassword.toCharArray());
    }
    java.security.cert.Certificate cert = null;
    for (String alias : java.util.Collections.list(ks.aliases())) {
      if (ks.isKeyEntry(alias)) {
        cert = ks.getCertificate(alias);
      }
    }
    Path pem = dir.resolve("amtpxe-api.pem");
    Files.writeString(
        pem,
        "-----BEGIN CERTIFICATE-----\n"
            + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    return pem;
  }

  /** The API's certificate (PEM), for --os-cacert. */
  Path apiCertificate() {
    return apiCertificate;
  }

  /** The conductor API's password for user {@code e2e}. */
  String apiPassword() {
    return apiPassword;
  }

  @Override
  public void close() throws IOException {
    lab.close();
  }

  // ---- the deploy, through the CLI ----

  /**
   * The outcome of a deploy.
   *
   * @param seconds from {@code baremetal node deploy} until the node was active (or failed)
   * @param states the provision states seen, in order
   */
  record Deployed(String uuid, double seconds, List<String> states, String lastError) {
    String finalState() {
      return states.isEmpty() ? "" : states.get(states.size() - 1);
    }
  }

  /** How {@link #deploy} enrolls a machine. */
  enum Enrollment {
    /**
     * {@code node create}, then {@code port create} with the MAC typed in, as before inspection.
     */
    PORT_BY_HAND,
    /**
     * {@code node create}, {@code node manage}, {@code node inspect}: AMT's inventory adds the
     * port.
     */
    INSPECT,
    /** The bulk enrollment call with the AMT address and credentials only. */
    BULK
  }

  /**
   * Enrolls the machine with the CLI, makes it available, sets its instance and deploys it; waits
   * until it is active or the deploy failed.
   *
   * @param how how the machine is enrolled
   * @param onState called with every new provision state and the seconds since the deploy began
   */
  /** A step run before the deploy starts. */
  interface Step {
    void run() throws Exception;
  }

  Deployed deploy(Machine m, boolean uefiMode, Enrollment how, BiConsumer<Double, String> onState)
      throws Exception {
    return deploy(m, uefiMode, how, onState, () -> {});
  }

  /**
   * Enables a node's console with the CLI and reads it through console_info's URL with socat inside
   * the lab (the token line first, as the port is off loopback), into a file.
   *
   * @return the file that receives what the console shows
   */
  Path watchConsole(Machine m) throws Exception {
    cli.run("node", "console", "enable", m.name());
    JsonNode shown = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      shown = cli.json("node", "console", "show", m.name());
      if (shown.path("console_enabled").asBoolean() && shown.at("/console_info/url").isTextual()) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    if (shown == null || !shown.at("/console_info/url").isTextual()) {
      throw new IllegalStateException("the console of " + m.name() + " did not come up: " + shown);
    }
    String url = shown.at("/console_info/url").asText();
    String token = shown.at("/console_info/token").asText("");
    Path log = dir.resolve("console-" + m.name() + ".log");
    Files.deleteIfExists(log);
    Files.createFile(log);
    lab.start(
        log,
        java.util.Map.of(
            "CONSOLE_TOKEN", token, "CONSOLE_ADDRESS", url.substring("tcp://".length())),
        List.of(
            "sh",
            "-c",
            "{ printf '%s\\n' \"$CONSOLE_TOKEN\"; exec sleep 3600; }"
                + " | exec socat - TCP:\"$CONSOLE_ADDRESS\""));
    return log;
  }

  Deployed deploy(
      Machine m,
      boolean uefiMode,
      Enrollment how,
      BiConsumer<Double, String> onState,
      Step beforeDeploy)
      throws Exception {
    List<String> driverInfo =
        List.of(
            "amt_username=admin",
            "amt_password=" + amtPassword,
            "amt_protocol=http",
            "deploy_kernel=" + payload.resolve("vmlinuz").toUri(),
            "deploy_kernel_checksum=" + sha256(payload.resolve("vmlinuz")),
            "deploy_ramdisk=" + payload.resolve("deploy_ramdisk").toUri(),
            "deploy_ramdisk_checksum=" + sha256(payload.resolve("deploy_ramdisk")));
    String uuid;
    if (how == Enrollment.BULK) {
      com.fasterxml.jackson.databind.node.ObjectNode body =
          new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      body.put("addresses", m.amtAddress());
      for (String kv : driverInfo) {
        int eq = kv.indexOf('=');
        body.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      JsonNode report =
          cli.post("/v1/drivers/pxe_amt/vendor_passthru?method=enroll", body.toString());
      uuid = cli.json("node", "show", m.name()).path("uuid").asText();
      if (uuid.isEmpty()) {
        throw new IllegalStateException(
            "bulk enrollment did not enroll " + m.name() + ": " + report);
      }
      if (uefiMode) {
        cli.run("node", "set", m.name(), "--property", "capabilities=boot_mode:uefi");
      }
    } else {
      List<String> create =
          new ArrayList<>(
              List.of(
                  "node",
                  "create",
                  "--driver",
                  "pxe_amt",
                  "--name",
                  m.name(),
                  "--driver-info",
                  "amt_address=" + m.amtAddress()));
      driverInfo.forEach(kv -> create.addAll(List.of("--driver-info", kv)));
      if (uefiMode) {
        create.addAll(List.of("--property", "capabilities=boot_mode:uefi"));
      }
      uuid = cli.json(create.toArray(String[]::new)).path("uuid").asText();
      if (how == Enrollment.PORT_BY_HAND) {
        cli.run("port", "create", m.mac(), "--node", uuid);
      }
      cli.run("node", "manage", m.name(), "--wait", "120");
      if (how == Enrollment.INSPECT) {
        cli.run("node", "inspect", m.name(), "--wait", "120");
      }
    }
    cli.run("node", "provide", m.name(), "--wait", "120");
    cli.run(
        "node",
        "set",
        m.name(),
        "--instance-info",
        "image_source=" + image.toUri(),
        "--instance-info",
        "image_checksum=" + imageSha256,
        "--instance-info",
        "kernel=" + payload.resolve("vmlinuz").toUri(),
        "--instance-info",
        "kernel_checksum=" + sha256(payload.resolve("vmlinuz")),
        "--instance-info",
        "ramdisk=" + payload.resolve("instance_ramdisk").toUri(),
        "--instance-info",
        "ramdisk_checksum=" + sha256(payload.resolve("instance_ramdisk")));

    beforeDeploy.run();
    long start = System.nanoTime();
    cli.run("node", "deploy", m.name());
    List<String> states = new ArrayList<>();
    long deadline = start + DEPLOY_TIMEOUT.toNanos();
    String state;
    do {
      state = cli.provisionState(m.name());
      if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
        states.add(state);
        onState.accept((System.nanoTime() - start) / 1e9, state);
      }
      if (state.equals("active") || state.equals("deploy failed")) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    } while (System.nanoTime() < deadline);
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonNode node = cli.json("node", "show", m.name());
    return new Deployed(uuid, seconds, states, node.path("last_error").asText(""));
  }

  /** Switches the continue-deploy hook in etc/org.amtpxe.pxe.cfg and waits until it applies. */
  void setRearm(boolean on) throws Exception {
    Path script = bootRoot.resolve("boot.ipxe");
    FileTime before = Files.getLastModifiedTime(script);
    Thread.sleep(20);
    karaf.set("org.amtpxe.pxe", "rearm_before_reboot", Boolean.toString(on));
    // The PXE component restarts its servers and rewrites boot.ipxe when its configuration
    // changes: that is when the new value is in force.
    KarafInLab.awaitModifiedAfter(script, before, Duration.ofSeconds(30));
  }

  // ---- setting up ----

  private void configureKaraf(String apiPassword, String appendParams) throws IOException {
    Path users = karaf.home.resolve("etc/amtpxe-users");
    CredentialsFile.addUser(
        users,
        "e2e",
        apiPassword.toCharArray(),
        java.util.Set.of(org.amtpxe.conductor.internal.auth.Role.ADMIN));
    // NOTE: etc/org.ops4j.pax.url.mvn.cfg is left alone: changing it while the boot features
    // install stalled Karaf here (no log line after the pax-logging refresh, API never up).
    karaf.set("org.amtpxe.conductor", "api_host", Lab.BRIDGE_ADDRESS);
    karaf.set("org.amtpxe.conductor", "api_port", "6385");
    // Consoles on the bridge, off loopback: a client sends the console's token first.
    karaf.set("org.amtpxe.conductor", "console_host", Lab.BRIDGE_ADDRESS);
    karaf.set("org.amtpxe.conductor", "auth_file", users.toString());
    // HTTPS for the operator (the CLI gets --os-cacert), plain HTTP for the ramdisk's two routes.
    karaf.set("org.amtpxe.conductor", "api_tls_keystore", "amtpxe-api.p12");
    karaf.set("org.amtpxe.conductor", "api_tls_keystore_password", keystorePassword);
    karaf.set("org.amtpxe.conductor", "api_tls_generate", "true");
    karaf.set("org.amtpxe.conductor", "api_ramdisk_port", "6386");
    karaf.set("org.amtpxe.conductor", "sync_interval", "10");
    karaf.set("org.amtpxe.conductor", "callback_timeout", "300");
    karaf.set("org.amtpxe.conductor", "callback_check_interval", "10");
    karaf.set("org.amtpxe.amt", "action_wait", "1");
    karaf.set("org.amtpxe.amt", "connect_timeout", "5");
    karaf.set("org.amtpxe.pxe", "tftp_address", Lab.BRIDGE_ADDRESS);
    karaf.set("org.amtpxe.pxe", "tftp_port", "69");
    karaf.set("org.amtpxe.pxe", "tftp_root", bootRoot.toString());
    karaf.set("org.amtpxe.pxe", "http_address", Lab.BRIDGE_ADDRESS);
    karaf.set("org.amtpxe.pxe", "http_port", "8080");
    karaf.set("org.amtpxe.pxe", "api_url", RAMDISK_API);
    // The only directories local images are read from.
    karaf.set("org.amtpxe.pxe", "image_dirs", payload + "," + image.getParent());
    karaf.set("org.amtpxe.pxe", "disk_devices", "vda");
    karaf.set("org.amtpxe.pxe", "pxe_append_params", appendParams);
    karaf.set("org.amtpxe.pxe", "notify_timeout_seconds", "60");
    karaf.set("org.amtpxe.pxe", "rearm_before_reboot", "true");
  }

  private void startDhcp() throws IOException {
    // DHCP as an operator runs it: the file pxe:dnsmasq-config generates (no DNS, no TFTP: our
    // Karaf serves it), plus router advertisements so that iPXE does not wait ~15 s for IPv6.
    StringBuilder conf =
        new StringBuilder(
            new DnsmasqConfig(
                    "br0",
                    "192.168.77.100",
                    "192.168.77.150",
                    "255.255.255.0",
                    Lab.BRIDGE_ADDRESS,
                    "http://" + Lab.BRIDGE_ADDRESS + ":8080",
                    false,
                    false)
                .render());
    conf.append("enable-ra\ndhcp-range=::,constructor:br0,ra-only,64,1h\n");
    if (!pxelinuxMacs.isEmpty()) {
      // QEMU's PXE ROM is iPXE, which the generated file sends to boot.ipxe: the pxelinux
      // machines are named by MAC. dnsmasq tries dhcp-boot lines from the last one up, so this
      // one, last, wins for them.
      for (String mac : pxelinuxMacs) {
        conf.append("dhcp-host=").append(mac).append(",set:pxelinux\n");
      }
      conf.append("dhcp-boot=tag:pxelinux,pxelinux.0,,").append(Lab.BRIDGE_ADDRESS).append('\n');
    }
    Path file = dir.resolve("dnsmasq.conf");
    Files.writeString(file, conf.toString());
    lab.start(
        dir.resolve("dnsmasq.log"),
        Map.of(),
        List.of(
            "dnsmasq",
            "--no-daemon",
            "--conf-file=" + file,
            "--dhcp-leasefile=" + dir.resolve("dnsmasq.leases"),
            "--pid-file=" + dir.resolve("dnsmasq.pid"),
            "--user=root",
            "--log-facility=-"));
  }

  /** Waits until the conductor answers with the pxe_amt driver loaded. */
  private void awaitDriver(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (!karaf.running()) {
        throw new AssertionError("Karaf exited; its log:\n" + karaf.logTail(60));
      }
      Lab.Result r = cli.result("driver", "list", "-f", "value");
      last = r.err() + r.out();
      if (r.ok() && r.out().contains("pxe_amt")) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(
        "the conductor did not offer pxe_amt within "
            + timeout
            + " ("
            + last.strip()
            + "); Karaf's log:\n"
            + karaf.logTail(60));
  }

  private static Path ramdisk(Path script, Path dir) throws Exception {
    if (!Files.isRegularFile(dir.resolve("instance_ramdisk"))) {
      Process p =
          new ProcessBuilder("bash", script.toString(), dir.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assumeTrue(
          p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0,
          "build-ramdisk.sh failed (needs apt, busybox-static, cpio): " + out);
    }
    return dir.toAbsolutePath();
  }

  static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (var in = new java.security.DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** A 16 MiB raw image: a header line, then deterministic pseudo-random bytes. */
  private void makeImage() throws Exception {
    image = Files.createDirectories(dir.resolve("images")).resolve("image.raw");
    byte[] bytes = new byte[IMAGE_BYTES];
    new Random(20261126L).nextBytes(bytes);
    byte[] header = "AMTPXE-E2E-IMAGE: not bootable on purpose\n".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(header, 0, bytes, 0, header.length);
    // NOTE: no 0x55AA boot signature, so a disk boot fails visibly (SeaBIOS "not a bootable disk").
    bytes[510] = 0;
    bytes[511] = 0;
    Files.write(image, bytes);
    imageSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  static String secret() {
    SecureRandom random = new SecureRandom();
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    StringBuilder b = new StringBuilder("E2e-");
    for (int i = 0; i < 16; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
