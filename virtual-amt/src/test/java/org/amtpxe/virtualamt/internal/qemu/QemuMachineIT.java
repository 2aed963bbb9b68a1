package org.amtpxe.virtualamt.internal.qemu;

import static org.amtpxe.virtualamt.testing.Wsman.BOOT_CONFIG;
import static org.amtpxe.virtualamt.testing.Wsman.BOOT_SERVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.amtpxe.virtualamt.BootCause;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.BootRecord;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.VirtualAmt;
import org.amtpxe.virtualamt.VirtualAmtNode;
import org.amtpxe.virtualamt.testing.Await;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.amtpxe.virtualamt.testing.Wsman;
import org.amtpxe.virtualamt.testing.Wsman.Style;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QEMU machine with real firmware (SeaBIOS and QEMU's iPXE ROM, TCG, user-mode networking): the
 * machine's own boot order is the empty disk only, and AMT's PXE override applies to exactly one
 * boot. Skips without qemu-system-x86_64 and ipxe-qemu. The full deploy loop is in the e2e module.
 */
class QemuMachineIT {
  static final String PASSWORD = "P@ssw0rd-42";

  @TempDir Path dir;
  VirtualAmt amt;
  VirtualAmtNode node;
  Path serial;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(
        Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "qemu-system-x86_64"))),
        "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86 ipxe-qemu)");
    assumeTrue(
        Files.isRegularFile(Path.of("/usr/lib/ipxe/qemu/efi-virtio.rom")),
        "QEMU's iPXE ROM is missing (apt-get install ipxe-qemu)");
    serial = dir.resolve("serial.log");
    QemuOptions options =
        new QemuOptions(
            "qemu-system-x86_64",
            QemuOptions.Firmware.BIOS,
            256,
            dir.resolve("disk.img"),
            16,
            "52:54:00:77:00:09",
            null,
            "user",
            "ipxe",
            serial,
            dir.resolve("state"),
            QemuOptions.DEFAULT_OVMF_CODE,
            QemuOptions.DEFAULT_OVMF_VARS,
            Duration.ofSeconds(120),
            List.of());
    amt =
        VirtualAmt.builder()
            .node(
                NodeSpec.builder("vm")
                    .address("127.0.0.1")
                    .port(0)
                    .redirectionPort(0)
                    .password(PASSWORD)
                    .build())
            .machineFactory(spec -> new QemuMachine(spec.name(), options))
            .start();
    node = amt.node("vm");
  }

  @AfterEach
  void stop() {
    if (amt != null) {
      amt.close();
    }
  }

  String serial() throws Exception {
    return Files.exists(serial) ? Files.readString(serial, StandardCharsets.ISO_8859_1) : "";
  }

  void awaitSerial(String text, int occurrences) {
    Await.until(
        "'" + text + "' " + occurrences + " times on the serial console",
        Duration.ofSeconds(90),
        () -> {
          try {
            return serial().split(java.util.regex.Pattern.quote(text), -1).length - 1
                >= occurrences;
          } catch (Exception e) {
            return false;
          }
        });
  }

  void armPxe() throws Exception {
    DigestClient client = new DigestClient(node.wsmanUri(), "admin", PASSWORD);
    assertThat(
            client
                .send(
                    Wsman.request(Style.INTEL, BOOT_CONFIG + "/ChangeBootOrder", BOOT_CONFIG)
                        .body(Wsman.changeBootOrder(Style.INTEL, Wsman.PXE))
                        .build())
                .status())
        .isEqualTo(200);
    assertThat(
            client
                .send(
                    Wsman.request(Style.INTEL, BOOT_SERVICE + "/SetBootConfigRole", BOOT_SERVICE)
                        .body(Wsman.setBootConfigRole(Style.INTEL, 1))
                        .build())
                .status())
        .isEqualTo(200);
  }

  @Test
  void withoutAnOverrideTheMachineBootsOnlyItsDiskAndNeverTheNetwork() throws Exception {
    node.machine().powerOn();
    awaitSerial("No bootable device", 1);

    assertThat(node.powerState()).isEqualTo(HostPowerState.ON);
    assertThat(serial()).contains("Booting from Hard Disk").doesNotContain("Booting from ROM");
    assertThat(node.bootHistory()).extracting(BootRecord::device).containsExactly(BootDevice.DISK);
    assertThat(node.machine().describe()).containsEntry("running", true).containsKey("pid");

    node.machine().powerOff();
    Await.until("off", Duration.ofSeconds(20), () -> node.powerState() == HostPowerState.OFF);
    assertThat(node.machine().describe()).containsEntry("running", false);
  }

  @Test
  void thePxeOverrideAppliesToExactlyTheNextBoot() throws Exception {
    armPxe();
    node.machine().powerOn();
    // iPXE gets an address from QEMU's DHCP but no boot file, gives up, and SeaBIOS goes on with
    // the disk.
    awaitSerial("No bootable device", 1);
    assertThat(serial()).contains("Booting from ROM").contains("52:54:00:77:00:09");

    node.machine().reset();
    awaitSerial("No bootable device", 2);

    List<BootRecord> boots = node.bootHistory();
    assertThat(boots)
        .extracting(BootRecord::device)
        .containsExactly(BootDevice.PXE, BootDevice.DISK);
    assertThat(boots)
        .extracting(BootRecord::cause)
        .containsExactly(BootCause.AMT_POWER_ON, BootCause.AMT_RESET);
    assertThat(boots.get(0).overrideUsed()).isTrue();
    assertThat(boots.get(1).overrideUsed()).isFalse();
    assertThat(serial().split("Booting from ROM", -1)).hasSize(2);
  }

  @Test
  void amttermSeesTheGuestsSerialConsoleThroughSol() throws Exception {
    Path amtterm = Path.of("/usr/bin/amtterm");
    assumeTrue(Files.isExecutable(amtterm), "amtterm is not installed (apt-get install amtterm)");
    node.setRedirection(org.amtpxe.virtualamt.RedirectionState.SOL_READY);
    ProcessBuilder pb =
        new ProcessBuilder(
            "timeout",
            "100",
            amtterm.toString(),
            "-u",
            "admin",
            "127.0.0.1",
            Integer.toString(node.redirectionPort().orElseThrow()));
    pb.environment().put("AMT_PASSWORD", PASSWORD);
    pb.redirectErrorStream(true);
    Path seen = dir.resolve("amtterm.out");
    pb.redirectOutput(seen.toFile());
    Process p = pb.start();
    try {
      Await.until("amtterm's SOL session", Duration.ofSeconds(10), node::solSessionOpen);
      node.machine().powerOn();
      Await.until(
          "SeaBIOS's messages in amtterm's output",
          Duration.ofSeconds(90),
          () -> {
            try {
              return Files.readString(seen, StandardCharsets.ISO_8859_1)
                  .contains("No bootable device");
            } catch (java.io.IOException e) {
              return false;
            }
          });
      assertThat(Files.readString(seen, StandardCharsets.ISO_8859_1))
          .contains("Booting from Hard Disk");
    } finally {
      p.destroy();
      p.waitFor();
    }
  }
}
