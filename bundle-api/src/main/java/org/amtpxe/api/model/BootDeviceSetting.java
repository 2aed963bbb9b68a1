package org.amtpxe.api.model;

import java.util.Objects;

/**
 * A boot device and whether it applies to every boot or only the next one.
 *
 * @param device the device; never null
 * @param persistent true when the device applies to every boot
 */
public record BootDeviceSetting(BootDevice device, boolean persistent) {
  public BootDeviceSetting {
    Objects.requireNonNull(device, "device");
  }
}
