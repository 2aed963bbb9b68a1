package org.amtpxe.amt.internal.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.amtpxe.amt.fake.EmulatedAmt;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.virtualamt.Switches;
import org.amtpxe.virtualamt.VirtualAmtNode.EngineState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A sleeping management engine (docs/amt-wsman.md#sleep) against the real driver: the wake-up
 * before a call when the last one is older than awake_interval, with firmware that drops or holds
 * requests while it wakes.
 */
class WakeUpOnVirtualAmtTest {
  private static final Duration IDLE_SLEEP = Duration.ofMillis(300);
  private static final Duration WAKE_TIME = Duration.ofMillis(300);

  private EmulatedAmt amt;

  @AfterEach
  void stop() {
    if (amt != null) {
      amt.close();
    }
  }

  /** An AMT whose engine sleeps after 300 ms without traffic and takes 300 ms to wake. */
  private void start(Switches.SleepMode mode, Duration awakeInterval) throws Exception {
    amt =
        EmulatedAmt.start(
            spec ->
                spec.switches(
                    Switches.builder()
                        .meIdleSleep(IDLE_SLEEP)
                        .meWakeTime(WAKE_TIME)
                        .meSleepMode(mode)
                        .build()),
            EmulatedAmt.settings(
                EmulatedAmt.transport(
                    Duration.ofSeconds(3), awakeInterval, 5, Duration.ofMillis(100))));
    awaitAsleep();
  }

  private void awaitAsleep() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (amt.node.engineState() != EngineState.ASLEEP) {
      assertThat(System.nanoTime()).as("engine asleep in time").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private PowerState read() throws Exception {
    return amt.power().getPowerState(amt.sharedTask());
  }

  @Test
  void anEngineThatDropsRequestsWhileWakingIsWokenAndThenAnswers() throws Exception {
    start(Switches.SleepMode.DROP, Duration.ofSeconds(60));

    assertThat(read()).isEqualTo(PowerState.POWER_OFF);

    assertThat(amt.counters().wakeUps()).isEqualTo(1);
    assertThat(amt.counters().wsmanRequests()).isEqualTo(1);
  }

  @Test
  void anEngineThatHoldsRequestsWhileWakingAnswersAfterItsWakeTime() throws Exception {
    start(Switches.SleepMode.DELAY, Duration.ofSeconds(60));
    long start = System.nanoTime();

    assertThat(read()).isEqualTo(PowerState.POWER_OFF);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(WAKE_TIME);
    assertThat(amt.counters().wakeUps()).isEqualTo(1);
    assertThat(amt.counters().dropped()).isZero();
  }

  @Test
  void withoutWakeUpsAnEngineThatDropsRequestsFailsTheCallAsUnreachable() throws Exception {
    start(Switches.SleepMode.DROP, Duration.ZERO);

    assertThatThrownBy(this::read)
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("wrong amt_address or bad network environment");
    assertThat(amt.counters().dropped()).isPositive();
  }

  @Test
  void anEngineThatSleepsSoonerThanAwakeIntervalIsNotWokenAndTheCallSaysWhy() throws Exception {
    start(Switches.SleepMode.DROP, Duration.ofSeconds(60));
    read();
    awaitAsleep();

    assertThatThrownBy(this::read)
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("closed the connection without a reply")
        .hasMessageContaining("awake_interval shorter than the AMT's idle timeout");
    assertThat(amt.counters().wakeUps()).isEqualTo(2);
  }

  @Test
  void aCallInsideAwakeIntervalSendsNoWakeUp() throws Exception {
    amt =
        EmulatedAmt.start(
            spec -> spec,
            EmulatedAmt.settings(
                EmulatedAmt.transport(
                    Duration.ofSeconds(3), Duration.ofSeconds(60), 5, Duration.ofMillis(100))));
    read();
    long connections = amt.counters().connections();

    read();
    read();

    // Pre-emptive Digest on the pooled connection, and no wake-up connection.
    assertThat(amt.counters().connections()).isEqualTo(connections);
    assertThat(amt.counters().httpRequests()).isEqualTo(4);
  }
}
