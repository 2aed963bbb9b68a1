package org.amtpxe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmulatorShardsTest {
  @Test
  void theNextAddressSkipsTheNetworkAndBroadcastOctets() {
    assertThat(EmulatorShards.next("127.0.101.1")).isEqualTo("127.0.101.2");
    assertThat(EmulatorShards.next("127.0.101.253")).isEqualTo("127.0.101.254");
    assertThat(EmulatorShards.next("127.0.101.254")).isEqualTo("127.0.102.1");
    assertThat(EmulatorShards.next("127.0.255.254")).isEqualTo("127.1.0.1");
  }
}
