package org.amtpxe.virtualamt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One boot of a virtual host.
 *
 * @param time when the host firmware started the boot
 * @param device the device it booted from
 * @param cause what made it boot
 * @param overrideUsed true when AMT's one-time boot override chose the device
 * @param notes what the machine reported about this boot, oldest first: for a machine that really
 *     boots, what it loaded (the boot script, the kernel and its command line) and what came of it
 */
public record BootRecord(
    Instant time, BootDevice device, BootCause cause, boolean overrideUsed, List<String> notes) {

  /** Checks that no field is null and copies the notes. */
  public BootRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(cause, "cause");
    notes = List.copyOf(notes);
  }

  /** A boot without notes (yet). */
  public BootRecord(Instant time, BootDevice device, BootCause cause, boolean overrideUsed) {
    this(time, device, cause, overrideUsed, List.of());
  }

  /** This boot with one more note. */
  public BootRecord withNote(String note) {
    List<String> more = new ArrayList<>(notes);
    more.add(Objects.requireNonNull(note, "note"));
    return new BootRecord(time, device, cause, overrideUsed, more);
  }
}
