package org.amtpxe.amt.internal.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.amt.internal.cim.CimAssociatedPowerManagementService;
import org.amtpxe.api.error.ConnectionFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wake-up of a sleeping management engine before a call (docs/amt-wsman.md#sleep). */
class AmtHostsWakeTest {
  private static final WsmanRequest GET_POWER = CimAssociatedPowerManagementService.getRequest();

  private FakeAmt amt;
  private final MutableClock clock = new MutableClock();
  private final AtomicInteger probes = new AtomicInteger();
  private final WakeProbe countingTcp =
      (address, port, timeout) -> {
        probes.incrementAndGet();
        WakeProbe.TCP.probe(address, port, timeout);
      };

  @BeforeEach
  void start() throws IOException {
    amt = FakeAmt.start();
  }

  @AfterEach
  void stop() {
    amt.close();
  }

  private static TransportSettings awake(Duration interval) {
    TransportSettings t = TestSettings.transport();
    return new TransportSettings(
        t.connectTimeout(),
        t.readTimeout(),
        t.maxReplyBytes(),
        interval,
        3,
        Duration.ofMillis(10),
        null);
  }

  @Test
  void wakesOnceThenNotAgainInsideTheInterval() throws Exception {
    try (AmtHosts hosts = new AmtHosts(WakeLog.inMemory(), clock, countingTcp)) {
      WsmanTransport transport = hosts.transport(amt.endpoint(), awake(Duration.ofSeconds(60)));

      transport.send(GET_POWER);
      assertThat(probes).hasValue(1);

      clock.advance(Duration.ofSeconds(59));
      transport.send(GET_POWER);
      assertThat(probes).hasValue(1);
    }
  }

  @Test
  void wakesAgainWhenTheHostWasQuietLongerThanTheInterval() throws Exception {
    try (AmtHosts hosts = new AmtHosts(WakeLog.inMemory(), clock, countingTcp)) {
      WsmanTransport transport = hosts.transport(amt.endpoint(), awake(Duration.ofSeconds(60)));
      transport.send(GET_POWER);

      clock.advance(Duration.ofSeconds(61));
      transport.send(GET_POWER);

      assertThat(probes).hasValue(2);
    }
  }

  @Test
  void everyReplyCountsAsAwake() throws Exception {
    try (AmtHosts hosts = new AmtHosts(WakeLog.inMemory(), clock, countingTcp)) {
      WsmanTransport transport = hosts.transport(amt.endpoint(), awake(Duration.ofSeconds(60)));
      for (int i = 0; i < 5; i++) {
        transport.send(GET_POWER);
        clock.advance(Duration.ofSeconds(40));
      }

      assertThat(probes).hasValue(1);
    }
  }

  @Test
  void zeroIntervalDisablesWaking() throws Exception {
    try (AmtHosts hosts = new AmtHosts(WakeLog.inMemory(), clock, countingTcp)) {
      hosts.transport(amt.endpoint(), awake(Duration.ZERO)).send(GET_POWER);

      assertThat(probes).hasValue(0);
    }
  }

  @Test
  void failedWakeUpIsConnectionFailedAfterEveryAttempt() throws Exception {
    WakeProbe refusing =
        (address, port, timeout) -> {
          probes.incrementAndGet();
          throw new ConnectException("Connection refused");
        };
    try (AmtHosts hosts = new AmtHosts(WakeLog.inMemory(), clock, refusing)) {
      assertThatThrownBy(
              () -> hosts.transport(amt.endpoint(), awake(Duration.ofSeconds(60))).send(GET_POWER))
          .isInstanceOf(ConnectionFailedException.class)
          .hasMessageContaining("Failed to connect to AMT service")
          .hasMessageContaining("3 wake-up connection attempts failed")
          .hasMessageContaining("wrong amt_address or bad network environment");
    }
    assertThat(probes).hasValue(3);
    assertThat(amt.requests()).isZero();
  }

  @Test
  void tcpProbeConnectsAndFailsOnAClosedPort() throws Exception {
    try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      WakeProbe.TCP.probe("127.0.0.1", open.getLocalPort(), Duration.ofSeconds(1));
    }
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    assertThatThrownBy(() -> WakeProbe.TCP.probe("127.0.0.1", closed, Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void wakeTimesSurviveARestartThroughTheDataFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("amt-wake.properties");
    try (AmtHosts hosts = new AmtHosts(WakeLog.persistent(file), clock, countingTcp)) {
      hosts.transport(amt.endpoint(), awake(Duration.ofSeconds(60))).send(GET_POWER);
    }
    assertThat(file).exists();

    clock.advance(Duration.ofSeconds(30));
    try (AmtHosts restarted = new AmtHosts(WakeLog.persistent(file), clock, countingTcp)) {
      restarted.transport(amt.endpoint(), awake(Duration.ofSeconds(60))).send(GET_POWER);
    }

    assertThat(probes).hasValue(1);
  }

  @Test
  void unreadableDataFileStartsAfresh(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("amt-wake.properties");
    java.nio.file.Files.writeString(file, "127.0.0.1=not-a-number\n");

    assertThat(WakeLog.persistent(file).lastAwake("127.0.0.1")).isEmpty();
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
