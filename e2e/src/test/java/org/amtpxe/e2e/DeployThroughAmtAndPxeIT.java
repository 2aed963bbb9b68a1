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
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.amtpxe.e2e.LabStack.Deployed;
import org.amtpxe.e2e.LabStack.Enrollment;
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
 * <p>Everything runs inside one network namespace (docs/pxe-deploy.md#network-namespace): dnsmasq
 * (DHCP and router advertisements only), Karaf (conductor API on 192.168.77.1:6385 with HTTP Basic,
 * TFTP on 69, HTTP on 8080), the virtual AMT with its QEMU machines, and the CLI. One Karaf serves
 * all scenarios; the VMs run one at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployThroughAmtAndPxeIT {
  LabStack stack;
  final List<String> timings = new ArrayList<>();
  Machine bios;
  Machine biosNoRearm;
  Machine uefi;
  Machine pxelinux;
  boolean pxelinuxInstalled;

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
    Path work = Path.of(System.getProperty("amtpxe.e2e.workDir")).toAbsolutePath();
    String ramdiskDir = System.getProperty("amtpxe.ramdisk.dir");
    stack = new LabStack(work.resolve("lab"), null);
    bios = stack.machine("e2e-bios", "127.0.0.2", "52:54:00:77:00:01", "tap0", "bios");
    biosNoRearm = stack.machine("e2e-no-rearm", "127.0.0.3", "52:54:00:77:00:02", "tap1", "bios");
    uefi = stack.machine("e2e-uefi", "127.0.0.4", "52:54:00:77:00:03", "tap2", "uefi");
    pxelinux = stack.machine("e2e-pxelinux", "127.0.0.5", "52:54:00:77:00:04", "tap3", "bios");
    pxelinuxInstalled =
        Files.isRegularFile(LabStack.PXELINUX) && Files.isRegularFile(LabStack.LDLINUX);
    if (pxelinuxInstalled) {
      stack.bootWithPxelinux(pxelinux);
    }
    stack.start(
        List.of(bios, biosNoRearm, uefi, pxelinux),
        distribution,
        Path.of(System.getProperty("amtpxe.e2e.ramdiskScript")),
        ramdiskDir != null ? Path.of(ramdiskDir) : work.resolve("ramdisk"),
        // instance_stay_up: the instance keeps running, so that undeploy has to power it off.
        "console=ttyS0 instance_stay_up");
  }

  @AfterAll
  void stopTheLab() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (!timings.isEmpty()) {
      System.out.println(String.join("\n", timings));
    }
  }

  @Test
  @Order(1)
  void biosNodeIsDeployedAndNetbootsTheInstanceAfterTheRamdiskReboot() throws Exception {
    Path[] console = new Path[1];
    Deployed d =
        deploy(
            bios,
            false,
            Enrollment.BULK,
            "bios, enrolled by bulk enrollment, console watched",
            () -> console[0] = stack.watchConsole(bios));

    assertThat(d.states()).contains("wait call-back").last().isEqualTo("active");
    String serial = awaitSerial(bios, s -> s.contains("INSTANCE-UP"), Duration.ofSeconds(120));
    // The same lines through the console: console_info's URL -> conductor -> AMT SOL -> COM1.
    String seen = awaitFile(console[0], s -> s.contains("INSTANCE-UP"), Duration.ofSeconds(60));
    assertThat(seen).contains("DEPLOY-RAMDISK: wrote the image to /dev/vda");
    assertThat(seen.indexOf("INSTANCE-UP root=/dev/vda"))
        .as("the console shows the ramdisk's lines, then the instance's boot message")
        .isGreaterThan(seen.indexOf("DEPLOY-RAMDISK: wrote the image"));
    assertThat(serial).contains("DEPLOY-RAMDISK: wrote the image to /dev/vda");
    assertThat(serial.indexOf("INSTANCE-UP root=/dev/vda"))
        .as("the instance comes up after the ramdisk wrote the image")
        .isGreaterThan(serial.indexOf("DEPLOY-RAMDISK: wrote the image"));
    assertThat(diskSha256(bios)).as("the image on the VM's disk").isEqualTo(stack.imageSha256);
    assertBootedTwiceFromTheNetwork(bios);

    assertThat(stack.amt.node(bios.name()).path("powerState").asText()).isEqualTo("on");
    stack.cli.run("node", "undeploy", bios.name(), "--wait", "180");
    assertThat(stack.cli.provisionState(bios.name())).isEqualTo("available");
    assertThat(stack.cli.json("node", "show", bios.name()).path("power_state").asText())
        .isEqualTo("power off");
    JsonNode node = stack.amt.node(bios.name());
    assertThat(node.path("powerState").asText()).isEqualTo("off");
    assertThat(node.path("machine").path("running").asBoolean(true))
        .as("the QEMU process is gone")
        .isFalse();
    assertBootFilesGone(d.uuid(), bios);
  }

  @Test
  @Order(2)
  void withoutTheRearmTheRamdiskRebootFallsToTheDiskAndTheInstanceNeverComesUp() throws Exception {
    Machine m = biosNoRearm;
    stack.setRearm(false);
    try {
      Deployed d = deploy(m, false, Enrollment.PORT_BY_HAND, "bios, rearm_before_reboot=false");
      // The conductor cannot know: the ramdisk called back and was told to reboot.
      assertThat(d.states()).last().isEqualTo("active");
      awaitBoots(m, 2, Duration.ofSeconds(120));
      JsonNode second = stack.amt.boots(m.name()).get(1);
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
      assertThat(Files.readString(stack.serialLog(m), StandardCharsets.ISO_8859_1))
          .as("the instance must not come up without the re-arm")
          .doesNotContain("INSTANCE-UP");
      assertThat(stack.amt.bootDevices(m.name()))
          .containsOnly("pxe", "disk")
          .startsWith("pxe", "disk");
      assertThat(diskSha256(m)).isEqualTo(stack.imageSha256);
      assertThat(stack.karaf.logTail(2000)).contains("rearm_before_reboot");
      stack.cli.run("node", "undeploy", m.name(), "--wait", "180");
      assertBootFilesGone(d.uuid(), m);
    } finally {
      stack.setRearm(true);
    }
  }

  @Test
  @Order(3)
  void uefiNodeIsDeployedAndNetbootsTheInstance() throws Exception {
    Deployed d =
        deploy(
            uefi,
            true,
            Enrollment.INSPECT,
            "uefi (OVMF native PXE -> snponly.efi -> iPXE), inspected");

    assertThat(d.states()).contains("wait call-back").last().isEqualTo("active");
    String serial = awaitSerial(uefi, s -> s.contains("INSTANCE-UP"), Duration.ofSeconds(150));
    assertThat(serial).contains("DEPLOY-RAMDISK: wrote the image to /dev/vda");
    assertThat(serial).contains("INSTANCE-UP root=/dev/vda");
    assertThat(serial).contains("EFI stub: Loaded initrd from command line option");
    assertThat(diskSha256(uefi)).isEqualTo(stack.imageSha256);
    assertBootedTwiceFromTheNetwork(uefi);
    stack.cli.run("node", "undeploy", uefi.name(), "--wait", "180");
    assertThat(stack.amt.node(uefi.name()).path("powerState").asText()).isEqualTo("off");
    assertBootFilesGone(d.uuid(), uefi);
  }

  @Test
  @Order(4)
  void biosNodeBootsThroughPxelinuxAndOurTftpServer() throws Exception {
    assumeTrue(
        pxelinuxInstalled,
        "pxelinux is not installed (apt-get install pxelinux syslinux-common): skipped");
    Deployed d =
        deploy(pxelinux, false, Enrollment.PORT_BY_HAND, "bios via pxelinux, everything over TFTP");

    assertThat(d.states()).contains("wait call-back").last().isEqualTo("active");
    String serial = awaitSerial(pxelinux, s -> s.contains("INSTANCE-UP"), Duration.ofSeconds(150));
    // pxelinux, not iPXE, started both kernels: the initrd path is relative to the TFTP root, and
    // ipappend names the booting NIC as BOOTIF=01-<mac>.
    assertThat(serial)
        .contains("PXELINUX")
        .contains("initrd=" + d.uuid() + "/deploy_ramdisk")
        .contains("BOOTIF=01-52-54-00-77-00-04")
        .contains("initrd=" + d.uuid() + "/ramdisk")
        .contains("DEPLOY-RAMDISK: wrote the image to /dev/vda");
    assertThat(serial.indexOf("INSTANCE-UP root=/dev/vda"))
        .isGreaterThan(serial.indexOf("DEPLOY-RAMDISK: wrote the image"));
    assertThat(Files.readString(stack.dir.resolve("dnsmasq.log")))
        .as("DHCP handed this machine pxelinux.0")
        .contains("52:54:00:77:00:04")
        .contains("pxelinux.0");
    assertThat(diskSha256(pxelinux)).isEqualTo(stack.imageSha256);
    assertBootedTwiceFromTheNetwork(pxelinux);
    stack.cli.run("node", "undeploy", pxelinux.name(), "--wait", "180");
    assertThat(stack.amt.node(pxelinux.name()).path("powerState").asText()).isEqualTo("off");
    assertBootFilesGone(d.uuid(), pxelinux);
  }

  /** Deploys and checks the node became active; records the time from deploy to active. */
  Deployed deploy(Machine m, boolean uefiMode, Enrollment how, String variant) throws Exception {
    return deploy(m, uefiMode, how, variant, () -> {});
  }

  Deployed deploy(
      Machine m, boolean uefiMode, Enrollment how, String variant, LabStack.Step beforeDeploy)
      throws Exception {
    Deployed d = stack.deploy(m, uefiMode, how, (t, state) -> {}, beforeDeploy);
    JsonNode ports = stack.cli.json("port", "list", "--node", d.uuid());
    assertThat(ports.findValuesAsText("Address"))
        .as("the node's port: %s", how == Enrollment.PORT_BY_HAND ? "typed in" : "from AMT")
        .containsExactly(m.mac());
    if (how != Enrollment.PORT_BY_HAND) {
      JsonNode node = stack.cli.json("node", "show", m.name());
      assertThat(node.at("/properties/memory_mb").asInt())
          .as("memory from AMT's CIM_PhysicalMemory: %s", node.path("properties"))
          .isPositive();
      assertThat(node.at("/properties/cpus").asInt()).isPositive();
      assertThat(node.at("/driver_internal_info/inspection/inventory/interfaces").toString())
          .contains(m.mac());
    }
    assertThat(d.finalState())
        .as(
            "provision state of %s after %.0f s (states %s, last_error %s); serial log %s",
            m.name(), d.seconds(), d.states(), d.lastError(), stack.serialLog(m))
        .isEqualTo("active");
    String line =
        String.format(
            "deploy -> active: %5.1f s  %-47s (states: %s)",
            d.seconds(), variant, String.join(" -> ", d.states()));
    timings.add(line);
    Files.writeString(
        stack.dir.resolveSibling("timings.txt"),
        Instant.now() + " " + line + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return d;
  }

  void assertBootedTwiceFromTheNetwork(Machine m) throws IOException {
    JsonNode boots = stack.amt.boots(m.name());
    assertThat(stack.amt.bootDevices(m.name()))
        .as("pxe into the deploy ramdisk, then pxe again (re-armed) into the instance: %s", boots)
        .containsExactly("pxe", "pxe");
    assertThat(boots.get(0).path("cause").asText()).isEqualTo("amt-power-on");
    assertThat(boots.get(1).path("cause").asText()).isEqualTo("host-reboot");
    assertThat(boots.get(1).path("overrideUsed").asBoolean()).isTrue();
  }

  void assertBootFilesGone(String uuid, Machine m) {
    String hyphens = m.mac().replace(':', '-');
    Path root = stack.bootRoot;
    assertThat(root.resolve(uuid)).doesNotExist();
    assertThat(Files.exists(root.resolve("pxelinux.cfg/" + hyphens), LinkOption.NOFOLLOW_LINKS))
        .isFalse();
    assertThat(Files.exists(root.resolve("pxelinux.cfg/01-" + hyphens), LinkOption.NOFOLLOW_LINKS))
        .isFalse();
    assertThat(root.resolve("boot.ipxe")).exists();
  }

  /** The SHA-256 of the first IMAGE_BYTES bytes of the VM's disk. */
  String diskSha256(Machine m) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(m.disk())) {
      digest.update(in.readNBytes(LabStack.IMAGE_BYTES));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Waits until a file's content meets the condition; returns it. */
  static String awaitFile(Path file, Predicate<String> condition, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String text = "";
    while (System.nanoTime() < deadline) {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
      if (condition.test(text)) {
        return text;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new AssertionError(
        "the console read through console_info's URL did not show what was expected within "
            + timeout.toSeconds()
            + " s; it showed:\n"
            + text);
  }

  String awaitSerial(Machine m, Predicate<String> condition, Duration timeout) throws Exception {
    Path log = stack.serialLog(m);
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
            + stack.amt.boots(m.name())
            + "; last lines:\n"
            + tail(text, 25));
  }

  void awaitBoots(Machine m, int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (stack.amt.boots(m.name()).size() >= count) {
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
            + stack.amt.boots(m.name()));
  }

  static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
