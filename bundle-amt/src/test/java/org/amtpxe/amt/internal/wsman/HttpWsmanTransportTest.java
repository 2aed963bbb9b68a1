package org.amtpxe.amt.internal.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.amtpxe.amt.fake.AmtModel;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.Reply;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.amt.internal.cim.CimAssociatedPowerManagementService;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.DeviceCommunicationException;
import org.amtpxe.api.error.DeviceTimeoutException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.OperationFailedException;
import org.dom4j.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpWsmanTransportTest {
  private static final WsmanRequest GET_POWER = CimAssociatedPowerManagementService.getRequest();

  private FakeAmt amt;
  private AmtHosts hosts;

  @BeforeEach
  void start() throws IOException {
    amt = FakeAmt.start();
    hosts = new AmtHosts(WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);
  }

  @AfterEach
  void stop() {
    hosts.close();
    amt.close();
  }

  private WsmanTransport transport() {
    return hosts.transport(amt.endpoint(), TestSettings.transport());
  }

  private static AmtEndpoint withPassword(AmtEndpoint e, String password) {
    return new AmtEndpoint(
        e.label(), e.address(), e.port(), e.https(), e.username(), password, null, true);
  }

  private static TransportSettings settings(Duration read, int maxReply) {
    TransportSettings t = TestSettings.transport();
    return new TransportSettings(
        t.connectTimeout(),
        read,
        maxReply,
        t.awakeInterval(),
        t.wakeAttempts(),
        t.wakeRetryDelay(),
        null);
  }

  @Test
  void firstCallAnswersOneChallengeThenEveryCallIsOneRoundTrip() throws Exception {
    WsmanTransport transport = transport();

    Document reply = transport.send(GET_POWER);
    assertThat(reply.getRootElement().getName()).isEqualTo("Envelope");
    assertThat(amt.requests()).isEqualTo(2);
    assertThat(amt.challenges()).isEqualTo(1);

    for (int i = 0; i < 5; i++) {
      transport.send(GET_POWER);
    }
    assertThat(amt.requests()).isEqualTo(7);
    assertThat(amt.challenges()).isEqualTo(1);
    assertThat(amt.problems()).isEmpty();
    List<String> auth = amt.authorizations();
    assertThat(auth).hasSize(6);
    for (int i = 0; i < auth.size(); i++) {
      assertThat(auth.get(i)).contains(String.format("nc=%08x", i + 1)).contains("qop=auth");
    }
  }

  @Test
  void transportsOfOneHostShareTheDigestState() throws Exception {
    transport().send(GET_POWER);
    amt.resetCounters();

    transport().send(GET_POWER);

    assertThat(amt.requests()).isEqualTo(1);
  }

  @Test
  void answersAuthIntAuthChallengeWithAuth() throws Exception {
    amt.qop("auth-int, auth");

    transport().send(GET_POWER);
    transport().send(GET_POWER);

    assertThat(amt.problems()).isEmpty();
    assertThat(amt.authorizations())
        .allSatisfy(h -> assertThat(h).contains("qop=auth,").doesNotContain("auth-int"));
    assertThat(amt.requests()).isEqualTo(3);
  }

  @Test
  void acceptsChallengesWithRegularSeparatorsToo() throws Exception {
    amt.irregularSeparators(false);

    transport().send(GET_POWER);

    assertThat(amt.problems()).isEmpty();
  }

  @Test
  void wrongPasswordFailsAfterExactlyOneRetry() {
    WsmanTransport transport =
        hosts.transport(withPassword(amt.endpoint(), "wrong-Secret"), TestSettings.transport());

    assertThatThrownBy(() -> transport.send(GET_POWER))
        .isInstanceOf(AuthenticationFailedException.class)
        .hasMessageContaining("check amt_username / amt_password")
        .hasMessageContaining("Node fake")
        .hasMessageNotContaining("wrong-Secret");
    assertThat(amt.requests()).isEqualTo(2);

    assertThatThrownBy(() -> transport.send(GET_POWER))
        .isInstanceOf(AuthenticationFailedException.class);
    assertThat(amt.requests()).isEqualTo(4);
  }

  @Test
  void passwordChangeTakesEffectOnTheNextCall() throws Exception {
    transport().send(GET_POWER);
    amt.password("new-Secret");
    assertThatThrownBy(() -> transport().send(GET_POWER))
        .isInstanceOf(AuthenticationFailedException.class);
    amt.resetCounters();

    hosts
        .transport(withPassword(amt.endpoint(), "new-Secret"), TestSettings.transport())
        .send(GET_POWER);

    assertThat(amt.requests()).isEqualTo(2);
  }

  @Test
  void staleNonceIsRenewedWithoutFailing() throws Exception {
    amt.nonceUses(2);
    WsmanTransport transport = transport();

    for (int i = 0; i < 5; i++) {
      transport.send(GET_POWER);
    }

    assertThat(amt.problems()).isEmpty();
    assertThat(amt.challenges()).isGreaterThan(1);
  }

  @Test
  void refusedConnectionIsConnectionFailed() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    AmtEndpoint e = amt.endpoint();
    AmtEndpoint closed =
        new AmtEndpoint(
            e.label(), e.address(), port, false, e.username(), e.password(), null, true);

    assertThatThrownBy(() -> hosts.transport(closed, TestSettings.transport()).send(GET_POWER))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("Failed to connect to AMT service")
        .hasMessageContaining("wrong amt_address or bad network environment")
        .hasMessageNotContaining(FakeAmt.PASSWORD);
  }

  @Test
  void silentDeviceTimesOutAfterTheReadTimeout() throws Exception {
    try (SilentServer silent = new SilentServer(false)) {
      AmtEndpoint e = amt.endpoint();
      AmtEndpoint target =
          new AmtEndpoint(
              e.label(), e.address(), silent.port(), false, e.username(), e.password(), null, true);
      long start = System.nanoTime();

      assertThatThrownBy(
              () ->
                  hosts
                      .transport(target, settings(Duration.ofMillis(300), 1 << 20))
                      .send(GET_POWER))
          .isInstanceOf(DeviceTimeoutException.class)
          .hasMessageContaining("timed out");

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void connectionClosedWithoutReplyIsConnectionFailed() throws Exception {
    try (SilentServer closing = new SilentServer(true)) {
      AmtEndpoint e = amt.endpoint();
      AmtEndpoint target =
          new AmtEndpoint(
              e.label(),
              e.address(),
              closing.port(),
              false,
              e.username(),
              e.password(),
              null,
              true);

      assertThatThrownBy(() -> hosts.transport(target, TestSettings.transport()).send(GET_POWER))
          .isInstanceOf(ConnectionFailedException.class);
    }
  }

  @Test
  void slowChunkedReplyWithinTheTimeoutIsRead() throws Exception {
    amt.chunked(true).slow(6, Duration.ofMillis(40));

    Document reply = transport().send(GET_POWER);

    assertThat(reply.getRootElement().getName()).isEqualTo("Envelope");
  }

  @Test
  void aReplyTrickledWithinTheReadTimeoutIsCutOffAtTheExchangeDeadline() throws Exception {
    // Every piece comes within the 300 ms read timeout, the whole reply would take 5 s.
    amt.chunked(true).slow(20, Duration.ofMillis(250));
    TransportSettings t = TestSettings.transport();
    TransportSettings tight =
        new TransportSettings(
            Duration.ofMillis(200),
            Duration.ofMillis(300),
            1 << 20,
            t.awakeInterval(),
            t.wakeAttempts(),
            t.wakeRetryDelay(),
            null);
    assertThat(tight.exchangeDeadline()).isEqualTo(Duration.ofMillis(1000));
    long start = System.nanoTime();

    assertThatThrownBy(() -> hosts.transport(amt.endpoint(), tight).send(GET_POWER))
        .isInstanceOf(DeviceTimeoutException.class)
        .hasMessageContaining("was cut off")
        .hasMessageContaining("after 1 s")
        .hasMessageContaining("read_timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3000));

    // The host is free again at once, and the next exchange works.
    amt.slow(0, Duration.ZERO);
    assertThat(transport().send(GET_POWER).getRootElement().getName()).isEqualTo("Envelope");
  }

  @Test
  void fixedLengthReplyIsRead() throws Exception {
    amt.chunked(false);

    assertThat(transport().send(GET_POWER).getRootElement().getName()).isEqualTo("Envelope");
  }

  @Test
  void replySlowerThanTheReadTimeoutTimesOut() {
    amt.replyDelay(Duration.ofMillis(800));

    assertThatThrownBy(
            () ->
                hosts
                    .transport(amt.endpoint(), settings(Duration.ofMillis(300), 1 << 20))
                    .send(GET_POWER))
        .isInstanceOf(DeviceTimeoutException.class);
  }

  @Test
  void faultOn400IsOperationFailedWithSubcodeReasonAndDetail() {
    amt.responder(
        (request, id) ->
            AmtModel.fault(
                400,
                "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
                "InternalError",
                "The service cannot comply with the request due to internal processing errors.",
                "AMT-STATUS 2057",
                id));

    assertThatThrownBy(() -> transport().send(GET_POWER))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(400);
              assertThat(e.faultSubcode())
                  .isEqualTo("{http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd}InternalError");
              assertThat(e.faultReason()).contains("internal processing errors");
              assertThat(e.faultDetail()).isEqualTo("AMT-STATUS 2057");
              assertThat(e.returnValue()).isNull();
              assertThat(e.operation()).isEqualTo("Get CIM_AssociatedPowerManagementService");
              assertThat(e.getMessage()).contains("HTTP 400").contains("InternalError");
            });
  }

  @Test
  void faultOn500IsOperationFailedToo() {
    amt.responder(
        (request, id) ->
            AmtModel.fault(
                500,
                "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
                "QuotaLimit",
                "The service is busy servicing other requests.",
                null,
                id));

    assertThatThrownBy(() -> transport().send(GET_POWER))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.faultSubcode()).endsWith("}QuotaLimit");
              assertThat(e.getMessage()).contains("retry later");
            });
  }

  @Test
  void errorStatusWithHtmlIsOperationFailedWithoutFault() {
    amt.responder((request, id) -> Reply.raw(500, "text/html", "<html><body>oops</body></html>"));

    assertThatThrownBy(() -> transport().send(GET_POWER))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.faultSubcode()).isNull();
              assertThat(e.getMessage()).contains("HTTP 500 without a SOAP fault");
            });
  }

  @Test
  void errorStatusWithAnHtmlDoctypePageIsStillAnHttpError() {
    amt.responder(
        (request, id) ->
            Reply.raw(
                500,
                "text/html",
                "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><html><body>Error</body></html>"));

    assertThatThrownBy(() -> transport().send(GET_POWER))
        .isInstanceOfSatisfying(
            OperationFailedException.class, e -> assertThat(e.httpStatus()).isEqualTo(500));
  }

  @Test
  void malformedXmlIsUnusableReply() {
    amt.responder(
        (request, id) -> Reply.raw(200, Reply.SOAP_TYPE, "<a:Envelope xmlns:a='x'><a:Body>"));

    assertThatThrownBy(() -> transport().send(GET_POWER))
        .isExactlyInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("malformed XML");
  }

  @Test
  void xmlThatIsNotAnEnvelopeIsUnusableReply() {
    amt.responder((request, id) -> Reply.raw(200, Reply.SOAP_TYPE, "<hello/>"));

    assertThatThrownBy(() -> transport().send(GET_POWER))
        .isExactlyInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("not a SOAP 1.2 envelope");
  }

  @Test
  void oversizedChunkedReplyIsRefused() {
    amt.chunked(true).responder((request, id) -> Reply.raw(200, Reply.SOAP_TYPE, new byte[20_000]));

    assertThatThrownBy(
            () ->
                hosts
                    .transport(amt.endpoint(), settings(Duration.ofSeconds(3), 4096))
                    .send(GET_POWER))
        .isExactlyInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("max_reply_bytes (4096 bytes)");
  }

  @Test
  void oversizedFixedLengthReplyIsRefusedBeforeReading() {
    amt.chunked(false)
        .responder((request, id) -> Reply.raw(200, Reply.SOAP_TYPE, new byte[20_000]));

    assertThatThrownBy(
            () ->
                hosts
                    .transport(amt.endpoint(), settings(Duration.ofSeconds(3), 4096))
                    .send(GET_POWER))
        .isExactlyInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("max_reply_bytes");
  }

  @Test
  void doctypeInReplyIsRefused() {
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE a:Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<a:Envelope xmlns:a=\"http://www.w3.org/2003/05/soap-envelope\"><a:Body>&x;</a:Body></a:Envelope>";
    amt.responder((request, id) -> Reply.raw(200, Reply.SOAP_TYPE, xxe));

    assertThatThrownBy(() -> transport().send(GET_POWER))
        .isExactlyInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("DOCTYPE");
  }

  @Test
  void onlyOneRequestIsInFlightPerHost() throws Exception {
    transport().send(GET_POWER);
    amt.replyDelay(Duration.ofMillis(40));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Document>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<Document> call = () -> transport().send(GET_POWER);
        results.add(pool.submit(call));
      }
      for (Future<Document> result : results) {
        assertThat(result.get().getRootElement().getName()).isEqualTo("Envelope");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(amt.maxInFlight()).isEqualTo(1);
    assertThat(amt.problems()).isEmpty();
  }

  @Test
  void sendsSoapContentTypeAndPostsToWsman() throws DriverException {
    amt.responder(
        (request, id) -> {
          assertThat(request.getRootElement().getNamespaceURI()).isEqualTo(Wsman.SOAP_NS);
          return null;
        });

    transport().send(GET_POWER);

    assertThat(amt.received()).hasSize(1);
  }

  /** A TCP server that accepts and then says nothing, or closes at once. */
  private static final class SilentServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread thread;
    private final List<Socket> accepted = new ArrayList<>();

    SilentServer(boolean closeAtOnce) throws IOException {
      socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
      thread =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket s = socket.accept();
                    if (closeAtOnce) {
                      InputStream in = s.getInputStream();
                      in.read(new byte[1024]);
                      s.close();
                    } else {
                      synchronized (accepted) {
                        accepted.add(s);
                      }
                    }
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      synchronized (accepted) {
        for (Socket s : accepted) {
          s.close();
        }
      }
      thread.join(2000);
    }
  }
}
