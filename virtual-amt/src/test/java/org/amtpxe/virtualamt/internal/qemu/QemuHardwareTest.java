package org.amtpxe.virtualamt.internal.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.internal.qemu.QemuHardware.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuHardwareTest {
  @TempDir Path dir;

  private QemuOptions options(
      QemuOptions.Firmware firmware, int memoryMb, Path disk, List<String> extra) {
    return new QemuOptions(
        "qemu-system-x86_64",
        firmware,
        memoryMb,
        disk,
        64,
        "52:54:00:12:34:56",
        null,
        "user",
        firmware == QemuOptions.Firmware.UEFI ? "none" : "ipxe",
        dir.resolve("serial.log"),
        dir,
        dir.resolve("code.fd"),
        dir.resolve("vars.fd"),
        Duration.ofSeconds(60),
        extra);
  }

  @Test
  void smpMemoryDiskMacAndFirmwareBecomeTheReportedHardware() throws Exception {
    Path disk = dir.resolve("vm.img");
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    Hardware declared = Hardware.derived("vm-1");

    Hardware h =
        QemuHardware.map(
            options(QemuOptions.Firmware.UEFI, 2048, disk, List.of("-smp", "4")), declared);

    assertThat(h.cpus()).hasSize(1);
    assertThat(h.cpus().get(0).cores()).isEqualTo(4);
    assertThat(h.cpus().get(0).model()).isEqualTo(QemuHardware.CPU_MODEL);
    assertThat(h.memoryBytes()).isEqualTo(2048L * 1024 * 1024);
    assertThat(h.disks()).extracting(Hardware.Disk::sizeBytes).containsExactly(3L << 30);
    assertThat(h.sharedNic().orElseThrow().mac()).isEqualTo("52:54:00:12:34:56");
    assertThat(h.bootMode()).isEqualTo("uefi");
    assertThat(h.chassis()).isEqualTo(declared.chassis());
    assertThat(h.hostName()).isEqualTo("vm-1");
  }

  @Test
  void aDiskNotCreatedYetHasTheSizeItWillBeCreatedWith() {
    Hardware h =
        QemuHardware.map(
            options(QemuOptions.Firmware.BIOS, 512, dir.resolve("missing.img"), List.of()),
            Hardware.derived("vm-2"));

    assertThat(h.disks().get(0).sizeBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(h.cpus()).hasSize(1);
    assertThat(h.cpus().get(0).cores()).isEqualTo(1);
    assertThat(h.bootMode()).isEqualTo("bios");
  }

  @Test
  void smpTopologyFollowsQemusRules() {
    assertThat(QemuHardware.topology(List.of())).isEqualTo(new Topology(1, 1, 1));
    assertThat(QemuHardware.topology(List.of("-smp", "8"))).isEqualTo(new Topology(1, 8, 1));
    assertThat(QemuHardware.topology(List.of("-smp", "8,sockets=2")))
        .isEqualTo(new Topology(2, 4, 1));
    assertThat(QemuHardware.topology(List.of("-smp", "cpus=8,cores=2,threads=2")))
        .isEqualTo(new Topology(2, 2, 2));
    assertThat(QemuHardware.topology(List.of("-smp", "2", "-smp", "sockets=2,cores=3")))
        .isEqualTo(new Topology(2, 3, 1));
  }

  @Test
  void twoSocketsBecomeTwoProcessorPackages() {
    Hardware h =
        QemuHardware.map(
            options(
                QemuOptions.Firmware.BIOS,
                1024,
                dir.resolve("d.img"),
                List.of("-smp", "8,sockets=2,threads=2")),
            Hardware.derived("vm-3"));

    assertThat(h.cpus()).hasSize(2);
    assertThat(h.cpus()).allSatisfy(c -> assertThat(c.threads()).isEqualTo(4));
  }

  @Test
  void anSmpThatIsNotANumberIsRefused() {
    assertThatThrownBy(() -> QemuHardware.topology(List.of("-smp", "many")))
        .hasMessageContaining("-smp many");
  }
}
