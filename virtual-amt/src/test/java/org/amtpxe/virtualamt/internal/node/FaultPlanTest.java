package org.amtpxe.virtualamt.internal.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.amtpxe.virtualamt.Switches;
import org.amtpxe.virtualamt.Switches.Fault;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
  @Test
  void injectedFaultsComeFirstInOrder() {
    FaultPlan plan = new FaultPlan(1);
    plan.inject(Fault.DROP, 1);
    plan.inject(Fault.SLOW, 2);

    assertThat(plan.next(Switches.defaults())).contains(Fault.DROP);
    assertThat(plan.next(Switches.defaults())).contains(Fault.SLOW);
    assertThat(plan.next(Switches.defaults())).contains(Fault.SLOW);
    assertThat(plan.next(Switches.defaults())).isEmpty();
  }

  @Test
  void ratesHitRoughlyTheirShare() {
    FaultPlan plan = new FaultPlan(42);
    Switches s = Switches.builder().http500Rate(0.25).build();
    int hits = 0;
    for (int i = 0; i < 4000; i++) {
      if (plan.next(s).isPresent()) {
        hits++;
      }
    }

    assertThat(hits).isBetween(850, 1150);
  }

  @Test
  void noRatesNoFaults() {
    FaultPlan plan = new FaultPlan(7);
    for (int i = 0; i < 1000; i++) {
      assertThat(plan.next(Switches.defaults())).isEmpty();
    }
  }

  @Test
  void injectRejectsCountBelowOne() {
    assertThatThrownBy(() -> new FaultPlan(1).inject(Fault.DROP, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
