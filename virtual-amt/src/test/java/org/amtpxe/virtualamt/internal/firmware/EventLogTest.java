package org.amtpxe.virtualamt.internal.firmware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventLogTest {

  private static PlatformEvent at(long time) {
    return new PlatformEvent(time, 0x0F, 2, 1, 0x22, new byte[8]);
  }

  @Test
  void aFullLogDropsTheOldestAndReadsNewestFirst() {
    EventLog log = new EventLog(3);
    for (long t = 1; t <= 5; t++) {
      log.add(at(t));
    }

    assertThat(log.size()).isEqualTo(3);
    assertThat(log.all()).extracting(PlatformEvent::time).containsExactly(5L, 4L, 3L);
    assertThat(log.read(2, 5)).extracting(PlatformEvent::time).containsExactly(4L, 3L);
    assertThat(log.read(4, 5)).isEmpty();
  }

  @Test
  void aRecordIs21LittleEndianBytes() {
    byte[] data = {0x40, 0x13, 0, 0, 0, 0, 0, 0};
    byte[] b = new PlatformEvent(0x65A0B1C2L, 0x0F, 2, 1, 0x22, data).encode();

    assertThat(b).hasSize(21);
    assertThat(b[0]).isEqualTo((byte) 0xC2);
    assertThat(b[3]).isEqualTo((byte) 0x65);
    assertThat(new byte[] {b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12]})
        .containsExactly(0xFF, 0x0F, 0x6F, 0x02, 0x68, 0x01, 0xFF, 0x22, 0x00);
    assertThat(b[13]).isEqualTo((byte) 0x40);
    assertThat(b[14]).isEqualTo((byte) 0x13);
  }

  @Test
  void aTimeBeyond32BitsIsRefused() {
    assertThatThrownBy(() -> at(1L << 32)).isInstanceOf(IllegalArgumentException.class);
  }
}
