package org.amtpxe.amt.internal;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.amtpxe.api.driver.BootEvent;
import org.amtpxe.api.driver.BootEvent.Kind;
import org.amtpxe.api.model.BootDevice;

/**
 * Decodes the 21-byte records of AMT's event log into {@link BootEvent}s: the IPMI sensor types and
 * offsets that tell a boot's story (docs/amt-wsman.md#event-log). A record of an unknown sensor,
 * offset or code is kept as {@link Kind#UNKNOWN} or with a generic description and its bytes; only
 * a record of the wrong length is refused, by the caller.
 */
final class AmtEvents {
  /** Event type 0x6F: the offset means what the sensor type's table says. */
  private static final int SENSOR_SPECIFIC = 0x6F;

  private static final int PLATFORM_SECURITY = 0x06;
  private static final int FIRMWARE_PROGRESS = 0x0F;
  private static final int RESTART = 0x1D;
  private static final int BOOT_ERROR = 0x1E;
  private static final int OS_BOOT = 0x1F;
  private static final int OS_STOP = 0x20;
  private static final int ACPI_POWER = 0x22;
  private static final int WATCHDOG = 0x23;
  private static final int ENTITY_PRESENCE = 0x25;

  private static final Map<Integer, String> PROGRESS =
      Map.ofEntries(
          Map.entry(0x00, "an unspecified step"),
          Map.entry(0x01, "memory initialisation"),
          Map.entry(0x02, "hard-disk initialisation"),
          Map.entry(0x03, "secondary processor initialisation"),
          Map.entry(0x04, "user authentication"),
          Map.entry(0x05, "BIOS setup, entered by a user"),
          Map.entry(0x06, "USB configuration"),
          Map.entry(0x07, "PCI configuration"),
          Map.entry(0x08, "option ROM initialisation (network boot ROM among them)"),
          Map.entry(0x09, "video initialisation"),
          Map.entry(0x0A, "cache initialisation"),
          Map.entry(0x0B, "SM bus initialisation"),
          Map.entry(0x0C, "keyboard controller initialisation"),
          Map.entry(0x0D, "management controller initialisation"),
          Map.entry(0x12, "calling the OS wake-up vector"),
          Map.entry(0x13, "starting the OS boot"),
          Map.entry(0x14, "motherboard initialisation"),
          Map.entry(0x16, "floppy initialisation"),
          Map.entry(0x17, "keyboard test"),
          Map.entry(0x18, "pointing device test"),
          Map.entry(0x19, "primary processor initialisation"));

  private static final Map<Integer, String> FIRMWARE_ERRORS =
      Map.ofEntries(
          Map.entry(0x00, "an unspecified error"),
          Map.entry(0x01, "no memory installed"),
          Map.entry(0x02, "no usable memory"),
          Map.entry(0x03, "hard-disk failure"),
          Map.entry(0x04, "system board failure"),
          Map.entry(0x05, "diskette failure"),
          Map.entry(0x06, "hard-disk controller failure"),
          Map.entry(0x07, "keyboard failure"),
          Map.entry(0x08, "removable boot media not found"),
          Map.entry(0x09, "video controller failure"),
          Map.entry(0x0A, "no video device"),
          Map.entry(0x0B, "BIOS ROM corrupt"),
          Map.entry(0x0C, "processor voltage mismatch"),
          Map.entry(0x0D, "processor speed mismatch"));

  private static final Map<Integer, String> SEVERITIES =
      Map.of(
          0x00, "unspecified",
          0x01, "monitor",
          0x02, "information",
          0x04, "ok",
          0x08, "non-critical",
          0x10, "critical",
          0x20, "non-recoverable");

  private static final Map<Integer, String> ENTITIES =
      Map.of(
          0x03, "processor",
          0x07, "system board",
          0x17, "chassis",
          0x20, "memory",
          0x22, "BIOS",
          0x23, "management engine",
          0x26, "management engine");

  private AmtEvents() {}

  /**
   * Decodes one record.
   *
   * @param r exactly 21 bytes
   */
  static BootEvent decode(byte[] r) {
    if (r.length != 21) {
      throw new IllegalArgumentException("a record has 21 bytes, not " + r.length);
    }
    long seconds =
        (r[0] & 0xFFL) | (r[1] & 0xFFL) << 8 | (r[2] & 0xFFL) << 16 | (r[3] & 0xFFL) << 24;
    // NOTE: 0 and 0xFFFFFFFF are "no time" (MeshCommander skips such records; we keep them).
    Instant time = seconds == 0 || seconds == 0xFFFF_FFFFL ? null : Instant.ofEpochSecond(seconds);
    int sensor = r[5] & 0xFF;
    int type = r[6] & 0xFF;
    int offset = r[7] & 0x0F;
    int severity = r[9] & 0xFF;
    int entity = r[11] & 0xFF;
    int data1 = r[13] & 0xFF;
    int data2 = r[14] & 0xFF;
    String raw = HexFormat.of().formatHex(r);
    String severityName = SEVERITIES.getOrDefault(severity, String.format("0x%02X", severity));
    String reporter = ENTITIES.getOrDefault(entity, String.format("entity 0x%02X", entity));
    Decoded d =
        type == SENSOR_SPECIFIC
            ? decode(sensor, offset, data1, data2, r)
            : unknown(sensor, type, r[7] & 0xFF);
    return new BootEvent(time, d.kind, d.device, d.description, severityName, reporter, raw);
  }

  private record Decoded(Kind kind, BootDevice device, String description) {}

  private static Decoded decode(int sensor, int offset, int data1, int data2, byte[] r) {
    switch (sensor) {
      case ACPI_POWER:
        return switch (offset) {
          case 0x00 -> of(Kind.POWER_ON, "Power: on (S0, working)");
          case 0x01, 0x02, 0x03, 0x08, 0x09 ->
              of(Kind.SLEEP, "Power: asleep (S" + sleepState(offset) + ")");
          case 0x04 -> of(Kind.SLEEP, "Power: hibernating (S4)");
          case 0x05, 0x06 -> of(Kind.POWER_OFF, "Power: off (S5, soft-off)");
          case 0x07 -> of(Kind.POWER_OFF, "Power: off (G3, mechanical off)");
          case 0x0A -> of(Kind.POWER_OFF, "Power: off (S5, forced)");
          default -> of(Kind.OTHER, "Power: ACPI state offset " + offset);
        };
      case RESTART:
        return switch (offset) {
          case 0x00 -> of(Kind.RESTART, "Boot started: power-up");
          case 0x01 -> of(Kind.RESTART, "Boot started: hard reset");
          case 0x02 -> of(Kind.RESTART, "Boot started: warm reset");
          case 0x03 ->
              new Decoded(Kind.RESTART, BootDevice.PXE, "Boot started: PXE boot requested");
          case 0x04 -> of(Kind.RESTART, "Boot started: diagnostic boot requested");
          case 0x05 -> of(Kind.RESTART, "Boot started: hard reset by the OS");
          case 0x06 -> of(Kind.RESTART, "Boot started: warm reset by the OS");
          case 0x07 -> of(Kind.RESTART, "Boot started: system restart");
          default -> of(Kind.RESTART, "Boot started (offset " + offset + ")");
        };
      case FIRMWARE_PROGRESS:
        if (data1 == 0xEB) {
          return of(Kind.OTHER, "BIOS: a record marked invalid");
        }
        return switch (offset) {
          case 0x00 ->
              of(
                  Kind.FIRMWARE_ERROR,
                  "BIOS error: " + FIRMWARE_ERRORS.getOrDefault(data2, code(data2)));
          case 0x01 ->
              of(
                  Kind.FIRMWARE_ERROR,
                  "BIOS hung during " + PROGRESS.getOrDefault(data2, code(data2)));
          case 0x02 ->
              of(Kind.FIRMWARE_PROGRESS, "BIOS: " + PROGRESS.getOrDefault(data2, code(data2)));
          default -> unknown(sensor, SENSOR_SPECIFIC, offset);
        };
      case BOOT_ERROR:
        return switch (offset) {
          case 0x00 -> of(Kind.BOOT_ERROR, "Boot failed: no bootable media");
          case 0x01 -> of(Kind.BOOT_ERROR, "Boot failed: non-bootable diskette");
          case 0x02 ->
              new Decoded(Kind.BOOT_ERROR, BootDevice.PXE, "Boot failed: PXE server not found");
          case 0x03 -> of(Kind.BOOT_ERROR, "Boot failed: invalid boot sector");
          case 0x04 -> of(Kind.BOOT_ERROR, "Boot failed: timeout waiting for a boot selection");
          default -> of(Kind.BOOT_ERROR, "Boot failed (offset " + offset + ")");
        };
      case OS_BOOT:
        return switch (offset) {
          case 0x00 -> of(Kind.BOOT_DEVICE, "Booting from the diskette (A:)");
          case 0x01 ->
              new Decoded(Kind.BOOT_DEVICE, BootDevice.DISK, "Booting from the hard disk (C:)");
          case 0x02 ->
              new Decoded(Kind.BOOT_DEVICE, BootDevice.PXE, "Booting from the network (PXE)");
          case 0x03 -> of(Kind.BOOT_DEVICE, "Booting the diagnostics");
          case 0x04 -> new Decoded(Kind.BOOT_DEVICE, BootDevice.CDROM, "Booting from the CD/DVD");
          case 0x05 -> of(Kind.BOOT_DEVICE, "Booting from a ROM");
          default -> of(Kind.BOOT_DEVICE, "Booting from an unspecified device");
        };
      case OS_STOP:
        return of(Kind.OS_FAILURE, "The operating system stopped (lock-up or power loss)");
      case WATCHDOG:
        return of(Kind.OS_FAILURE, "A watchdog expired: the system did not boot or hung");
      case ENTITY_PRESENCE:
        return of(Kind.FIRMWARE_PROGRESS, "BIOS started: a processor is running");
      case PLATFORM_SECURITY:
        return of(
            Kind.OTHER, "Failed logins to the AMT: " + ((r[14] & 0xFF) | (r[15] & 0xFF) << 8));
      default:
        return unknown(sensor, SENSOR_SPECIFIC, offset);
    }
  }

  private static int sleepState(int offset) {
    return offset >= 1 && offset <= 3 ? offset : 3;
  }

  private static Decoded of(Kind kind, String description) {
    return new Decoded(kind, null, description);
  }

  private static Decoded unknown(int sensor, int type, int offset) {
    return new Decoded(
        Kind.UNKNOWN,
        null,
        String.format(
            "Unknown event: sensor type 0x%02X, event type 0x%02X, offset %d",
            sensor, type, offset));
  }

  private static String code(int code) {
    return String.format("step code 0x%02X", code);
  }
}
