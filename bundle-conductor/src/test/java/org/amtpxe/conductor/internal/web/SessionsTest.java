package org.amtpxe.conductor.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.amtpxe.conductor.internal.auth.Caller;
import org.amtpxe.conductor.internal.auth.Role;
import org.junit.jupiter.api.Test;

/** Session ids, tokens and expiry on a clock the test moves. */
class SessionsTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final Sessions sessions =
      new Sessions(Duration.ofMinutes(30), Duration.ofHours(12), 3, now::get);
  private final Caller ada = new Caller("ada", Set.of(Role.ADMIN));

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void idsAndTokensAreRandom256BitValuesAndNeverPrinted() {
    Sessions.Session a = sessions.create(ada);
    Sessions.Session b = sessions.create(ada);
    assertThat(a.id()).hasSize(43).isNotEqualTo(b.id()).isNotEqualTo(a.csrf());
    assertThat(a.csrf()).hasSize(43).isNotEqualTo(b.csrf());
    assertThat(a.toString()).contains("ada").doesNotContain(a.id()).doesNotContain(a.csrf());
    assertThat(a.csrfMatches(a.csrf())).isTrue();
    assertThat(a.csrfMatches(b.csrf())).isFalse();
    assertThat(a.csrfMatches(null)).isFalse();
    assertThat(a.csrfMatches("")).isFalse();
  }

  @Test
  void aSessionEndsAfterItsIdleTimeButUseKeepsItAlive() {
    Sessions.Session s = sessions.create(ada);
    advance(Duration.ofMinutes(29));
    assertThat(sessions.find(s.id())).isPresent();
    advance(Duration.ofMinutes(29));
    assertThat(sessions.find(s.id())).as("used 29 min ago").isPresent();
    advance(Duration.ofMinutes(30));
    assertThat(sessions.find(s.id())).isEmpty();
    assertThat(sessions.size()).isZero();
  }

  @Test
  void aSessionEndsAtItsAbsoluteLimitHoweverMuchItIsUsed() {
    Sessions.Session s = sessions.create(ada);
    for (int i = 0; i < 12 * 3 - 1; i++) {
      advance(Duration.ofMinutes(20));
      assertThat(sessions.find(s.id())).isPresent();
    }
    advance(Duration.ofMinutes(20));
    assertThat(sessions.find(s.id())).as("12 h after the login").isEmpty();
  }

  @Test
  void theLeastRecentlyUsedSessionEndsBeyondTheLimitAndLogoutEndsOne() {
    Sessions.Session first = sessions.create(ada);
    Sessions.Session second = sessions.create(ada);
    Sessions.Session third = sessions.create(ada);
    sessions.find(first.id());
    sessions.create(ada);
    assertThat(sessions.find(second.id())).as("least recently used").isEmpty();
    assertThat(sessions.find(first.id())).isPresent();
    sessions.remove(third.id());
    assertThat(sessions.find(third.id())).isEmpty();
    assertThat(sessions.find(null)).isEmpty();
    assertThat(sessions.find("unknown")).isEmpty();
  }
}
