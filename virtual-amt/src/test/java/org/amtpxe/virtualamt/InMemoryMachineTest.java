package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.amtpxe.virtualamt.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryMachineTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final RecordingHost host = new RecordingHost();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** Records the callbacks and boots from PXE. */
  private final class RecordingHost implements MachineHost {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public BootDevice bootStarting(BootCause cause) {
      events.add("boot:" + cause);
      return BootDevice.PXE;
    }

    @Override
    public void powerStateChanged(HostPowerState state) {
      events.add("state:" + state);
    }

    @Override
    public ScheduledExecutorService scheduler() {
      return scheduler;
    }
  }

  private InMemoryMachine machine(HostPowerState initial, MachineTiming timing) {
    InMemoryMachine m = new InMemoryMachine(initial, timing);
    m.attach(host);
    return m;
  }

  @Test
  void instantPowerOnTurnsOnAndBoots() {
    InMemoryMachine m = machine(HostPowerState.OFF, MachineTiming.instant());

    m.powerOn();

    assertThat(m.powerState()).isEqualTo(HostPowerState.ON);
    assertThat(host.events).containsExactly("state:ON", "boot:AMT_POWER_ON");
    assertThat(m.lastBootDevice()).contains(BootDevice.PXE);
  }

  @Test
  void timedPowerOnReportsOffUntilTheHostIsOn() {
    InMemoryMachine m = machine(HostPowerState.OFF, MachineTiming.uniform(Duration.ofMillis(150)));

    m.powerOn();

    assertThat(m.powerState()).isEqualTo(HostPowerState.OFF);
    assertThat(m.transitionPending()).isTrue();
    Await.until("the host is on", () -> m.powerState() == HostPowerState.ON);
    Await.until("the boot is reported", () -> host.events.contains("boot:AMT_POWER_ON"));
    assertThat(m.transitionPending()).isFalse();
  }

  @Test
  void newRequestCancelsTheRunningTransition() {
    InMemoryMachine m = machine(HostPowerState.OFF, MachineTiming.uniform(Duration.ofMillis(100)));

    m.powerOn();
    m.powerOff();

    Await.until("the off transition ends", () -> !m.transitionPending());
    assertThat(m.powerState()).isEqualTo(HostPowerState.OFF);
    assertThat(host.events).isEmpty();
  }

  @Test
  void aRepeatedPowerOnDoesNotPostponeThePowerOnInProgress() throws InterruptedException {
    // A driver re-requests power-on every action_wait while the host is still coming up; a
    // restarted 200 ms transition would never end while requests come every 40 ms.
    InMemoryMachine m = machine(HostPowerState.OFF, MachineTiming.uniform(Duration.ofMillis(200)));

    m.powerOn();
    for (int i = 0; i < 25 && m.powerState() == HostPowerState.OFF; i++) {
      Thread.sleep(40);
      m.powerOn();
    }

    assertThat(m.powerState()).isEqualTo(HostPowerState.ON);
    Await.until("the boot is reported", () -> host.events.contains("boot:AMT_POWER_ON"));
    assertThat(host.events).containsExactly("state:ON", "boot:AMT_POWER_ON");
  }

  @Test
  void resetBootsAgainWithoutLeavingOn() {
    InMemoryMachine m = machine(HostPowerState.ON, MachineTiming.instant());

    m.reset();

    assertThat(host.events).containsExactly("boot:AMT_RESET");
    assertThat(m.powerState()).isEqualTo(HostPowerState.ON);
  }

  @Test
  void powerCycleGoesOffThenOnAndBoots() {
    InMemoryMachine m =
        machine(
            HostPowerState.ON,
            new MachineTiming(
                Duration.ZERO,
                Duration.ZERO,
                Duration.ZERO,
                Duration.ofMillis(100),
                Duration.ZERO));

    m.powerCycle();

    assertThat(m.powerState()).isEqualTo(HostPowerState.OFF);
    Await.until("the host is back on", () -> m.powerState() == HostPowerState.ON);
    Await.until("the boot", () -> host.events.size() == 3);
    assertThat(host.events).containsExactly("state:OFF", "state:ON", "boot:AMT_POWER_CYCLE");
  }

  @Test
  void hostRebootBootsWithHostRebootCause() {
    InMemoryMachine m = machine(HostPowerState.ON, MachineTiming.instant());

    m.hostReboot();

    assertThat(host.events).containsExactly("boot:HOST_REBOOT");
  }

  @Test
  void hostRebootIsIgnoredWhileOff() {
    InMemoryMachine m = machine(HostPowerState.OFF, MachineTiming.instant());

    m.hostReboot();
    m.reset();

    assertThat(host.events).isEmpty();
  }

  @Test
  void gracefulShutdownAndSuspendChangeState() {
    InMemoryMachine m = machine(HostPowerState.ON, MachineTiming.instant());

    m.suspend(HostPowerState.SLEEP_DEEP);
    assertThat(m.powerState()).isEqualTo(HostPowerState.SLEEP_DEEP);
    m.powerOn();
    assertThat(m.powerState()).isEqualTo(HostPowerState.ON);
    m.gracefulShutdown();

    assertThat(m.powerState()).isEqualTo(HostPowerState.OFF);
    assertThat(host.events).containsExactly("state:SLEEP_DEEP", "state:ON", "state:OFF");
  }

  @Test
  void powerButtonPowersOnWithItsOwnCause() {
    InMemoryMachine m = machine(HostPowerState.OFF, MachineTiming.instant());

    m.pressPowerButton();

    assertThat(host.events).containsExactly("state:ON", "boot:HOST_POWER_ON");
  }

  @Test
  void diagnosticInterruptIsCounted() {
    InMemoryMachine m = machine(HostPowerState.ON, MachineTiming.instant());

    m.diagnosticInterrupt();

    assertThat(m.diagnosticInterrupts()).isEqualTo(1);
  }

  @Test
  void machineCannotBeAttachedTwice() {
    InMemoryMachine m = machine(HostPowerState.OFF, MachineTiming.instant());

    assertThatThrownBy(() -> m.attach(host)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void suspendRejectsStatesThatAreNotSleep() {
    InMemoryMachine m = machine(HostPowerState.ON, MachineTiming.instant());

    assertThatThrownBy(() -> m.suspend(HostPowerState.OFF))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
