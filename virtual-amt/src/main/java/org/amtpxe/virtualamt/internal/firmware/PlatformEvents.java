package org.amtpxe.virtualamt.internal.firmware;

import java.util.ArrayList;
import java.util.List;
import org.amtpxe.virtualamt.BootCause;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.BootError;
import org.amtpxe.virtualamt.HostPowerState;

/**
 * The platform events the emulated BIOS and AMT log for a boot, a boot failure and a power change,
 * with the IPMI sensor types and offsets of docs/amt-wsman.md#event-log.
 */
public final class PlatformEvents {
  /** Sensor type 0x0F: system firmware progress (offset 0 error, 2 progress). */
  public static final int FIRMWARE_PROGRESS = 0x0F;

  /** Sensor type 0x1D: system boot / restart initiated. */
  public static final int RESTART = 0x1D;

  /** Sensor type 0x1E: boot error. */
  public static final int BOOT_ERROR = 0x1E;

  /** Sensor type 0x1F: OS boot (the firmware handed over to a boot device). */
  public static final int OS_BOOT = 0x1F;

  /** Sensor type 0x22: system ACPI power state. */
  public static final int ACPI_POWER = 0x22;

  /** Entity 0x22: the BIOS. */
  public static final int ENTITY_BIOS = 0x22;

  /** Entity 0x26: the management engine (AMT itself). */
  public static final int ENTITY_ME = 0x26;

  /** Progress codes (event data 2 of sensor 0x0F offset 2). */
  public static final int MEMORY_INIT = 0x01;

  public static final int SETUP = 0x05;
  public static final int PCI_INIT = 0x07;
  public static final int OPTION_ROM_INIT = 0x08;
  public static final int OS_BOOT_START = 0x13;

  /** Error code (event data 2 of sensor 0x0F offset 0): removable boot media not found. */
  public static final int NO_REMOVABLE_MEDIA = 0x08;

  private static final int MONITOR = 0x01;
  private static final int INFORMATION = 0x02;
  private static final int CRITICAL = 0x10;

  /** Event data 1 = 0x40: event data 2 carries the sensor-specific code. */
  private static final byte CODE_IN_DATA_2 = 0x40;

  private PlatformEvents() {}

  /**
   * What a boot logs, in the order it happens: the restart, the BIOS's progress (memory, PCI, the
   * network option ROM when it boots from the network) and the hand-over to the device.
   */
  public static List<PlatformEvent> boot(long time, BootCause cause, BootDevice device) {
    List<PlatformEvent> events = new ArrayList<>();
    events.add(event(time, RESTART, restartOffset(cause), INFORMATION, ENTITY_ME, noData()));
    events.add(progress(time, MEMORY_INIT));
    events.add(progress(time, PCI_INIT));
    switch (device) {
      case PXE -> {
        events.add(progress(time, OPTION_ROM_INIT));
        events.add(progress(time, OS_BOOT_START));
        events.add(event(time, OS_BOOT, 2, INFORMATION, ENTITY_BIOS, noData()));
      }
      case DISK -> {
        events.add(progress(time, OS_BOOT_START));
        events.add(event(time, OS_BOOT, 1, INFORMATION, ENTITY_BIOS, noData()));
      }
      case CDROM -> {
        events.add(progress(time, OS_BOOT_START));
        events.add(event(time, OS_BOOT, 4, INFORMATION, ENTITY_BIOS, noData()));
      }
      case BIOS -> events.add(progress(time, SETUP));
    }
    return events;
  }

  /** What a failed boot logs: the boot error, and for a missing removable medium the BIOS error. */
  public static List<PlatformEvent> bootFailed(long time, BootError error) {
    return switch (error) {
      case NO_BOOTABLE_MEDIA ->
          List.of(event(time, BOOT_ERROR, 0, CRITICAL, ENTITY_BIOS, noData()));
      case PXE_SERVER_NOT_FOUND ->
          List.of(event(time, BOOT_ERROR, 2, CRITICAL, ENTITY_BIOS, noData()));
      case NO_REMOVABLE_MEDIA ->
          List.of(
              event(
                  time, FIRMWARE_PROGRESS, 0, CRITICAL, ENTITY_BIOS, codeData(NO_REMOVABLE_MEDIA)),
              event(time, BOOT_ERROR, 0, CRITICAL, ENTITY_BIOS, noData()));
    };
  }

  /** What a power change logs: the ACPI state the host entered. */
  public static PlatformEvent power(long time, HostPowerState state) {
    int offset =
        switch (state) {
          case ON -> 0x00;
          case SLEEP_LIGHT, SLEEP_DEEP -> 0x03;
          case HIBERNATE -> 0x04;
          default -> 0x05;
        };
    return event(time, ACPI_POWER, offset, INFORMATION, ENTITY_ME, noData());
  }

  private static int restartOffset(BootCause cause) {
    return switch (cause) {
      case AMT_POWER_ON, HOST_POWER_ON -> 0x00;
      case AMT_RESET, AMT_POWER_CYCLE -> 0x01;
      case AMT_GRACEFUL_RESET, HOST_REBOOT -> 0x02;
    };
  }

  private static PlatformEvent progress(long time, int code) {
    return event(time, FIRMWARE_PROGRESS, 2, MONITOR, ENTITY_BIOS, codeData(code));
  }

  private static PlatformEvent event(
      long time, int sensor, int offset, int severity, int entity, byte[] data) {
    return new PlatformEvent(time, sensor, offset, severity, entity, data);
  }

  private static byte[] codeData(int code) {
    byte[] data = new byte[8];
    data[0] = CODE_IN_DATA_2;
    data[1] = (byte) code;
    return data;
  }

  private static byte[] noData() {
    return new byte[8];
  }
}
