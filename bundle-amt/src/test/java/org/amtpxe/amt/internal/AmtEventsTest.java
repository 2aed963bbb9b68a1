package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.amtpxe.api.driver.BootEvent;
import org.amtpxe.api.driver.BootEvent.Kind;
import org.amtpxe.api.model.BootDevice;
import org.junit.jupiter.api.Test;

/** Every kind of record the boot history knows, and the ones it does not. */
class AmtEventsTest {
  private static final long TIME = 1_764_846_000L;

  /** A sensor-specific record as AMT writes it. */
  static byte[] record(long time, int sensor, int offset, int severity, int entity, int... data) {
    return recordOfType(time, sensor, 0x6F, offset, severity, entity, data);
  }

  static byte[] recordOfType(
      long time, int sensor, int type, int offset, int severity, int entity, int... data) {
    byte[] r = new byte[21];
    r[0] = (byte) time;
    r[1] = (byte) (time >>> 8);
    r[2] = (byte) (time >>> 16);
    r[3] = (byte) (time >>> 24);
    r[4] = (byte) 0xFF;
    r[5] = (byte) sensor;
    r[6] = (byte) type;
    r[7] = (byte) offset;
    r[8] = 0x68;
    r[9] = (byte) severity;
    r[10] = (byte) 0xFF;
    r[11] = (byte) entity;
    for (int i = 0; i < data.length; i++) {
      r[13 + i] = (byte) data[i];
    }
    return r;
  }

  private static BootEvent decode(int sensor, int offset, int... data) {
    return AmtEvents.decode(record(TIME, sensor, offset, 2, 0x22, data));
  }

  @Test
  void theTimeIsLittleEndianSecondsAndTheFieldsAreNamed() {
    BootEvent e = AmtEvents.decode(record(TIME, 0x0F, 2, 1, 0x22, new int[] {0x40, 0x13}));

    assertThat(e.time()).isEqualTo(Instant.ofEpochSecond(TIME));
    assertThat(e.kind()).isEqualTo(Kind.FIRMWARE_PROGRESS);
    assertThat(e.description()).isEqualTo("BIOS: starting the OS boot");
    assertThat(e.severity()).isEqualTo("monitor");
    assertThat(e.reporter()).isEqualTo("BIOS");
    assertThat(e.raw()).hasSize(42).startsWith("b0693169ff0f6f026801ff22004013");
  }

  @Test
  void zeroAndAllOnesAreNoTime() {
    assertThat(AmtEvents.decode(record(0L, 0x0F, 2, 1, 0x22, new int[] {0x40, 1})).time()).isNull();
    assertThat(AmtEvents.decode(record(0xFFFF_FFFFL, 0x0F, 2, 1, 0x22, new int[] {0x40, 1})).time())
        .isNull();
  }

  @Test
  void powerStates() {
    assertThat(decode(0x22, 0).kind()).isEqualTo(Kind.POWER_ON);
    assertThat(decode(0x22, 5).kind()).isEqualTo(Kind.POWER_OFF);
    assertThat(decode(0x22, 7).description()).contains("G3");
    assertThat(decode(0x22, 3).kind()).isEqualTo(Kind.SLEEP);
    assertThat(decode(0x22, 4).description()).contains("hibernating");
  }

  @Test
  void restarts() {
    assertThat(decode(0x1D, 0).description()).isEqualTo("Boot started: power-up");
    assertThat(decode(0x1D, 1).description()).isEqualTo("Boot started: hard reset");
    assertThat(decode(0x1D, 2).kind()).isEqualTo(Kind.RESTART);
    assertThat(decode(0x1D, 3).device()).isEqualTo(BootDevice.PXE);
  }

  @Test
  void bootDevices() {
    assertThat(decode(0x1F, 1).device()).isEqualTo(BootDevice.DISK);
    assertThat(decode(0x1F, 2).device()).isEqualTo(BootDevice.PXE);
    assertThat(decode(0x1F, 2).description()).isEqualTo("Booting from the network (PXE)");
    assertThat(decode(0x1F, 4).device()).isEqualTo(BootDevice.CDROM);
    assertThat(decode(0x1F, 6).kind()).isEqualTo(Kind.BOOT_DEVICE);
    assertThat(decode(0x1F, 6).device()).isNull();
  }

  @Test
  void bootErrorsAndBiosErrors() {
    assertThat(decode(0x1E, 0).kind()).isEqualTo(Kind.BOOT_ERROR);
    assertThat(decode(0x1E, 0).description()).isEqualTo("Boot failed: no bootable media");
    assertThat(decode(0x1E, 2).device()).isEqualTo(BootDevice.PXE);
    assertThat(decode(0x0F, 0, 0x40, 0x08).kind()).isEqualTo(Kind.FIRMWARE_ERROR);
    assertThat(decode(0x0F, 0, 0x40, 0x08).description())
        .isEqualTo("BIOS error: removable boot media not found");
    assertThat(decode(0x0F, 1, 0x40, 0x01).description())
        .isEqualTo("BIOS hung during memory initialisation");
    assertThat(decode(0x0F, 0, 0xEB).kind()).isEqualTo(Kind.OTHER);
  }

  @Test
  void osFailuresAndSecurity() {
    assertThat(decode(0x20, 0).kind()).isEqualTo(Kind.OS_FAILURE);
    assertThat(decode(0x23, 0).kind()).isEqualTo(Kind.OS_FAILURE);
    assertThat(decode(0x06, 5, 0xAA, 0x0A, 0x01).description())
        .isEqualTo("Failed logins to the AMT: 266");
    assertThat(decode(0x25, 0).kind()).isEqualTo(Kind.FIRMWARE_PROGRESS);
  }

  @Test
  void unknownCodesAreKeptWithTheirBytes() {
    BootEvent oem = decode(0xC1, 3);
    assertThat(oem.kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(oem.description()).contains("0xC1").contains("offset 3");
    assertThat(oem.raw()).hasSize(42);

    BootEvent progress = decode(0x0F, 2, 0x40, 0x77);
    assertThat(progress.kind()).isEqualTo(Kind.FIRMWARE_PROGRESS);
    assertThat(progress.description()).isEqualTo("BIOS: step code 0x77");

    BootEvent threshold = AmtEvents.decode(recordOfType(TIME, 0x22, 0x01, 0, 2, 0x22));
    assertThat(threshold.kind()).as("not sensor-specific").isEqualTo(Kind.UNKNOWN);

    assertThat(AmtEvents.decode(record(TIME, 0x0F, 2, 0x40, 0x99, new int[0])).severity())
        .isEqualTo("0x40");
    assertThat(AmtEvents.decode(record(TIME, 0x0F, 2, 1, 0x55, new int[0])).reporter())
        .isEqualTo("entity 0x55");
  }

  @Test
  void aRecordOfAnotherLengthIsRefused() {
    assertThatThrownBy(() -> AmtEvents.decode(new byte[20]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
