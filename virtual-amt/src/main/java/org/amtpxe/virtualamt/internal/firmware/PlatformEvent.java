package org.amtpxe.virtualamt.internal.firmware;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of AMT's event log as firmware stores it: a 21-byte platform event (an IPMI/ASF
 * platform event trap) with its time; docs/amt-wsman.md#event-log.
 *
 * @param time seconds since 1970 (UTC) by the AMT clock
 * @param sensorType the IPMI sensor type, e.g. 0x0F system firmware progress
 * @param offset the sensor-specific event offset
 * @param severity the PET severity bit (1 monitor, 2 information, 8 non-critical, 16 critical)
 * @param entity the IPMI entity that reports it (0x22 BIOS, 0x26 management engine)
 * @param data the 8 event data bytes
 */
public record PlatformEvent(
    long time, int sensorType, int offset, int severity, int entity, byte[] data) {
  /** The size of one record on the wire. */
  public static final int SIZE = 21;

  /** Device address and sensor number: AMT writes 0xFF ("unspecified") in both. */
  private static final int UNSPECIFIED = 0xFF;

  /** Event type 0x6F: the offset is sensor-specific (IPMI's event/reading type code table). */
  private static final int SENSOR_SPECIFIC = 0x6F;

  /** Event source type 0x68: what AMT firmware writes for the platform's own events. */
  private static final int SOURCE_PLATFORM = 0x68;

  /** Checks the ranges and copies the data. */
  public PlatformEvent {
    if (time < 0 || time > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("time out of the 32-bit range: " + time);
    }
    Objects.requireNonNull(data, "data");
    if (data.length != 8) {
      throw new IllegalArgumentException("event data must be 8 bytes, not " + data.length);
    }
    data = data.clone();
  }

  /** The event data bytes. */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The record as firmware sends it (before base64): little-endian time, then one byte each. */
  public byte[] encode() {
    byte[] out = new byte[SIZE];
    out[0] = (byte) time;
    out[1] = (byte) (time >>> 8);
    out[2] = (byte) (time >>> 16);
    out[3] = (byte) (time >>> 24);
    out[4] = (byte) UNSPECIFIED;
    out[5] = (byte) sensorType;
    out[6] = (byte) SENSOR_SPECIFIC;
    out[7] = (byte) offset;
    out[8] = (byte) SOURCE_PLATFORM;
    out[9] = (byte) severity;
    out[10] = (byte) UNSPECIFIED;
    out[11] = (byte) entity;
    out[12] = 0;
    System.arraycopy(data, 0, out, 13, 8);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlatformEvent p && Arrays.equals(encode(), p.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return String.format(
        "PlatformEvent[time=%d sensor=0x%02X offset=%d entity=0x%02X data=%s]",
        time, sensorType, offset, entity, Arrays.toString(data));
  }
}
