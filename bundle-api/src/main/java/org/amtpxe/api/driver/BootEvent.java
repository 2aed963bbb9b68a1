package org.amtpxe.api.driver;

import java.time.Instant;
import java.util.Objects;
import org.amtpxe.api.model.BootDevice;

/**
 * One event of a node's boot history, decoded from what the hardware logged.
 *
 * @param time when it happened by the controller's clock, or null when the record carries no time
 * @param kind what happened
 * @param device the device the firmware booted from or failed to boot from, or null
 * @param description what happened in words, e.g. "BIOS: starting the OS boot"
 * @param severity the severity the hardware gave, e.g. "information", "critical"
 * @param reporter who reported it, e.g. "BIOS", "management engine"
 * @param raw the record as the hardware sent it, in hexadecimal (for unknown codes)
 * @since 1.3
 */
public record BootEvent(
    Instant time,
    Kind kind,
    BootDevice device,
    String description,
    String severity,
    String reporter,
    String raw) {

  /** What an event says. */
  public enum Kind {
    /** The host entered the working state (S0). */
    POWER_ON,
    /** The host went to soft-off or mechanical off (S5, G3). */
    POWER_OFF,
    /** The host went to sleep or hibernation (S1-S4). */
    SLEEP,
    /** A boot or restart started (power-up, hard reset, warm reset). */
    RESTART,
    /** The BIOS reached a step of its start-up (memory, PCI, option ROMs, starting the OS boot). */
    FIRMWARE_PROGRESS,
    /** The BIOS handed over to a boot device ({@link BootEvent#device()}). */
    BOOT_DEVICE,
    /** The boot found nothing to start: no bootable media, no PXE server. */
    BOOT_ERROR,
    /** The BIOS reported an error (no memory, no video, removable media not found). */
    FIRMWARE_ERROR,
    /** The operating system stopped or a watchdog expired. */
    OS_FAILURE,
    /** A known event that is not about booting, e.g. failed logins to the controller. */
    OTHER,
    /** A code the driver does not know; {@link BootEvent#raw()} holds the record. */
    UNKNOWN
  }

  /** Checks the required fields. */
  public BootEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(reporter, "reporter");
    Objects.requireNonNull(raw, "raw");
  }
}
