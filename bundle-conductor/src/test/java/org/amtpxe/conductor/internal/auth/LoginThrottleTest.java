package org.amtpxe.conductor.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private final AtomicLong now = new AtomicLong();
  private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofSeconds(60), now::get);

  @Test
  void anAddressIsStoppedAfterTooManyFailuresUntilTheWindowPasses() {
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.waitSeconds("10.0.0.9")).isZero();
      throttle.record("10.0.0.9", false);
    }
    assertThat(throttle.waitSeconds("10.0.0.9")).isEqualTo(60);
    assertThat(throttle.waitSeconds("10.0.0.10")).as("other addresses").isZero();
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(throttle.waitSeconds("10.0.0.9")).isEqualTo(30);
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(throttle.waitSeconds("10.0.0.9")).isZero();
  }

  @Test
  void aSuccessForgetsTheFailures() {
    for (int i = 0; i < 4; i++) {
      throttle.record("10.0.0.9", false);
    }
    throttle.record("10.0.0.9", true);
    throttle.record("10.0.0.9", false);
    assertThat(throttle.waitSeconds("10.0.0.9")).isZero();
  }
}
