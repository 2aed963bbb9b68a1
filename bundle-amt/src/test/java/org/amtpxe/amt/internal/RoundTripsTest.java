package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.FakeTask;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.PowerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP round trips per operation: after the first call to a node, one per WS-Man call. */
class RoundTripsTest {
  private FakeAmt amt;
  private AmtGateway gateway;
  private AmtPower power;
  private AmtManagement management;

  @BeforeEach
  void start() throws Exception {
    amt = FakeAmt.start();
    gateway = TestSettings.gateway(TestSettings.settings());
    power = new AmtPower(gateway, Map.of());
    management = new AmtManagement(gateway, Map.of());
  }

  @AfterEach
  void stop() {
    gateway.close();
    amt.close();
  }

  private FakeTask task(Map<String, Object> internal) {
    return new FakeTask(
        FakeTask.node(amt.driverInfo()).toBuilder().driverInternalInfo(internal).build(),
        false,
        power,
        management);
  }

  @Test
  void firstCallPaysOneChallengeThenOneRoundTripPerCall() throws Exception {
    power.getPowerState(task(Map.of()));
    assertThat(amt.requests()).isEqualTo(2);
    amt.resetCounters();

    for (int i = 0; i < 50; i++) {
      power.getPowerState(task(Map.of()));
    }

    assertThat(amt.requests()).isEqualTo(50);
    assertThat(amt.challenges()).isZero();
  }

  @Test
  void powerOnCostsThreeRoundTrips() throws Exception {
    power.getPowerState(task(Map.of()));
    amt.resetCounters();

    power.setPowerState(task(Map.of()), PowerState.POWER_ON, null);

    assertThat(amt.requests()).isEqualTo(3);
  }

  @Test
  void armingCostsFiveRoundTripsWithIntelsSequence() throws Exception {
    power.getPowerState(task(Map.of()));
    amt.resetCounters();

    management.ensureNextBootDevice(task(new HashMap<>()), BootDevice.PXE);

    assertThat(amt.requests()).isEqualTo(5);
    assertThat(amt.model.count("")).isEqualTo(6);
  }

  @Test
  void armingCostsTwoRoundTripsWithTheSeedSequence() throws Exception {
    gateway.close();
    gateway = TestSettings.gateway(TestSettings.settings(BootSequence.SEED, 3));
    power = new AmtPower(gateway, Map.of());
    management = new AmtManagement(gateway, Map.of());
    power.getPowerState(task(Map.of()));
    amt.resetCounters();

    management.ensureNextBootDevice(task(new HashMap<>()), BootDevice.PXE);

    assertThat(amt.requests()).isEqualTo(2);
  }
}
