package org.amtpxe.amt.internal.wsman;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.hc.client5.http.auth.AuthChallenge;
import org.apache.hc.client5.http.auth.ChallengeType;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.junit.jupiter.api.Test;

class AmtDigestSchemeTest {

  private static AuthChallenge challenge(String qop) {
    return new AuthChallenge(
        ChallengeType.TARGET,
        "Digest",
        null,
        List.of(
            new BasicNameValuePair("realm", "Digest:34BF4B5A0561F95248F58509A406E046"),
            new BasicNameValuePair("nonce", "a+b/c=="),
            new BasicNameValuePair("qop", qop)));
  }

  private static String qop(AuthChallenge challenge) {
    return challenge.getParams().stream()
        .filter(p -> p.getName().equals("qop"))
        .map(NameValuePair::getValue)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void authIntAuthIsNarrowedToAuth() {
    assertThat(qop(AmtDigestScheme.preferAuth(challenge("auth-int, auth")))).isEqualTo("auth");
    assertThat(qop(AmtDigestScheme.preferAuth(challenge("auth-int,auth")))).isEqualTo("auth");
  }

  @Test
  void otherParametersAreKept() {
    AuthChallenge narrowed = AmtDigestScheme.preferAuth(challenge("auth-int, auth"));

    assertThat(narrowed.getParams())
        .extracting(NameValuePair::getName)
        .containsExactly("realm", "nonce", "qop");
    assertThat(narrowed.getParams().get(1).getValue()).isEqualTo("a+b/c==");
  }

  @Test
  void authIntAloneIsLeftAlone() {
    assertThat(qop(AmtDigestScheme.preferAuth(challenge("auth-int")))).isEqualTo("auth-int");
  }
}
