package org.amtpxe.virtualamt.internal.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.internal.qemu.QemuOptions.Firmware;

/**
 * The command line of one QEMU process, i.e. of one boot: each boot is a fresh process whose boot
 * order is the device the AMT firmware chose.
 *
 * <p>The machine's own boot order is the disk only ({@code -boot strict=on}, the disk with a {@code
 * bootindex}, the NIC without one), so it never falls back to the network by itself. Only when the
 * boot device is PXE does the NIC get a {@code bootindex}, ahead of the disk.
 */
final class QemuCommand {
  /** The QEMU id of the NIC. */
  static final String NIC_ID = "nic0";

  private QemuCommand() {}

  /**
   * The command line.
   *
   * @param o the machine
   * @param device the device to boot from
   * @param name the node's name, for QEMU's {@code -name}
   * @param qmpSocket the QMP socket to create
   * @param vars the UEFI variable store (UEFI only)
   */
  /** The serial port's socket, next to the QMP socket. */
  static Path serialSocket(Path qmpSocket) {
    String file = qmpSocket.getFileName().toString();
    return qmpSocket.resolveSibling(
        (file.endsWith(".qmp") ? file.substring(0, file.length() - 4) : file) + ".serial");
  }

  static List<String> build(
      QemuOptions o, BootDevice device, String name, Path qmpSocket, Path vars) {
    List<String> c = new ArrayList<>();
    // NOTE: a second line of defence besides the backend's own kill on close: an orphaned QEMU
    // (the emulator killed with SIGKILL) still ends after maxRun.
    c.add("timeout");
    c.add("--kill-after=10");
    c.add(o.maxRun().toSeconds() + "s");
    c.add(o.binary());
    c.add("-name");
    c.add(name);
    // NOTE: KVM on the build machines is a PVM nested KVM that crashes guests
    // (docs/pxe-deploy.md#tcg).
    c.add("-accel");
    c.add("tcg");
    c.add("-machine");
    // graphics=off makes SeaBIOS and OVMF write their console to the serial port.
    c.add((o.firmware() == Firmware.UEFI ? "q35" : "pc") + ",graphics=off");
    c.add("-m");
    c.add(Integer.toString(o.memoryMb()));
    c.add("-display");
    c.add("none");
    c.add("-nodefaults");
    c.add("-no-user-config");
    c.add("-S");
    c.add("-qmp");
    c.add("unix:" + qmpSocket + ",server=on,wait=off");
    // A reboot by the guest pauses the machine instead of resetting it, so that the backend can
    // apply AMT's boot override to the boot that follows; a power-off by the guest pauses it too.
    c.add("-action");
    c.add("reboot=shutdown,shutdown=pause");
    // NOTE: the serial port is a socket the machine connects to before the guest runs; the
    // machine appends what it reads to the serial log and passes it to AMT's Serial-over-LAN
    // (docs/amt-sol.md#emulator). QEMU's own logfile= option is not used: it logs a write again
    // each time the socket takes only part of it, doubling characters in the log.
    c.add("-chardev");
    c.add("socket,id=serial0,path=" + serialSocket(qmpSocket) + ",server=on,wait=off");
    c.add("-serial");
    c.add("chardev:serial0");
    if (o.firmware() == Firmware.UEFI) {
      c.add("-drive");
      c.add("if=pflash,format=raw,readonly=on,file=" + o.ovmfCode());
      c.add("-drive");
      c.add("if=pflash,format=raw,file=" + vars);
    }
    c.add("-boot");
    c.add("strict=on");
    c.add("-drive");
    c.add("file=" + o.disk() + ",format=raw,if=none,id=disk0");
    c.add("-device");
    c.add("virtio-blk-pci,drive=disk0,bootindex=1");
    c.add("-netdev");
    c.add(
        o.tap() != null
            ? "tap,id=net0,ifname=" + o.tap() + ",script=no,downscript=no"
            : o.netdev() + ",id=net0");
    StringBuilder nic =
        new StringBuilder("virtio-net-pci,netdev=net0,id=" + NIC_ID + ",mac=" + o.mac());
    if (o.nicRom().equals("none")) {
      nic.append(",romfile=");
    } else if (!o.nicRom().equals("ipxe")) {
      nic.append(",romfile=").append(o.nicRom());
    }
    if (device == BootDevice.PXE) {
      nic.append(",bootindex=0");
    }
    c.add("-device");
    c.add(nic.toString());
    c.addAll(o.extraArgs());
    return c;
  }
}
