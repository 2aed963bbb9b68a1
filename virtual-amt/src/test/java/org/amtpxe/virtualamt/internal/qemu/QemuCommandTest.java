package org.amtpxe.virtualamt.internal.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.amtpxe.virtualamt.BootDevice;
import org.junit.jupiter.api.Test;

class QemuCommandTest {
  static QemuOptions options(QemuOptions.Firmware firmware, String rom) {
    return new QemuOptions(
        "qemu-system-x86_64",
        firmware,
        512,
        Path.of("/lab/vm.img"),
        64,
        "52:54:00:77:00:01",
        "tap0",
        null,
        rom,
        Path.of("/lab/vm-serial.log"),
        Path.of("/lab/state"),
        QemuOptions.DEFAULT_OVMF_CODE,
        QemuOptions.DEFAULT_OVMF_VARS,
        Duration.ofSeconds(600),
        List.of());
  }

  static List<String> build(QemuOptions o, BootDevice device) {
    return QemuCommand.build(
        o, device, "vm", Path.of("/lab/state/vm.qmp"), Path.of("/lab/vars.fd"));
  }

  @Test
  void aPxeBootPutsTheNicAheadOfTheDisk() {
    List<String> c = build(options(QemuOptions.Firmware.BIOS, "ipxe"), BootDevice.PXE);

    assertThat(c).containsSequence("-device", "virtio-blk-pci,drive=disk0,bootindex=1");
    assertThat(c)
        .containsSequence(
            "-device", "virtio-net-pci,netdev=net0,id=nic0,mac=52:54:00:77:00:01,bootindex=0");
  }

  @Test
  void anyOtherBootLeavesTheNicOutOfTheStrictBootOrder() {
    List<String> c = build(options(QemuOptions.Firmware.BIOS, "ipxe"), BootDevice.DISK);

    assertThat(c).containsSequence("-boot", "strict=on");
    assertThat(c)
        .containsSequence("-device", "virtio-net-pci,netdev=net0,id=nic0,mac=52:54:00:77:00:01");
    assertThat(String.join(" ", c)).doesNotContain("bootindex=0");
  }

  @Test
  void everyProcessRunsUnderATimeoutWithTcgAndPausesOnGuestReboot() {
    List<String> c = build(options(QemuOptions.Firmware.BIOS, "ipxe"), BootDevice.DISK);

    assertThat(c.subList(0, 4))
        .containsExactly("timeout", "--kill-after=10", "600s", "qemu-system-x86_64");
    assertThat(c).containsSequence("-accel", "tcg");
    assertThat(c).containsSequence("-action", "reboot=shutdown,shutdown=pause");
    assertThat(c).containsSequence("-qmp", "unix:/lab/state/vm.qmp,server=on,wait=off");
    assertThat(c).contains("-S");
    assertThat(c)
        .containsSequence(
            "-chardev", "socket,id=serial0,path=/lab/state/vm.serial,server=on,wait=off");
    assertThat(c).containsSequence("-machine", "pc,graphics=off");
  }

  @Test
  void uefiUsesQ35WithOvmfAndTheFirmwaresOwnPxeClient() {
    List<String> c = build(options(QemuOptions.Firmware.UEFI, "none"), BootDevice.PXE);

    assertThat(c).containsSequence("-machine", "q35,graphics=off");
    assertThat(c)
        .containsSequence(
            "-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd");
    assertThat(c).containsSequence("-drive", "if=pflash,format=raw,file=/lab/vars.fd");
    assertThat(c)
        .containsSequence(
            "-device",
            "virtio-net-pci,netdev=net0,id=nic0,mac=52:54:00:77:00:01,romfile=,bootindex=0");
  }
}
