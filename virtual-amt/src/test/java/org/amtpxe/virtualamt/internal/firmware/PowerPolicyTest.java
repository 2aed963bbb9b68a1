package org.amtpxe.virtualamt.internal.firmware;

import static org.assertj.core.api.Assertions.assertThat;

import org.amtpxe.virtualamt.HostPowerState;
import org.junit.jupiter.api.Test;

class PowerPolicyTest {
  @Test
  void runningHostOffersResetOffCycleAndNmi() {
    assertThat(PowerPolicy.available(HostPowerState.ON, false)).containsExactly(10, 8, 5, 11);
  }

  @Test
  void osAgentAddsSleepHibernateAndGracefulRequests() {
    assertThat(PowerPolicy.available(HostPowerState.ON, true))
        .containsExactly(10, 8, 5, 11, 4, 7, 14, 12);
  }

  @Test
  void offHostOffersOnlyPowerOn() {
    assertThat(PowerPolicy.available(HostPowerState.OFF, true)).containsExactly(2);
    assertThat(PowerPolicy.available(HostPowerState.HIBERNATE, true)).containsExactly(2);
  }

  @Test
  void sleepingHostCanBeWokenOrCutOff() {
    assertThat(PowerPolicy.available(HostPowerState.SLEEP_DEEP, false)).containsExactly(2, 8);
  }

  @Test
  void capabilitiesFollowTheOsAgent() {
    assertThat(PowerPolicy.supported(false)).containsExactly(2, 5, 8, 10, 11);
    assertThat(PowerPolicy.supported(true)).contains(4, 7, 12, 14);
  }
}
