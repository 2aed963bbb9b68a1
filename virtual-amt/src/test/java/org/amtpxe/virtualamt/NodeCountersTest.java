package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeCountersTest {

  @Test
  void plusAddsEveryCounter() {
    NodeCounters a = new NodeCounters(1, 2, 3, 4, 5, 6, 7);
    NodeCounters b = new NodeCounters(10, 20, 30, 40, 50, 60, 70);

    assertThat(a.plus(b)).isEqualTo(new NodeCounters(11, 22, 33, 44, 55, 66, 77));
  }

  @Test
  void zeroIsTheStartOfASum() {
    NodeCounters a = new NodeCounters(1, 2, 3, 4, 5, 6, 7);

    assertThat(NodeCounters.ZERO.plus(a)).isEqualTo(a);
  }
}
