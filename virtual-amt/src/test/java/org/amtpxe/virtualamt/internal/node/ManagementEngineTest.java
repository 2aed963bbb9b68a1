package org.amtpxe.virtualamt.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.amtpxe.virtualamt.Switches;
import org.amtpxe.virtualamt.internal.node.ManagementEngine.State;
import org.junit.jupiter.api.Test;

class ManagementEngineTest {
  private static final long MS = 1_000_000L;
  private static final Switches SLEEPY =
      Switches.builder()
          .meIdleSleep(Duration.ofMillis(100))
          .meWakeTime(Duration.ofMillis(50))
          .build();

  @Test
  void fallsAsleepAfterIdleTimeWhileHostIsOff() {
    ManagementEngine me = new ManagementEngine(true, 0);

    assertThat(me.state(99 * MS, SLEEPY)).isEqualTo(State.AWAKE);
    assertThat(me.state(100 * MS, SLEEPY)).isEqualTo(State.ASLEEP);
  }

  @Test
  void neverSleepsWhileHostIsOn() {
    ManagementEngine me = new ManagementEngine(false, 0);

    assertThat(me.state(10_000 * MS, SLEEPY)).isEqualTo(State.AWAKE);
  }

  @Test
  void neverSleepsWhenSwitchedOff() {
    ManagementEngine me = new ManagementEngine(true, 0);

    assertThat(me.state(10_000 * MS, Switches.defaults())).isEqualTo(State.AWAKE);
  }

  @Test
  void idleTimeCountsFromHostPowerOff() {
    ManagementEngine me = new ManagementEngine(false, 0);
    me.hostPowerChanged(true, 500 * MS);

    assertThat(me.state(599 * MS, SLEEPY)).isEqualTo(State.AWAKE);
    assertThat(me.state(600 * MS, SLEEPY)).isEqualTo(State.ASLEEP);
  }

  @Test
  void connectionWakesAfterWakeTime() {
    ManagementEngine me = new ManagementEngine(true, 0);
    me.connectionOpened(200 * MS, SLEEPY);

    assertThat(me.state(220 * MS, SLEEPY)).isEqualTo(State.WAKING);
    assertThat(me.admit(220 * MS, SLEEPY)).isEqualTo(30 * MS);
    assertThat(me.state(250 * MS, SLEEPY)).isEqualTo(State.AWAKE);
    assertThat(me.admit(250 * MS, SLEEPY)).isZero();
    assertThat(me.wakeUps()).isEqualTo(1);
  }

  @Test
  void requestOnAnOldConnectionWakesTheEngineToo() {
    ManagementEngine me = new ManagementEngine(true, 0);

    assertThat(me.admit(300 * MS, SLEEPY)).isEqualTo(50 * MS);
    assertThat(me.state(360 * MS, SLEEPY)).isEqualTo(State.AWAKE);
  }

  @Test
  void trafficKeepsTheEngineAwake() {
    ManagementEngine me = new ManagementEngine(true, 0);
    me.activity(90 * MS);

    assertThat(me.state(180 * MS, SLEEPY)).isEqualTo(State.AWAKE);
    assertThat(me.state(190 * MS, SLEEPY)).isEqualTo(State.ASLEEP);
  }

  @Test
  void hostPowerOnWakesTheEngineAtOnce() {
    ManagementEngine me = new ManagementEngine(true, 0);
    me.connectionOpened(200 * MS, SLEEPY);
    me.hostPowerChanged(false, 210 * MS);

    assertThat(me.state(210 * MS, SLEEPY)).isEqualTo(State.AWAKE);
  }
}
