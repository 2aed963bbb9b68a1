package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerFactory;
import org.amtpxe.amt.fake.EmulatedAmt;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.conductor.internal.metrics.MicrometerMeters;
import org.amtpxe.virtualamt.HostPowerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AMT bundle's meters, seen in the conductor's Prometheus text after real power calls against
 * the virtual AMT: requests by operation and outcome with their latency histogram, Digest
 * challenges, and nothing recorded once the service is gone.
 */
class AmtMetersOnVirtualAmtTest {
  private static final String CHANGE = "CIM_PowerManagementService.RequestPowerStateChange";

  private EmulatedAmt amt;
  private MicrometerMeters meters;

  @BeforeEach
  void start() throws Exception {
    amt =
        EmulatedAmt.start(
            spec -> spec.initialPowerState(HostPowerState.OFF), EmulatedAmt.settings());
    meters = new MicrometerMeters(MBeanServerFactory.newMBeanServer());
    amt.gateway().bindMeters(meters);
  }

  @AfterEach
  void stop() {
    amt.close();
    meters.close();
  }

  /** The value of one sample line, or 0 when it is absent. */
  private double sample(String prefix) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(prefix) + " (\\S+)$").matcher(meters.scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private double requests(String operation, String outcome) {
    return sample(
        "amtpxe_amt_requests_seconds_count{operation=\""
            + operation
            + "\",outcome=\""
            + outcome
            + "\"}");
  }

  @Test
  void aPowerOnCountsItsRequestsByOperationWithALatencyHistogram() throws Exception {
    amt.power().setPowerState(amt.task(), PowerState.POWER_ON, null);

    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.ON);
    assertThat(requests(CHANGE, "ok")).isEqualTo(1);
    String text = meters.scrape();
    assertThat(text)
        .containsPattern(
            "amtpxe_amt_requests_seconds_count\\{operation=\"[A-Za-z_]+\\.Get\",outcome=\"ok\"\\} 2")
        .contains(
            "amtpxe_amt_requests_seconds_bucket{operation=\""
                + CHANGE
                + "\",outcome=\"ok\",le=\"+Inf\"} 1")
        .contains("amtpxe_amt_requests_seconds_sum{operation=\"" + CHANGE + "\",outcome=\"ok\"}");
    assertThat(sample("amtpxe_amt_digest_challenges_total"))
        .as("the first request of a new HTTP context is challenged")
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void digestChallengesAreCountedOncePerNewContextNotPerCall() throws Exception {
    amt.power().getPowerState(amt.task());
    double afterFirst = sample("amtpxe_amt_digest_challenges_total");

    for (int i = 0; i < 5; i++) {
      amt.power().getPowerState(amt.task());
    }

    assertThat(afterFirst).isEqualTo(1);
    assertThat(sample("amtpxe_amt_digest_challenges_total"))
        .as("later calls authenticate pre-emptively: no more 401s")
        .isEqualTo(1);
  }

  @Test
  void refusedCredentialsAreCountedAsAuthFailed() {
    Map<String, Object> info = amt.driverInfo();
    info.put("amt_password", "Wrong-P@ss1");

    assertThatThrownBy(() -> amt.power().getPowerState(amt.task(info)))
        .isInstanceOf(AuthenticationFailedException.class);

    assertThat(meters.scrape())
        .containsPattern(
            "amtpxe_amt_requests_seconds_count\\{operation=\"[A-Za-z_]+\\.Get\",outcome=\"auth_failed\"\\} 1");
    assertThat(sample("amtpxe_amt_digest_challenges_total")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void withoutTheServiceTheDriverWorksAndRecordsNothing() throws Exception {
    amt.power().getPowerState(amt.task());
    String before = meters.scrape();

    amt.gateway().unbindMeters(meters);
    amt.power().setPowerState(amt.task(), PowerState.POWER_ON, null);

    assertThat(amt.node.powerState()).isEqualTo(HostPowerState.ON);
    assertThat(requests(CHANGE, "ok")).isZero();
    assertThat(meters.scrape()).isEqualTo(before);
  }

  @Test
  void anUnbindOfAServiceAlreadyReplacedKeepsTheNewOne() throws Exception {
    MicrometerMeters replacement = new MicrometerMeters(MBeanServerFactory.newMBeanServer());
    try {
      amt.gateway().bindMeters(replacement);
      amt.gateway().unbindMeters(meters);

      amt.power().getPowerState(amt.task());

      assertThat(replacement.scrape()).contains("amtpxe_amt_requests_seconds_count");
    } finally {
      replacement.close();
    }
  }
}
