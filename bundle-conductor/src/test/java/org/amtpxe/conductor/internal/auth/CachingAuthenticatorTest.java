package org.amtpxe.conductor.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachingAuthenticatorTest {
  private final AtomicInteger checks = new AtomicInteger();
  private final AtomicLong now = new AtomicLong();
  private final Authenticator slow =
      (user, password) -> {
        checks.incrementAndGet();
        return user.equals("alice") && new String(password).equals("right")
            ? Optional.of(new Caller("alice", Set.of(Role.MEMBER)))
            : Optional.empty();
      };
  private final CachingAuthenticator cache =
      new CachingAuthenticator(slow, Duration.ofSeconds(60), now::get);

  @Test
  void aVerifiedCredentialIsCheckedOnceUntilItExpires() {
    for (int i = 0; i < 5; i++) {
      assertThat(cache.authenticate("alice", "right".toCharArray())).isPresent();
    }
    assertThat(checks).hasValue(1);
    now.addAndGet(Duration.ofSeconds(61).toNanos());
    assertThat(cache.authenticate("alice", "right".toCharArray())).isPresent();
    assertThat(checks).hasValue(2);
  }

  @Test
  void failuresAreNeverRememberedAndOtherPasswordsAreCheckedAgain() {
    assertThat(cache.authenticate("alice", "wrong".toCharArray())).isEmpty();
    assertThat(cache.authenticate("alice", "wrong".toCharArray())).isEmpty();
    assertThat(checks).hasValue(2);
    assertThat(cache.authenticate("alice", "right".toCharArray())).isPresent();
    assertThat(cache.authenticate("alice", "right-ish".toCharArray())).isEmpty();
    assertThat(checks).hasValue(4);
  }
}
