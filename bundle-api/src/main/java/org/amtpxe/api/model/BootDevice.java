package org.amtpxe.api.model;

import java.util.Optional;

/** Boot devices, spelled as Ironic's REST API spells them. */
public enum BootDevice {
  PXE("pxe"),
  DISK("disk"),
  CDROM("cdrom"),
  BIOS("bios");

  private final String value;

  BootDevice(String value) {
    this.value = value;
  }

  /** The API spelling, for example {@code "pxe"}. */
  public String value() {
    return value;
  }

  /**
   * Parses the API spelling.
   *
   * @param value the device name as a client sends it
   * @return the device, or empty when the string names none
   */
  public static Optional<BootDevice> fromValue(String value) {
    for (BootDevice d : values()) {
      if (d.value.equals(value)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
