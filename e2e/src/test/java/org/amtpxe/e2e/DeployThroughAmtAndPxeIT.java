package org.amtpxe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.e2e.VirtualAmtInLab.Machine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Deploys machines end to end, as an operator would: QEMU guests behind virtual AMTs, enrolled with
 * the {@code baremetal} CLI into our Karaf distribution, powered on by AMT, network-booted into the
 * reference deploy ramdisk, their disk written, and booted into the instance over PXE after the
 * ramdisk's own reboot, which works only because the driver re-armed PXE on the AMT.
 *
 * <p>Everything runs inside one network namespace (pxe-deploy.md §4.5): dnsmasq (DHCP and router
 * advertisements only), Karaf (conductor API on 192.168.77.1:6385 with HTTP Basic, TFTP on 69, HTTP
 * on 8080), the virtual AMT with its QEMU machines, and the CLI. One Karaf serves all scenarios;
 * the VMs run one at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployThroughAmtAndPxeIT {
  static final String API = "http://" + Lab.BRIDGE_ADDRESS + ":6385";
  static final int IMAGE_BYTES = 16 * 1024 * 1024;
  static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(300);

  Path work;
  Path payload;
  Path image;
  String imageSha256;
  Path bootRoot;
  Lab lab;
  KarafInLab karaf;
  VirtualAmtInLab amt;
  Baremetal cli;
  String amtPassword;
  final List<String> timings = new ArrayList<>();

  final Machine bios =
      new Machine("e2e-bios", "127.0.0.2", "52:54:00:77:00:01", "tap0", "bios", null);
  final Machine biosNoRearm =
      new Machine("e2e-no-rearm", "127.0.0.3", "52:54:00:77:00:02", "tap1", "bios", null);
  final Machine uefi =
      new Machine("e2e-uefi", "127.0.0.4", "52:54:00:77:00:03", "tap2", "uefi", null);

  @BeforeAll
  void startTheLab() throws Exception {
    Optional<String> missing = Lab.missingPrerequisite();
    assumeTrue(missing.isEmpty(), () -> "end-to-end tests skipped: " + missing.orElse(""));
    Path distribution = Path.of(System.getProperty("amtpxe.e2e.distribution"));
    assumeTrue(
        Files.isExecutable(distribution.resolve("bin/karaf")),
        "end-to-end tests skipped: no distribution in "
            + distribution
            + "; build it first (mvn -B install -DskipTests -pl distribution -am)");
    work = Path.of(System.getProperty("amtpxe.e2e.workDir")).toAbsolutePath();
    KarafInLab.deleteTree(work.resolve("lab"));
    Files.createDirectories(work.resolve("lab/state"));
    payload = ramdisk();
    makeImage();

    lab = new Lab(Files.createDirectories(work.resolve("lab/tmp")));
    lab.create(3);
    startDhcp();

    bootRoot = Files.createDirectories(work.resolve("lab/boot"));
    // The first stages firmware PXE fetches over TFTP (UEFI: OVMF's own PXE client).
    Files.copy(Path.of("/usr/lib/ipxe/snponly.efi"), bootRoot.resolve("snponly.efi"));
    Files.copy(Path.of("/usr/lib/ipxe/undionly.kpxe"), bootRoot.resolve("undionly.kpxe"));

    String apiPassword = secret();
    amtPassword = secret();
    karaf = new KarafInLab(lab, work.resolve("lab/karaf"));
    karaf.install(distribution);
    configureKaraf(apiPassword);
    karaf.start();

    amt = new VirtualAmtInLab(lab, work.resolve("lab"));
    for (Machine m : List.of(bios, biosNoRearm, uefi)) {
      amt.add(withDisk(m), amtPassword);
    }
    amt.start();

    cli = new Baremetal(lab, API, "e2e", apiPassword);
    awaitDriver(Duration.ofSeconds(180));
  }

  @AfterAll
  void stopTheLab() throws Exception {
    if (lab != null) {
      lab.close();
    }
    if (!timings.isEmpty()) {
      System.out.println(String.join("\n", timings));
    }
  }

  @Test
  @Order(1)
  void biosNodeIsDeployedAndNetbootsTheInstanceAfterTheRamdiskReboot() throws Exception {
    Machine m = withDisk(bios);
    Deployed d = deploy(m, false, "bios");

    assertThat(d.states()).contains("wait call-back").last().isEqualTo("active");
    String serial = awaitSerial(m, s -> s.contains("INSTANCE-UP"), Duration.ofSeconds(120));
    assertThat(serial).contains("DEPLOY-RAMDISK: wrote the image to /dev/vda");
    assertThat(serial.indexOf("INSTANCE-UP root=/dev/vda"))
        .as("the instance comes up after the ramdisk wrote the image")
        .isGreaterThan(serial.indexOf("DEPLOY-RAMDISK: wrote the image"));
    assertThat(diskSha256(m)).as("the image on the VM's disk").isEqualTo(imageSha256);
    assertBootedTwiceFromTheNetwork(m);

    assertThat(amt.node(m.name()).path("powerState").asText()).isEqualTo("on");
    cli.run("node", "undeploy", m.name(), "--wait", "180");
    assertThat(cli.provisionState(m.name())).isEqualTo("available");
    assertThat(cli.json("node", "show", m.name()).path("power_state").asText())
        .isEqualTo("power off");
    JsonNode node = amt.node(m.name());
    assertThat(node.path("powerState").asText()).isEqualTo("off");
    assertThat(node.path("machine").path("running").asBoolean(true))
        .as("the QEMU process is gone")
        .isFalse();
    assertBootFilesGone(d.uuid(), m);
  }

  @Test
  @Order(2)
  void withoutTheRearmTheRamdiskRebootFallsToTheDiskAndTheInstanceNeverComesUp() throws Exception {
    Machine m = withDisk(biosNoRearm);
    setRearm(false);
    try {
      Deployed d = deploy(m, false, "bios, rearm_before_reboot=false");
      // The conductor cannot know: the ramdisk called back and was told to reboot.
      assertThat(d.states()).last().isEqualTo("active");
      awaitBoots(m, 2, Duration.ofSeconds(120));
      JsonNode second = amt.boots(m.name()).get(1);
      assertThat(second.path("device").asText())
          .as("AMT forgot the one-time PXE boot: the ramdisk's reboot went to the disk")
          .isEqualTo("disk");
      assertThat(second.path("cause").asText()).isEqualTo("host-reboot");
      assertThat(second.path("overrideUsed").asBoolean()).isFalse();
      String serial =
          awaitSerial(
              m, s -> s.contains("Boot failed: not a bootable disk"), Duration.ofSeconds(60));
      assertThat(serial).contains("DEPLOY-RAMDISK: wrote the image to /dev/vda");
      // SeaBIOS does not fall through to the NIC: the machine's own boot order is the disk only.
      Thread.sleep(5000);
      assertThat(Files.readString(m.serialLog(work.resolve("lab"))))
          .as("the instance must not come up without the re-arm")
          .doesNotContain("INSTANCE-UP");
      assertThat(amt.bootDevices(m.name())).containsOnly("pxe", "disk").startsWith("pxe", "disk");
      assertThat(diskSha256(m)).isEqualTo(imageSha256);
      assertThat(karaf.logTail(2000)).contains("rearm_before_reboot is off");
      cli.run("node", "undeploy", m.name(), "--wait", "180");
      assertBootFilesGone(d.uuid(), m);
    } finally {
      setRearm(true);
    }
  }

  @Test
  @Order(3)
  void uefiNodeIsDeployedAndNetbootsTheInstance() throws Exception {
    Machine m = withDisk(uefi);
    Deployed d = deploy(m, true, "uefi (OVMF native PXE -> snponly.efi -> iPXE)");

    assertThat(d.states()).contains("wait call-back").last().isEqualTo("active");
    String serial = awaitSerial(m, s -> s.contains("INSTANCE-UP"), Duration.ofSeconds(150));
    assertThat(serial).contains("DEPLOY-RAMDISK: wrote the image to /dev/vda");
    assertThat(serial).contains("INSTANCE-UP root=/dev/vda");
    assertThat(serial).contains("EFI stub: Loaded initrd from command line option");
    assertThat(diskSha256(m)).isEqualTo(imageSha256);
    assertBootedTwiceFromTheNetwork(m);
    cli.run("node", "undeploy", m.name(), "--wait", "180");
    assertThat(amt.node(m.name()).path("powerState").asText()).isEqualTo("off");
    assertBootFilesGone(d.uuid(), m);
  }

  // ---- the deploy, through the CLI ----

  record Deployed(String uuid, double seconds, List<String> states) {}

  /** Enrolls the machine, makes it available, sets the instance and deploys it. */
  Deployed deploy(Machine m, boolean uefiMode, String variant) throws Exception {
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
                "amt_address=" + m.amtAddress(),
                "--driver-info",
                "amt_username=admin",
                "--driver-info",
                "amt_password=" + amtPassword,
                "--driver-info",
                "amt_protocol=http",
                "--driver-info",
                "deploy_kernel=" + payload.resolve("vmlinuz").toUri(),
                "--driver-info",
                "deploy_ramdisk=" + payload.resolve("deploy_ramdisk").toUri()));
    if (uefiMode) {
      create.addAll(List.of("--property", "capabilities=boot_mode:uefi"));
    }
    String uuid = cli.json(create.toArray(String[]::new)).path("uuid").asText();
    assertThat(uuid).isNotEmpty();
    cli.run("port", "create", m.mac(), "--node", uuid);
    cli.run("node", "manage", m.name(), "--wait", "120");
    cli.run("node", "provide", m.name(), "--wait", "120");
    assertThat(cli.provisionState(m.name())).isEqualTo("available");
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
        "ramdisk=" + payload.resolve("instance_ramdisk").toUri());

    long start = System.nanoTime();
    cli.run("node", "deploy", m.name());
    List<String> states = new ArrayList<>();
    long deadline = start + DEPLOY_TIMEOUT.toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      state = cli.provisionState(m.name());
      if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
        states.add(state);
      }
      if (state.equals("active") || state.equals("deploy failed")) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonNode node = cli.json("node", "show", m.name());
    assertThat(state)
        .as(
            "provision state of %s after %.0f s (states %s, last_error %s); serial log %s",
            m.name(),
            seconds,
            states,
            node.path("last_error").asText(),
            m.serialLog(work.resolve("lab")))
        .isEqualTo("active");
    String line =
        String.format(
            "deploy -> active: %5.1f s  %-45s (states: %s)",
            seconds, variant, String.join(" -> ", states));
    timings.add(line);
    Files.writeString(
        work.resolve("timings.txt"),
        Instant.now() + " " + line + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return new Deployed(uuid, seconds, states);
  }

  void assertBootedTwiceFromTheNetwork(Machine m) throws IOException {
    JsonNode boots = amt.boots(m.name());
    assertThat(amt.bootDevices(m.name()))
        .as("pxe into the deploy ramdisk, then pxe again (re-armed) into the instance: %s", boots)
        .containsExactly("pxe", "pxe");
    assertThat(boots.get(0).path("cause").asText()).isEqualTo("amt-power-on");
    assertThat(boots.get(1).path("cause").asText()).isEqualTo("host-reboot");
    assertThat(boots.get(1).path("overrideUsed").asBoolean()).isTrue();
  }

  void assertBootFilesGone(String uuid, Machine m) {
    String hyphens = m.mac().replace(':', '-');
    assertThat(bootRoot.resolve(uuid)).doesNotExist();
    assertThat(Files.exists(bootRoot.resolve("pxelinux.cfg/" + hyphens), LinkOption.NOFOLLOW_LINKS))
        .isFalse();
    assertThat(
            Files.exists(bootRoot.resolve("pxelinux.cfg/01-" + hyphens), LinkOption.NOFOLLOW_LINKS))
        .isFalse();
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

  // ---- the lab ----

  void configureKaraf(String apiPassword) throws IOException {
    Path users = karaf.home.resolve("etc/amtpxe-users");
    CredentialsFile.addUser(users, "e2e", apiPassword.toCharArray());
    karaf.set("org.amtpxe.conductor", "api_host", Lab.BRIDGE_ADDRESS);
    karaf.set("org.amtpxe.conductor", "api_port", "6385");
    karaf.set("org.amtpxe.conductor", "auth_file", users.toString());
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
    karaf.set("org.amtpxe.pxe", "api_url", API);
    karaf.set("org.amtpxe.pxe", "disk_devices", "vda");
    karaf.set("org.amtpxe.pxe", "pxe_append_params", "console=ttyS0 instance_stay_up");
    karaf.set("org.amtpxe.pxe", "notify_timeout_seconds", "60");
    karaf.set("org.amtpxe.pxe", "rearm_before_reboot", "true");
  }

  void startDhcp() throws IOException {
    // DHCP and router advertisements only (port=0: no DNS; no TFTP: our Karaf serves it).
    String conf =
        String.join(
            "\n",
            "port=0",
            "interface=br0",
            "bind-interfaces",
            "dhcp-range=192.168.77.100,192.168.77.150,255.255.255.0,1h",
            "dhcp-match=set:ipxe,175",
            "dhcp-userclass=set:ipxe,iPXE",
            "dhcp-match=set:efi-x86_64,option:client-arch,7",
            "dhcp-match=set:efi-x86_64,option:client-arch,9",
            "dhcp-boot=tag:!ipxe,tag:efi-x86_64,snponly.efi,,192.168.77.1",
            "dhcp-boot=tag:!ipxe,tag:!efi-x86_64,undionly.kpxe,,192.168.77.1",
            "dhcp-boot=tag:ipxe,http://192.168.77.1:8080/boot.ipxe",
            "enable-ra",
            "dhcp-range=::,constructor:br0,ra-only,64,1h",
            "log-dhcp",
            "");
    Path lab0 = work.resolve("lab");
    Path file = lab0.resolve("dnsmasq.conf");
    Files.writeString(file, conf);
    lab.start(
        lab0.resolve("dnsmasq.log"),
        Map.of(),
        List.of(
            "dnsmasq",
            "--no-daemon",
            "--conf-file=" + file,
            "--dhcp-leasefile=" + lab0.resolve("dnsmasq.leases"),
            "--pid-file=" + lab0.resolve("dnsmasq.pid"),
            "--user=root",
            "--log-facility=-"));
  }

  /** Waits until the conductor answers with the pxe_amt driver loaded. */
  void awaitDriver(Duration timeout) throws Exception {
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

  Path ramdisk() throws Exception {
    String given = System.getProperty("amtpxe.ramdisk.dir");
    Path dir = given != null ? Path.of(given) : work.resolve("ramdisk");
    if (!Files.isRegularFile(dir.resolve("instance_ramdisk"))) {
      Path script = Path.of(System.getProperty("amtpxe.e2e.ramdiskScript"));
      Process p =
          new ProcessBuilder("bash", script.toString(), dir.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assumeTrue(
          p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0,
          "end-to-end tests skipped: build-ramdisk.sh failed (needs apt, busybox-static, cpio): "
              + out);
    }
    return dir.toAbsolutePath();
  }

  /** A 16 MiB raw image: a header line, then deterministic pseudo-random bytes. */
  void makeImage() throws Exception {
    image = work.resolve("lab/image.raw");
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

  Machine withDisk(Machine m) {
    return new Machine(
        m.name(),
        m.amtAddress(),
        m.mac(),
        m.tap(),
        m.firmware(),
        work.resolve("lab/" + m.name() + ".img"));
  }

  /** The SHA-256 of the first IMAGE_BYTES bytes of the VM's disk. */
  String diskSha256(Machine m) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(m.disk())) {
      byte[] head = in.readNBytes(IMAGE_BYTES);
      digest.update(head);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  String awaitSerial(Machine m, Predicate<String> condition, Duration timeout) throws Exception {
    Path log = m.serialLog(work.resolve("lab"));
    long deadline = System.nanoTime() + timeout.toNanos();
    String text = "";
    while (System.nanoTime() < deadline) {
      text = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
      if (condition.test(text)) {
        return text;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "the serial console of "
            + m.name()
            + " did not show what was expected within "
            + timeout
            + "; boots "
            + amt.boots(m.name())
            + "; last lines:\n"
            + tail(text, 25));
  }

  void awaitBoots(Machine m, int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (amt.boots(m.name()).size() >= count) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        m.name()
            + " did not boot "
            + count
            + " times within "
            + timeout
            + ": "
            + amt.boots(m.name()));
  }

  static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
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
