package org.amtpxe.amt.internal.sol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.amtpxe.amt.fake.EmulatedAmt;
import org.amtpxe.amt.internal.AmtConsole;
import org.amtpxe.amt.internal.AmtDriverInfo;
import org.amtpxe.api.driver.ConsoleSession;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.DeviceCommunicationException;
import org.amtpxe.api.error.DeviceTimeoutException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.virtualamt.RedirectionState;
import org.amtpxe.virtualamt.SolFault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AMT Console end to end against the virtual AMT's redirection listener: enabling over WS-Man, a
 * session both ways, and every refusal and fault the firmware can produce.
 */
class AmtConsoleOnVirtualAmtTest {
  /** Short timers so that faults show within a second. */
  private static final RedirectionSettings FAST =
      new RedirectionSettings(
          Duration.ofSeconds(2),
          Duration.ofMillis(700),
          Duration.ofMillis(900),
          Duration.ofMillis(200),
          8192);

  private EmulatedAmt amt;
  private AmtConsole console;

  @BeforeEach
  void start() throws IOException {
    amt = EmulatedAmt.start(spec -> spec.redirectionPort(0), EmulatedAmt.settings());
    console = new AmtConsole(amt.gateway(), FAST);
  }

  @AfterEach
  void stop() {
    if (console != null) {
      console.close();
    }
    if (amt != null) {
      amt.close();
    }
  }

  private TaskContext task() {
    Map<String, Object> info = new HashMap<>(amt.driverInfo());
    info.put(AmtDriverInfo.REDIRECTION_PORT, amt.node.redirectionPort().orElseThrow());
    return amt.task(info);
  }

  private static String readUntil(InputStream in, String wanted) throws Exception {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    CompletableFuture<String> reader =
        CompletableFuture.supplyAsync(
            () -> {
              byte[] buffer = new byte[256];
              try {
                while (!seen.toString(StandardCharsets.UTF_8).contains(wanted)) {
                  int n = in.read(buffer);
                  if (n < 0) {
                    break;
                  }
                  seen.write(buffer, 0, n);
                }
              } catch (IOException e) {
                return seen.toString(StandardCharsets.UTF_8) + " <" + e.getMessage() + ">";
              }
              return seen.toString(StandardCharsets.UTF_8);
            });
    return reader.get(5, TimeUnit.SECONDS);
  }

  @Test
  void startConsoleEnablesTheListenerAndSolOverWsmanOnce() throws Exception {
    assertThat(amt.node.redirection()).isEqualTo(RedirectionState.OFF);

    console.startConsole(task());

    assertThat(amt.node.redirection().listenerEnabled()).isTrue();
    assertThat(amt.node.redirection().solEnabled()).isTrue();
    amt.resetCounters();
    console.startConsole(task());
    assertThat(amt.actions()).hasSize(1); // only the Get: nothing left to change
  }

  @Test
  void aSessionCarriesTheHostsOutputAndTheKeysTyped() throws Exception {
    console.startConsole(task());
    try (ConsoleSession session = console.openSession(task())) {
      assertThat(amt.node.solSessionOpen()).isTrue();
      amt.node.serialWrite("Ubuntu 24.04 LTS vamt-1 ttyS0\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(readUntil(session.input(), "ttyS0")).contains("Ubuntu 24.04 LTS vamt-1 ttyS0");

      session.output().write("login\r".getBytes(StandardCharsets.US_ASCII));
      session.output().flush();
      assertThat(readUntil(session.input(), "login")).contains("login");
    }
    Thread.sleep(200);
    assertThat(amt.node.solSessionOpen()).isFalse();
  }

  @Test
  void heartbeatsKeepAnIdleSessionOpenBeyondBothSilenceLimits() throws Exception {
    console.startConsole(task());
    try (ConsoleSession session = console.openSession(task())) {
      CompletableFuture<Integer> read =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return session.input().read();
                } catch (IOException e) {
                  return -2;
                }
              });
      Thread.sleep(3 * FAST.idleTimeout().toMillis());
      assertThat(read).isNotDone();
      assertThat(session.isOpen()).isTrue();
      amt.node.serialWrite("x".getBytes(StandardCharsets.US_ASCII));
      assertThat(read.get(2, TimeUnit.SECONDS)).isEqualTo('x');
    }
  }

  @Test
  void aDisabledListenerIsAConnectionFailureThatSaysToEnableTheConsole() {
    amt.node.setRedirection(new RedirectionState(false, RedirectionState.IDER_AND_SOL));

    assertThatThrownBy(() -> console.openSession(task()))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("closed the redirection connection")
        .hasMessageContaining("enabling the console");
  }

  @Test
  void solDisabledIsARefusal() {
    amt.node.setRedirection(new RedirectionState(true, RedirectionState.DISABLED));

    assertThatThrownBy(() -> console.openSession(task()))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("SOL is not enabled");
  }

  @Test
  void aSecondSessionIsRefusedAsBusy() throws Exception {
    console.startConsole(task());
    try (ConsoleSession first = console.openSession(task())) {
      assertThatThrownBy(() -> console.openSession(task()))
          .isInstanceOf(OperationFailedException.class)
          .hasMessageContaining("busy");
      assertThat(first.isOpen()).isTrue();
    }
  }

  @Test
  void aWrongPasswordFailsOnceWithoutRetryingAndWithoutThePassword() throws Exception {
    console.startConsole(task());
    Map<String, Object> info = new HashMap<>(task().node().driverInfo());
    info.put(AmtDriverInfo.PASSWORD, "Not-The-P4ssword");

    assertThatThrownBy(() -> console.openSession(amt.task(info)))
        .isInstanceOf(AuthenticationFailedException.class)
        .hasMessageContaining("Not retried")
        .hasMessageNotContaining("Not-The-P4ssword")
        .hasMessageNotContaining(EmulatedAmt.PASSWORD);
    assertThat(amt.node.solSessionOpen()).isFalse();
  }

  @Test
  void aSilentHandshakeTimesOutAtTheStepTimeout() throws Exception {
    console.startConsole(task());
    amt.node.injectSolFault(SolFault.SILENT_HANDSHAKE);
    long start = System.nanoTime();

    assertThatThrownBy(() -> console.openSession(task()))
        .isInstanceOf(DeviceTimeoutException.class)
        .hasMessageContaining("did not answer StartRedirectionSession within 700 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void anOversizedAuthenticationLengthIsRefusedBeforeReading() throws Exception {
    console.startConsole(task());
    amt.node.injectSolFault(SolFault.OVERSIZED_AUTH_REPLY);

    assertThatThrownBy(() -> console.openSession(task()))
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("more than " + SolClient.MAX_AUTH_DATA);
  }

  @Test
  void anOversizedDataLengthEndsTheSession() throws Exception {
    console.startConsole(task());
    amt.node.injectSolFault(SolFault.OVERSIZED_LENGTH);
    ConsoleSession session = console.openSession(task());

    assertThatThrownBy(() -> session.input().read())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("data message of 65535 bytes, more than the 8192 allowed");
    assertThat(session.isOpen()).isFalse();
  }

  @Test
  void aTruncatedFrameEndsTheSessionWithAnError() throws Exception {
    console.startConsole(task());
    amt.node.injectSolFault(SolFault.TRUNCATED_FRAME);
    ConsoleSession session = console.openSession(task());

    assertThatThrownBy(() -> session.input().read())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("in the middle of a message");
    assertThat(session.isOpen()).isFalse();
  }

  @Test
  void silenceAfterTheStartIsDetectedAtTheIdleTimeout() throws Exception {
    console.startConsole(task());
    amt.node.injectSolFault(SolFault.SILENCE);
    ConsoleSession session = console.openSession(task());
    long start = System.nanoTime();

    assertThatThrownBy(() -> session.input().read())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not even a heartbeat");
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    assertThat(waited).isBetween(FAST.idleTimeout().minusMillis(100), Duration.ofSeconds(3));
  }

  @Test
  void nothingListeningIsAConnectionFailure() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Map<String, Object> info = new HashMap<>(task().node().driverInfo());
    info.put(AmtDriverInfo.REDIRECTION_PORT, closedPort);

    assertThatThrownBy(() -> console.openSession(amt.task(info)))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("cannot connect to the AMT redirection port");
  }

  @Test
  void validateRejectsABadRedirectionPort() {
    Map<String, Object> info = new HashMap<>(task().node().driverInfo());
    info.put(AmtDriverInfo.REDIRECTION_PORT, "sixteen");

    assertThatThrownBy(() -> console.validate(amt.task(info)))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("amt_redirection_port must be an integer in 1-65535, got 'sixteen'");
  }
}
