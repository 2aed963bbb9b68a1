package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.amtpxe.amt.fake.AmtModel;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.FakeTask;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.DriverUnavailableException;
import org.amtpxe.api.model.PowerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A stopping gateway (bundle update or removal) lets running calls finish, within a bound. */
class AmtGatewayDrainTest {
  private FakeAmt amt;
  private AmtGateway gateway;
  private AmtPower power;

  @BeforeEach
  void start() throws Exception {
    amt = FakeAmt.start();
  }

  private void use(Duration drainTimeout) {
    AmtSettings base = TestSettings.settings();
    gateway =
        TestSettings.gateway(
            new AmtSettings(
                base.protocol(),
                base.maxAttempts(),
                base.actionWait(),
                base.bootSequence(),
                base.transport(),
                drainTimeout));
    power = new AmtPower(gateway, Map.of());
  }

  @AfterEach
  void stop() {
    gateway.close();
    amt.close();
  }

  private FakeTask task() {
    return new FakeTask(FakeTask.node(amt.driverInfo()), false, power, null);
  }

  private CompletableFuture<Void> inBackground(PowerState target) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            power.setPowerState(task(), target, null);
          } catch (DriverException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private void awaitRunningCall() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (gateway.runningCalls() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(gateway.runningCalls()).isEqualTo(1);
  }

  @Test
  void closeLetsARunningCallFinishAllItsRequests() throws Exception {
    use(Duration.ofSeconds(10));
    amt.replyDelay(Duration.ofMillis(200));
    // Read, request, read: three requests; without the drain the second one would find the HTTP
    // clients closed.
    CompletableFuture<Void> powerOn = inBackground(PowerState.POWER_ON);
    awaitRunningCall();

    gateway.close();

    assertThat(powerOn).succeedsWithin(Duration.ofSeconds(1));
    assertThat(amt.model.count("RequestPowerStateChange")).isEqualTo(1);
    assertThat(amt.model.powerState).isEqualTo(2);
  }

  @Test
  void aStoppingGatewayRefusesNewCallsWithoutSendingAnything() throws Exception {
    use(Duration.ofSeconds(10));
    gateway.close();
    int before = amt.requests();

    assertThatThrownBy(() -> power.getPowerState(task()))
        .isInstanceOf(DriverUnavailableException.class)
        .hasMessageContaining("stopping");
    assertThat(amt.requests()).isEqualTo(before);
  }

  @Test
  void afterTheDrainTimeoutACallFailsAtItsNextRequest() throws Exception {
    use(Duration.ofMillis(300));
    amt.model.powerBehaviour = AmtModel.PowerBehaviour.IGNORE;
    amt.replyDelay(Duration.ofMillis(250));
    // Three attempts that the AMT ignores: seven requests, about 1.8 s.
    CompletableFuture<Void> powerOn = inBackground(PowerState.POWER_ON);
    awaitRunningCall();
    long start = System.nanoTime();

    gateway.close();

    // The drain timeout, plus at most the request on the wire when it expired.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    assertThat(powerOn)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(DriverUnavailableException.class)
        .withMessageContaining("the AMT driver is stopping");
  }
}
