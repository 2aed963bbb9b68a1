package org.amtpxe.virtualamt.internal.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.amtpxe.api.model.MacAddress;

/**
 * How to run the QEMU machine behind a virtual AMT.
 *
 * @param binary the QEMU system emulator, e.g. {@code qemu-system-x86_64}
 * @param firmware {@link Firmware#BIOS} (SeaBIOS) or {@link Firmware#UEFI} (OVMF)
 * @param memoryMb guest memory
 * @param disk the raw disk image (virtio-blk); created sparse with {@code diskSizeMb} if missing
 * @param diskSizeMb size of a disk created here; 0 to require an existing disk
 * @param mac the NIC's MAC address, e.g. {@code 52:54:00:12:34:56}
 * @param tap the tap device the NIC is connected to; null when {@code netdev} is given
 * @param netdev a raw {@code -netdev} value without {@code id} (e.g. {@code user}); null for tap
 * @param nicRom the NIC's option ROM: {@code ipxe} (QEMU's iPXE ROM), {@code none} (the firmware's
 *     own PXE client; UEFI only) or a ROM file
 * @param serialLog the file the serial console is appended to
 * @param stateDir where the QMP socket, QEMU's own log and the UEFI variable store live
 * @param ovmfCode the OVMF code image (UEFI)
 * @param ovmfVars the OVMF variable store template, copied once into {@code stateDir} (UEFI)
 * @param maxRun how long one QEMU process may run before it is killed
 * @param extraArgs more QEMU arguments, appended as given
 */
public record QemuOptions(
    String binary,
    Firmware firmware,
    int memoryMb,
    Path disk,
    int diskSizeMb,
    String mac,
    String tap,
    String netdev,
    String nicRom,
    Path serialLog,
    Path stateDir,
    Path ovmfCode,
    Path ovmfVars,
    Duration maxRun,
    List<String> extraArgs) {

  /** The machine's firmware. */
  public enum Firmware {
    /** SeaBIOS, PXE through the NIC's iPXE option ROM. */
    BIOS,
    /** OVMF (q35), PXE through OVMF's own client or the NIC's iPXE EFI ROM. */
    UEFI;

    /** Parses {@code bios} or {@code uefi}. */
    public static Firmware parse(String text) {
      String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
      return switch (t) {
        case "bios" -> BIOS;
        case "uefi" -> UEFI;
        default ->
            throw new IllegalArgumentException(
                "firmware must be 'bios' or 'uefi', not '" + text + "'");
      };
    }
  }

  /** The default OVMF code image (Debian package ovmf). */
  public static final Path DEFAULT_OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");

  /** The default OVMF variable store template (Debian package ovmf). */
  public static final Path DEFAULT_OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

  private static final Pattern TAP = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

  /** Validates the options; every message names the key to fix. */
  public QemuOptions {
    if (binary == null || binary.isBlank()) {
      throw new IllegalArgumentException("binary must name the QEMU emulator");
    }
    Objects.requireNonNull(firmware, "firmware");
    if (memoryMb < 64 || memoryMb > 65536) {
      throw new IllegalArgumentException("memoryMb must be 64 to 65536, not " + memoryMb);
    }
    Objects.requireNonNull(disk, "disk");
    if (diskSizeMb < 0) {
      throw new IllegalArgumentException("diskSizeMb must not be negative");
    }
    if (MacAddress.tryParse(mac).isEmpty()) {
      throw new IllegalArgumentException("mac must look like 52:54:00:12:34:56, not '" + mac + "'");
    }
    if ((tap == null) == (netdev == null)) {
      throw new IllegalArgumentException(
          "give either tap (a tap device, e.g. tap0) or netdev (e.g. user), not both or neither");
    }
    if (tap != null && !TAP.matcher(tap).matches()) {
      throw new IllegalArgumentException("tap '" + tap + "' is not a network interface name");
    }
    if (netdev != null && (netdev.isBlank() || netdev.contains("id="))) {
      throw new IllegalArgumentException(
          "netdev must be a -netdev value without id=, e.g. 'user,tftp=/srv/tftp'");
    }
    Objects.requireNonNull(nicRom, "nicRom");
    if (firmware == Firmware.BIOS && nicRom.equals("none")) {
      throw new IllegalArgumentException(
          "nicRom 'none' leaves a BIOS machine without a PXE client: use 'ipxe' or a ROM file");
    }
    Objects.requireNonNull(serialLog, "serialLog");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(ovmfCode, "ovmfCode");
    Objects.requireNonNull(ovmfVars, "ovmfVars");
    Objects.requireNonNull(maxRun, "maxRun");
    if (maxRun.isNegative() || maxRun.isZero()) {
      throw new IllegalArgumentException("maxRunSeconds must be positive");
    }
    extraArgs = List.copyOf(extraArgs);
  }

  /** The MAC in lower case. */
  public String macLowerCase() {
    return mac.toLowerCase(Locale.ROOT);
  }
}
