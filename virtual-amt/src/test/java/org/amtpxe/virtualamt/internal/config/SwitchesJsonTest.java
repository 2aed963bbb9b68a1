package org.amtpxe.virtualamt.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.amtpxe.virtualamt.Switches;
import org.junit.jupiter.api.Test;

class SwitchesJsonTest {
  @Test
  void everySwitchSurvivesARoundTrip() {
    Switches s =
        Switches.builder()
            .meIdleSleep(Duration.ofMillis(1))
            .meSleepMode(Switches.SleepMode.DELAY)
            .meWakeTime(Duration.ofMillis(2))
            .concurrency(Switches.Concurrency.UNLIMITED)
            .latency(Duration.ofMillis(3))
            .dropRate(0.1)
            .http500Rate(0.2)
            .malformedRate(0.3)
            .slowRate(0.4)
            .slowDelay(Duration.ofMillis(4))
            .redirectionActive(true)
            .osAgent(true)
            .nonceLifetime(Duration.ofMillis(5))
            .lockoutThreshold(6)
            .lockoutDuration(Duration.ofMillis(7))
            .faultHttpStatus(500)
            .keepBootSourceAfterBoot(true)
            .build();
    ObjectNode json = SwitchesJson.toJson(s);

    assertThat(SwitchesJson.apply(Switches.defaults(), json)).isEqualTo(s);
    assertThat(json.size()).isEqualTo(SwitchesJson.KEYS.size());
    assertThat(json.path("meSleepMode").asText()).isEqualTo("delay");
  }
}
