package org.amtpxe.virtualamt.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.amtpxe.virtualamt.NodeSpec.Qop;
import org.amtpxe.virtualamt.internal.node.DigestAuth.Verdict;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.junit.jupiter.api.Test;

class DigestAuthTest {
  private static final String REALM = "Digest:34BF4B5A0561F95248F58509A406E046";
  private static final Duration LIFETIME = Duration.ofSeconds(60);
  private static final byte[] BODY = "<Envelope/>".getBytes(StandardCharsets.UTF_8);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  private DigestAuth auth(Qop qop) {
    return new DigestAuth("admin", "P@ssw0rd", REALM, qop, clock::get, new SecureRandom());
  }

  private static String nonceOf(String challenge) {
    return DigestClient.parameters(challenge).get("nonce");
  }

  /** Verifies a POST to /wsman of {@link #BODY} carrying {@code authorization}. */
  private static Verdict verify(DigestAuth auth, String authorization) {
    return auth.verify("POST", "/wsman", authorization, BODY, LIFETIME);
  }

  private static String header(
      String user, String password, String nonce, String uri, String qop, String nc, byte[] body) {
    String ha1 = DigestClient.md5(user + ":" + REALM + ":" + password);
    String ha2 =
        "auth-int".equals(qop)
            ? DigestClient.md5("POST:" + uri + ":" + DigestClient.md5(body))
            : DigestClient.md5("POST:" + uri);
    String response = DigestClient.md5(ha1 + ":" + nonce + ":" + nc + ":c0ffee:" + qop + ":" + ha2);
    return "Digest username=\""
        + user
        + "\", realm=\""
        + REALM
        + "\", nonce=\""
        + nonce
        + "\", uri=\""
        + uri
        + "\", response=\""
        + response
        + "\", qop="
        + qop
        + ", nc="
        + nc
        + ", cnonce=\"c0ffee\"";
  }

  @Test
  void challengeHasFirmwareLayoutWithIrregularSeparators() {
    String challenge = auth(Qop.AUTH).challenge(false);

    assertThat(challenge)
        .matches(
            "Digest realm=\"Digest:[0-9A-F]{32}\", nonce=\"[A-Za-z0-9+/]{20}\\+/[A-Za-z0-9+/]{2}\""
                + ",stale=\"false\",qop=\"auth\"");
  }

  @Test
  void challengeOffersAuthIntAndAuthWhenConfigured() {
    assertThat(auth(Qop.AUTH_INT_AND_AUTH).challenge(true))
        .endsWith("\",stale=\"true\",qop=\"auth-int, auth\"");
  }

  @Test
  void noncesContainPlusAndSlashAndDiffer() {
    DigestAuth auth = auth(Qop.AUTH);
    String a = nonceOf(auth.challenge(false));
    String b = nonceOf(auth.challenge(false));

    assertThat(a).contains("+").contains("/").isNotEqualTo(b);
  }

  @Test
  void verifyAcceptsCorrectResponse() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));

    assertThat(verify(auth, header("admin", "P@ssw0rd", nonce, "/wsman", "auth", "00000001", BODY)))
        .isEqualTo(Verdict.OK);
  }

  @Test
  void verifyAcceptsNonceReuseWithIncreasingCount() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));

    for (int nc = 1; nc <= 5; nc++) {
      String h =
          header("admin", "P@ssw0rd", nonce, "/wsman", "auth", String.format("%08x", nc), BODY);
      assertThat(verify(auth, h)).isEqualTo(Verdict.OK);
    }
  }

  @Test
  void verifyRejectsReusedCount() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));
    String h = header("admin", "P@ssw0rd", nonce, "/wsman", "auth", "00000001", BODY);

    assertThat(verify(auth, h)).isEqualTo(Verdict.OK);
    assertThat(verify(auth, h)).isEqualTo(Verdict.REPLAY);
  }

  @Test
  void verifyAcceptsCountsArrivingOutOfOrder() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));

    assertThat(verify(auth, header("admin", "P@ssw0rd", nonce, "/wsman", "auth", "00000003", BODY)))
        .isEqualTo(Verdict.OK);
    assertThat(verify(auth, header("admin", "P@ssw0rd", nonce, "/wsman", "auth", "00000002", BODY)))
        .isEqualTo(Verdict.OK);
  }

  @Test
  void verifyAcceptsShortUnpaddedCountAsMeshCommanderSendsIt() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));
    String h =
        header("admin", "P@ssw0rd", nonce, "/wsman", "auth", "6", BODY).replace("nc=6", "nc=\"6\"");

    assertThat(verify(auth, h)).isEqualTo(Verdict.OK);
  }

  @Test
  void verifyRejectsWrongPassword() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));

    assertThat(verify(auth, header("admin", "wrong", nonce, "/wsman", "auth", "00000001", BODY)))
        .isEqualTo(Verdict.WRONG_CREDENTIALS);
  }

  @Test
  void verifyRejectsWrongUser() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));

    assertThat(verify(auth, header("root", "P@ssw0rd", nonce, "/wsman", "auth", "00000001", BODY)))
        .isEqualTo(Verdict.WRONG_CREDENTIALS);
  }

  @Test
  void verifyReportsStaleNonceAfterLifetime() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));
    clock.addAndGet(LIFETIME.toNanos() + 1);

    assertThat(verify(auth, header("admin", "P@ssw0rd", nonce, "/wsman", "auth", "00000001", BODY)))
        .isEqualTo(Verdict.STALE);
  }

  @Test
  void verifyReportsStaleForNonceNeverIssuedWhenCredentialsAreRight() {
    DigestAuth auth = auth(Qop.AUTH);

    assertThat(
            verify(
                auth,
                header(
                    "admin", "P@ssw0rd", "bm90aXNzdWVk+/AA", "/wsman", "auth", "00000001", BODY)))
        .isEqualTo(Verdict.STALE);
  }

  @Test
  void verifyAcceptsAuthIntWhenOffered() {
    DigestAuth auth = auth(Qop.AUTH_INT_AND_AUTH);
    String nonce = nonceOf(auth.challenge(false));

    assertThat(
            verify(
                auth, header("admin", "P@ssw0rd", nonce, "/wsman", "auth-int", "00000001", BODY)))
        .isEqualTo(Verdict.OK);
  }

  @Test
  void verifyRejectsAuthIntWhenBodyDiffers() {
    DigestAuth auth = auth(Qop.AUTH_INT_AND_AUTH);
    String nonce = nonceOf(auth.challenge(false));
    String h = header("admin", "P@ssw0rd", nonce, "/wsman", "auth-int", "00000001", BODY);

    assertThat(
            auth.verify("POST", "/wsman", h, "<Other/>".getBytes(StandardCharsets.UTF_8), LIFETIME))
        .isEqualTo(Verdict.WRONG_CREDENTIALS);
  }

  @Test
  void verifyRejectsAuthIntWhenOnlyAuthIsOffered() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));

    assertThat(
            verify(
                auth, header("admin", "P@ssw0rd", nonce, "/wsman", "auth-int", "00000001", BODY)))
        .isEqualTo(Verdict.MALFORMED);
  }

  @Test
  void verifyRejectsMissingQopAsFirmwareRequiresIt() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));
    String h =
        header("admin", "P@ssw0rd", nonce, "/wsman", "auth", "00000001", BODY)
            .replace(", qop=auth", "");

    assertThat(verify(auth, h)).isEqualTo(Verdict.MALFORMED);
  }

  @Test
  void verifyRejectsOtherAlgorithms() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));
    String h =
        header("admin", "P@ssw0rd", nonce, "/wsman", "auth", "00000001", BODY)
            + ", algorithm=SHA-256";

    assertThat(verify(auth, h)).isEqualTo(Verdict.MALFORMED);
  }

  @Test
  void verifyRejectsDigestForAnotherUri() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));

    assertThat(verify(auth, header("admin", "P@ssw0rd", nonce, "/other", "auth", "00000001", BODY)))
        .isEqualTo(Verdict.MALFORMED);
  }

  @Test
  void verifyAcceptsAbsoluteUriNamingTheSamePath() {
    DigestAuth auth = auth(Qop.AUTH);
    String nonce = nonceOf(auth.challenge(false));
    String uri = "http://127.0.0.1:16992/wsman";

    assertThat(verify(auth, header("admin", "P@ssw0rd", nonce, uri, "auth", "00000001", BODY)))
        .isEqualTo(Verdict.OK);
  }

  @Test
  void verifyTreatsBasicAndAbsentHeadersAsMissing() {
    DigestAuth auth = auth(Qop.AUTH);

    assertThat(verify(auth, null)).isEqualTo(Verdict.MISSING);
    assertThat(verify(auth, "Basic YWRtaW46cA==")).isEqualTo(Verdict.MISSING);
  }

  @Test
  void parseParametersHandlesQuotedCommasEscapesAndBareValues() {
    Map<String, String> p =
        DigestAuth.parseParameters("Username=\"a\\\"b\", qop=auth,nc=00000001, uri=\"/x,y\"");

    assertThat(p)
        .containsEntry("username", "a\"b")
        .containsEntry("qop", "auth")
        .containsEntry("nc", "00000001")
        .containsEntry("uri", "/x,y");
  }

  @Test
  void toStringNeverShowsThePassword() {
    assertThat(auth(Qop.AUTH).toString()).doesNotContain("P@ssw0rd");
  }
}
