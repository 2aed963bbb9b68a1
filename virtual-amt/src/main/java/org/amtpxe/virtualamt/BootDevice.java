package org.amtpxe.virtualamt;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A device the host can boot from. */
public enum BootDevice {
  /** Network boot (PXE). */
  PXE("pxe"),
  /** The local hard drive. */
  DISK("disk"),
  /** The CD/DVD drive. */
  CDROM("cdrom"),
  /** The BIOS setup screen. */
  BIOS("bios");

  private final String id;

  BootDevice(String id) {
    this.id = id;
  }

  /** The lower-case name used in JSON, the command line and logs. */
  public String id() {
    return id;
  }

  /**
   * Parses an id such as {@code pxe}.
   *
   * @throws IllegalArgumentException if the id names no device
   */
  public static BootDevice fromId(String id) {
    String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(d -> d.id.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Unknown boot device '"
                        + id
                        + "': use one of "
                        + Arrays.stream(values())
                            .map(BootDevice::id)
                            .collect(Collectors.joining(", "))));
  }
}
