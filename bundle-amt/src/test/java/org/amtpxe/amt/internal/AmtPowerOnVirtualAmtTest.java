package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.amtpxe.amt.fake.EmulatedAmt;
import org.amtpxe.amt.fake.FakeTask;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.error.PowerStateFailureException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.virtualamt.BootCause;
import org.amtpxe.virtualamt.BootRecord;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.InMemoryMachine;
import org.amtpxe.virtualamt.MachineTiming;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** AMT Power against the virtual AMT: reads, Ironic's request-and-poll loop, soft power, NMI. */
class AmtPowerOnVirtualAmtTest {
  private static final String GET = "Get";
  private static final String CHANGE = "RequestPowerStateChange";

  private EmulatedAmt amt;

  @AfterEach
  void stop() {
    if (amt != null) {
      amt.close();
    }
  }

  private void start(HostPowerState initial) throws Exception {
    amt = EmulatedAmt.start(spec -> spec.initialPowerState(initial), EmulatedAmt.settings());
  }

  /** One read so that Digest is set up and counters show only the operation under test. */
  private void warmUp() throws Exception {
    amt.power().getPowerState(amt.task());
    amt.resetCounters();
  }

  @Test
  void readsTheHostsPowerState() throws Exception {
    start(HostPowerState.OFF);
    assertThat(amt.power().getPowerState(amt.sharedTask())).isEqualTo(PowerState.POWER_OFF);

    amt.node.pressPowerButton();

    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.ON);
    assertThat(amt.power().getPowerState(amt.sharedTask())).isEqualTo(PowerState.POWER_ON);
  }

  @Test
  void sleepingAndHibernatingHostsAreReportedAsOn() throws Exception {
    start(HostPowerState.ON);
    amt.node.machine().suspend(HostPowerState.SLEEP_DEEP);
    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.SLEEP_DEEP);
    assertThat(amt.power().getPowerState(amt.sharedTask())).isEqualTo(PowerState.POWER_ON);

    amt.node.pressPowerButton();
    amt.node.machine().suspend(HostPowerState.HIBERNATE);

    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.HIBERNATE);
    assertThat(amt.power().getPowerState(amt.sharedTask())).isEqualTo(PowerState.POWER_ON);
  }

  @Test
  void powerOnFromOffIsOneRequestBetweenTwoReads() throws Exception {
    start(HostPowerState.OFF);
    warmUp();

    amt.power().setPowerState(amt.task(), PowerState.POWER_ON, null);

    assertThat(amt.actions()).containsExactly(GET, CHANGE, GET);
    assertThat(amt.requests(CHANGE))
        .singleElement()
        .extracting("outcome")
        .isEqualTo("ReturnValue=0");
    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.ON);
    assertThat(amt.node.bootHistory())
        .extracting(BootRecord::cause)
        .containsExactly(BootCause.AMT_POWER_ON);
  }

  @Test
  void powerOffFromOnIsOneRequestBetweenTwoReads() throws Exception {
    start(HostPowerState.ON);
    warmUp();

    amt.power().setPowerState(amt.task(), PowerState.POWER_OFF, null);

    assertThat(amt.actions()).containsExactly(GET, CHANGE, GET);
    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.OFF);
  }

  @Test
  void aNodeAlreadyInTheTargetStateGetsNoRequest() throws Exception {
    start(HostPowerState.ON);
    warmUp();

    amt.power().setPowerState(amt.task(), PowerState.POWER_ON, null);

    assertThat(amt.actions()).containsExactly(GET);
  }

  @Test
  void rebootFromOnPowersOffThenOnAndBootsOnce() throws Exception {
    start(HostPowerState.ON);
    warmUp();

    amt.power().reboot(amt.task(), null);

    assertThat(amt.actions()).containsExactly(GET, CHANGE, GET, GET, CHANGE, GET);
    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.ON);
    assertThat(amt.node.bootHistory()).hasSize(1);
  }

  @Test
  void rebootFromOffOnlyPowersOn() throws Exception {
    start(HostPowerState.OFF);
    warmUp();

    amt.power().setPowerState(amt.task(), PowerState.REBOOT, null);

    assertThat(amt.actions()).containsExactly(GET, GET, CHANGE, GET);
    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.ON);
  }

  @Test
  void aSlowHostIsPolledAndReRequestedUpToMaxAttempts() throws Exception {
    // The host takes far longer than max_attempts x action_wait: the seed's loop gives up after
    // N requests and N + 1 reads.
    int attempts = 4;
    amt =
        EmulatedAmt.start(
            spec -> spec.timing(MachineTiming.uniform(Duration.ofSeconds(30))),
            EmulatedAmt.settings(BootSequence.INTEL, attempts));
    warmUp();

    assertThatThrownBy(() -> amt.power().setPowerState(amt.task(), PowerState.POWER_ON, null))
        .isInstanceOf(PowerStateFailureException.class)
        .hasMessageContaining("Failed to set node power state to 'power on'")
        .hasMessageContaining("8 (Off - Soft) after 4 requests");

    assertThat(amt.requests(CHANGE)).hasSize(attempts);
    assertThat(amt.requests(GET)).hasSize(attempts + 1);
    assertThat(amt.actions()).startsWith(GET, CHANGE, GET, CHANGE).endsWith(CHANGE, GET);
  }

  @Test
  void aHostThatTakesTwoPollsIsReachedWithoutGivingUp() throws Exception {
    amt =
        EmulatedAmt.start(
            spec -> spec.timing(MachineTiming.uniform(Duration.ofMillis(40))),
            new AmtSettings(
                AmtProtocol.HTTP,
                5,
                Duration.ofMillis(25),
                BootSequence.INTEL,
                EmulatedAmt.settings().transport()));
    warmUp();

    amt.power().setPowerState(amt.task(), PowerState.POWER_ON, null);

    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.ON);
    assertThat(amt.requests(GET)).hasSize(amt.requests(CHANGE).size() + 1);
    assertThat(amt.requests(CHANGE)).hasSizeBetween(1, 5);
  }

  @Test
  void anOpenRedirectionSessionRefusesPowerOff() throws Exception {
    start(HostPowerState.ON);
    amt.switches(s -> s.redirectionActive(true));
    warmUp();

    assertThatThrownBy(() -> amt.power().setPowerState(amt.task(), PowerState.POWER_OFF, null))
        .isInstanceOf(PowerStateFailureException.class)
        .hasMessageContaining("after 3 requests")
        .hasMessageContaining("ReturnValue 2")
        .cause()
        .isInstanceOf(OperationFailedException.class);

    assertThat(amt.requests(CHANGE)).hasSize(3).allMatch(r -> r.outcome().equals("ReturnValue=2"));
    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.ON);
  }

  @Test
  void withoutAnOsAgentSoftPowerIsNotOfferedAndNothingIsRequested() throws Exception {
    start(HostPowerState.ON);
    warmUp();

    assertThat(amt.power().supportedPowerStates(amt.sharedTask()))
        .containsExactlyInAnyOrder(PowerState.POWER_ON, PowerState.POWER_OFF, PowerState.REBOOT);
    assertThatThrownBy(() -> amt.power().setPowerState(amt.task(), PowerState.SOFT_POWER_OFF, null))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("does not offer soft power off")
        .hasMessageContaining("Intel LMS agent");
    assertThatThrownBy(() -> amt.power().setPowerState(amt.task(), PowerState.SOFT_REBOOT, null))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("does not offer soft reboot");

    assertThat(amt.requests(CHANGE)).isEmpty();
    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.ON);
  }

  @Test
  void withAnOsAgentSoftPowerOffShutsTheOsDown() throws Exception {
    amt =
        EmulatedAmt.start(
            spec ->
                spec.initialPowerState(HostPowerState.ON).timing(osTakes(Duration.ofMillis(60))),
            EmulatedAmt.settings());
    amt.switches(s -> s.osAgent(true));
    warmUp();

    assertThat(amt.power().supportedPowerStates(amt.sharedTask()))
        .contains(PowerState.SOFT_POWER_OFF, PowerState.SOFT_REBOOT);
    amt.power().setPowerState(amt.task(), PowerState.SOFT_POWER_OFF, Duration.ofSeconds(5));

    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.OFF);
    assertThat(amt.requests(CHANGE)).hasSize(1);
    // Polled until the OS was down: more than the two reads around the request.
    assertThat(amt.requests(GET).size()).isGreaterThan(2);
  }

  @Test
  void aSoftPowerOffThatTheOsIgnoresFailsAtTheTimeout() throws Exception {
    amt =
        EmulatedAmt.start(
            spec ->
                spec.initialPowerState(HostPowerState.ON).timing(osTakes(Duration.ofMinutes(5))),
            EmulatedAmt.settings());
    amt.switches(s -> s.osAgent(true));
    warmUp();

    assertThatThrownBy(
            () ->
                amt.power()
                    .setPowerState(amt.task(), PowerState.SOFT_POWER_OFF, Duration.ofMillis(150)))
        .isInstanceOf(PowerStateFailureException.class)
        .hasMessageContaining("within 150 ms");
    assertThat(amt.requests(CHANGE)).hasSize(1);
  }

  @Test
  void withAnOsAgentSoftRebootRebootsTheOs() throws Exception {
    start(HostPowerState.ON);
    amt.switches(s -> s.osAgent(true));
    warmUp();

    amt.power().setPowerState(amt.task(), PowerState.SOFT_REBOOT, null);

    assertThat(amt.actions()).containsExactly(GET, CHANGE);
    assertThat(amt.node.bootHistory())
        .extracting(BootRecord::cause)
        .containsExactly(BootCause.AMT_GRACEFUL_RESET);
  }

  @Test
  void nmiReachesARunningHostWithOrWithoutAnOsAgent() throws Exception {
    start(HostPowerState.ON);
    InMemoryMachine machine = (InMemoryMachine) amt.node.machine();

    amt.power().injectNmi(amt.task());
    amt.switches(s -> s.osAgent(true));
    amt.power().injectNmi(amt.task());

    assertThat(machine.diagnosticInterrupts()).isEqualTo(2);
    assertThat(amt.requests(CHANGE)).hasSize(2).allMatch(r -> r.outcome().equals("ReturnValue=0"));
  }

  @Test
  void nmiIsRefusedWithoutARequestWhenTheHostIsOff() throws Exception {
    start(HostPowerState.OFF);

    assertThatThrownBy(() -> amt.power().injectNmi(amt.task()))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("does not offer an NMI");
    assertThat(amt.requests(CHANGE)).isEmpty();
  }

  @Test
  void theSyncsSharedLockMayReadButNotChange() throws Exception {
    start(HostPowerState.OFF);
    FakeTask shared = amt.sharedTask();

    assertThat(amt.power().getPowerState(shared)).isEqualTo(PowerState.POWER_OFF);
    assertThatThrownBy(() -> amt.power().setPowerState(shared, PowerState.POWER_ON, null))
        .hasMessageContaining("needs an exclusive lock");
    assertThat(amt.requests(CHANGE)).isEmpty();
    assertThat(amt.actions()).doesNotContain(CHANGE).contains(GET);
  }

  private static MachineTiming osTakes(Duration graceful) {
    return new MachineTiming(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, graceful);
  }
}
