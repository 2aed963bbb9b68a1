package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.amtpxe.virtualamt.testing.DigestClient.Reply;
import org.amtpxe.virtualamt.testing.Emulator;
import org.amtpxe.virtualamt.testing.Replies;
import org.amtpxe.virtualamt.testing.Wsman;
import org.amtpxe.virtualamt.testing.Wsman.Style;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** HTTP and Digest behaviour seen on the wire: the 401, nonce reuse, staleness, lockout. */
class HttpDigestTest {
  private static final String GET_POWER = Wsman.request(Style.INTEL, Wsman.GET, Wsman.APMS).build();

  @Test
  void firstRequestGetsFirmwareStyle401() throws Exception {
    try (Emulator e = Emulator.start()) {
      Reply reply = e.client().post(GET_POWER, null);

      assertThat(reply.status()).isEqualTo(401);
      assertThat(reply.header("WWW-Authenticate"))
          .matches(
              "Digest realm=\"Digest:[0-9A-F]{32}\", nonce=\"[A-Za-z0-9+/]+\",stale=\"false\",qop=\"auth\"")
          .contains(e.node().spec().realm());
      assertThat(reply.header("Content-Type")).isEqualTo("text/html");
      assertThat(reply.header("Connection")).isEqualTo("close");
      assertThat(reply.header("Server")).startsWith("Intel(R) Active Management Technology ");
      assertThat(reply.body()).startsWith("<!DOCTYPE HTML").contains("<html>");
      assertThat(e.node().counters().unauthorized()).isEqualTo(1);
    }
  }

  @Test
  void authIntNodeOffersAuthIntAndAuthAndAcceptsBoth() throws Exception {
    try (Emulator e = Emulator.start(b -> b.qop(NodeSpec.Qop.AUTH_INT_AND_AUTH))) {
      assertThat(e.client().post(GET_POWER, null).header("WWW-Authenticate"))
          .endsWith(",qop=\"auth-int, auth\"");

      assertThat(e.client().preferAuthInt().send(GET_POWER).status()).isEqualTo(200);
      assertThat(e.client().send(GET_POWER).status()).isEqualTo(200);
    }
  }

  @Test
  void nonceReuseCostsOneRoundTripPerCallAfterTheFirstChallenge() throws Exception {
    try (Emulator e = Emulator.start()) {
      DigestClient client = e.client();
      for (int i = 0; i < 10; i++) {
        assertThat(client.send(GET_POWER).status()).isEqualTo(200);
      }

      assertThat(client.roundTrips()).isEqualTo(11);
      assertThat(e.node().counters())
          .isEqualTo(new NodeCounters(e.node().counters().connections(), 11, 1, 10, 0, 0, 0));
    }
  }

  @Test
  void nonceExpiresIntoStaleChallenge() throws Exception {
    try (Emulator e =
        Emulator.start(
            b -> b.switches(Switches.builder().nonceLifetime(Duration.ofMillis(150)).build()))) {
      DigestClient client = e.client();
      client.send(GET_POWER);
      Thread.sleep(200);

      Reply stale = client.post(GET_POWER, client.authorization(GET_POWER));

      assertThat(stale.status()).isEqualTo(401);
      assertThat(stale.header("WWW-Authenticate")).contains(",stale=\"true\",");
      assertThat(client.send(GET_POWER).status()).isEqualTo(200);
      assertThat(e.node().requestLog()).extracting(RequestRecord::outcome).contains("stale-nonce");
    }
  }

  @Test
  void wrongPasswordIs401NotStale() throws Exception {
    try (Emulator e = Emulator.start()) {
      DigestClient wrong = new DigestClient(e.node().wsmanUri(), Emulator.USER, "guess");

      Reply reply = wrong.send(GET_POWER);

      assertThat(reply.status()).isEqualTo(401);
      assertThat(reply.header("WWW-Authenticate")).contains(",stale=\"false\",");
      assertThat(e.node().requestLog())
          .extracting(RequestRecord::outcome)
          .contains("unauthorized:wrong-credentials");
    }
  }

  @Test
  void repeatedWrongPasswordsLockTheAccountForAWhile() throws Exception {
    Switches lockout =
        Switches.builder().lockoutThreshold(3).lockoutDuration(Duration.ofMillis(300)).build();
    try (Emulator e = Emulator.start(b -> b.switches(lockout))) {
      DigestClient wrong = new DigestClient(e.node().wsmanUri(), Emulator.USER, "guess");
      for (int i = 0; i < 3; i++) {
        wrong.send(GET_POWER);
      }

      assertThat(e.client().send(GET_POWER).status()).isEqualTo(401);
      assertThat(e.node().requestLog()).extracting(RequestRecord::outcome).contains("locked-out");
      Thread.sleep(350);
      assertThat(e.client().send(GET_POWER).status()).isEqualTo(200);
    }
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    try (Emulator e = Emulator.start()) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.URI base = e.node().wsmanUri();

      var get =
          http.send(
              java.net.http.HttpRequest.newBuilder(base).GET().build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      var other =
          http.send(
              java.net.http.HttpRequest.newBuilder(base.resolve("/index.htm"))
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());

      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).contains("POST");
      assertThat(other.statusCode()).isEqualTo(404);
    }
  }

  @ParameterizedTest
  @EnumSource(NodeSpec.Qop.class)
  void apacheHttpClient5DigestWorksAndReusesTheNonce(NodeSpec.Qop qop) throws Exception {
    try (Emulator e = Emulator.start(b -> b.qop(qop))) {
      java.net.URI uri = e.node().wsmanUri();
      BasicCredentialsProvider credentials = new BasicCredentialsProvider();
      credentials.setCredentials(
          new AuthScope(uri.getHost(), uri.getPort()),
          new UsernamePasswordCredentials(Emulator.USER, Emulator.PASSWORD.toCharArray()));
      HttpClientContext context = HttpClientContext.create();
      try (CloseableHttpClient http =
          HttpClients.custom().setDefaultCredentialsProvider(credentials).build()) {
        for (int i = 0; i < 3; i++) {
          HttpPost post = new HttpPost(uri);
          post.setEntity(
              new StringEntity(
                  GET_POWER, ContentType.create("application/soap+xml", StandardCharsets.UTF_8)));
          String body =
              http.execute(
                  post,
                  context,
                  response -> {
                    assertThat(response.getCode()).isEqualTo(200);
                    return EntityUtils.toString(response.getEntity());
                  });
          assertThat(Replies.of(body).text("//apms:PowerState")).isEqualTo("8");
        }
      }
      assertThat(e.node().counters().wsmanRequests()).isEqualTo(3);
      // With one HttpClientContext, HttpClient answers one challenge and then reuses the nonce.
      assertThat(e.node().counters().unauthorized()).isEqualTo(1);
    }
  }
}
