package org.amtpxe.amt.internal.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.amtpxe.amt.fake.EmulatedAmt;
import org.amtpxe.amt.fake.FakeTask;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtPower;
import org.amtpxe.amt.internal.BootSequence;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.DeviceCommunicationException;
import org.amtpxe.api.error.DeviceTimeoutException;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.virtualamt.NodeCounters;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.Switches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WS-Man transport, through the real AMT Power and Management components, against the virtual
 * AMT: Digest (qop, nonce reuse, stale nonces, wrong passwords), injected faults mapped to typed
 * errors, one request at a time, TLS pinning, and the round trips each operation costs.
 */
class WsmanOnVirtualAmtTest {
  private EmulatedAmt amt;

  @AfterEach
  void stop() {
    if (amt != null) {
      amt.close();
    }
  }

  private PowerState read() throws Exception {
    return amt.power().getPowerState(amt.sharedTask());
  }

  // ---- Digest and round trips ---------------------------------------------------------------

  @Test
  void theFirstCallPaysOneChallengeAndEveryLaterCallOneRoundTrip() throws Exception {
    amt = EmulatedAmt.start();

    read();
    NodeCounters first = amt.counters();
    amt.resetCounters();
    for (int i = 0; i < 20; i++) {
      read();
    }

    assertThat(first.httpRequests()).isEqualTo(2);
    assertThat(first.unauthorized()).isEqualTo(1);
    assertThat(amt.counters().httpRequests()).isEqualTo(20);
    assertThat(amt.counters().wsmanRequests()).isEqualTo(20);
    assertThat(amt.counters().unauthorized()).isZero();
  }

  @Test
  void eachOperationCostsOneRoundTripPerWsmanCall() throws Exception {
    amt = EmulatedAmt.start();
    FakeTask task = amt.task();
    read();

    assertThat(roundTrips(() -> amt.power().getPowerState(task))).isEqualTo(1);
    assertThat(roundTrips(() -> amt.power().setPowerState(task, PowerState.POWER_ON, null)))
        .isEqualTo(3);
    assertThat(roundTrips(() -> amt.power().setPowerState(task, PowerState.POWER_OFF, null)))
        .isEqualTo(3);
    assertThat(roundTrips(() -> amt.management().ensureNextBootDevice(task, BootDevice.PXE)))
        .isEqualTo(5);
    amt.use(EmulatedAmt.settings(BootSequence.SEED, 3));
    read();
    assertThat(roundTrips(() -> amt.management().ensureNextBootDevice(task, BootDevice.PXE)))
        .isEqualTo(2);
    assertThat(roundTrips(() -> amt.power().supportedPowerStates(task))).isEqualTo(1);
  }

  private interface Call {
    void run() throws Exception;
  }

  /** HTTP requests the emulator counted for one call, with every one a WS-Man request. */
  private long roundTrips(Call call) throws Exception {
    amt.resetCounters();
    call.run();
    NodeCounters c = amt.counters();
    assertThat(c.unauthorized()).as("401s").isZero();
    assertThat(c.wsmanRequests()).isEqualTo(c.httpRequests());
    return c.httpRequests();
  }

  @Test
  void firmwareOfferingAuthIntAndAuthIsAnsweredWithAuth() throws Exception {
    amt =
        EmulatedAmt.start(spec -> spec.qop(NodeSpec.Qop.AUTH_INT_AND_AUTH), EmulatedAmt.settings());

    assertThat(read()).isEqualTo(PowerState.POWER_OFF);
    amt.power().setPowerState(amt.task(), PowerState.POWER_ON, null);
    read();

    assertThat(amt.counters().unauthorized()).isEqualTo(1);
    assertThat(amt.counters().httpRequests()).isEqualTo(6);
  }

  @Test
  void aStaleNonceCostsOneExtraRoundTripAndIsNoLoginFailure() throws Exception {
    amt =
        EmulatedAmt.start(
            spec ->
                spec.switches(
                    Switches.builder()
                        .nonceLifetime(Duration.ofMillis(100))
                        .lockoutThreshold(1)
                        .build()),
            EmulatedAmt.settings());
    read();
    Thread.sleep(150);
    amt.resetCounters();

    assertThat(read()).isEqualTo(PowerState.POWER_OFF);

    assertThat(amt.node.requestLog()).extracting("outcome").containsExactly("stale-nonce", "ok");
    amt.resetCounters();
    read();
    assertThat(amt.counters().httpRequests()).isEqualTo(1);
  }

  @Test
  void aWrongPasswordIsTriedOnceAndNeverLocksTheAccount() throws Exception {
    amt =
        EmulatedAmt.start(
            spec ->
                spec.switches(
                    Switches.builder()
                        .lockoutThreshold(2)
                        .lockoutDuration(Duration.ofMinutes(5))
                        .build()),
            EmulatedAmt.settings());
    Map<String, Object> wrong = amt.driverInfo();
    wrong.put("amt_password", "not-the-password");

    assertThatThrownBy(() -> amt.power().getPowerState(amt.task(wrong)))
        .isInstanceOf(AuthenticationFailedException.class)
        .hasMessageContaining("HTTP 401 for user 'admin' after one authenticated attempt")
        .hasMessageContaining("check amt_username / amt_password")
        .hasMessageNotContaining("not-the-password");
    assertThat(amt.counters().httpRequests()).isEqualTo(2);
    assertThat(amt.node.requestLog())
        .extracting("outcome")
        .containsExactly("unauthorized", "unauthorized:wrong-credentials");

    // One wrong attempt out of the two that lock the account: the right password still works.
    assertThat(read()).isEqualTo(PowerState.POWER_OFF);
    assertThat(amt.node.requestLog()).extracting("outcome").doesNotContain("locked-out");
  }

  @Test
  void aPowerChangeWithAWrongPasswordStopsAtTheFirstRefusal() throws Exception {
    amt = EmulatedAmt.start();
    Map<String, Object> wrong = amt.driverInfo();
    wrong.put("amt_password", "not-the-password");

    assertThatThrownBy(() -> amt.power().setPowerState(amt.task(wrong), PowerState.POWER_ON, null))
        .isInstanceOf(AuthenticationFailedException.class);

    assertThat(amt.counters().httpRequests()).isEqualTo(2);
    assertThat(amt.counters().wsmanRequests()).isZero();
  }

  // ---- Faults --------------------------------------------------------------------------------

  @Test
  void anHttp500WithInternalErrorIsAnOperationFailure() throws Exception {
    amt = EmulatedAmt.start();
    read();
    amt.node.injectFaults(Switches.Fault.HTTP_500, 1);

    assertThatThrownBy(this::read)
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.faultSubcode()).endsWith("}InternalError");
              assertThat(e.faultDetail()).contains("AMT-STATUS 1");
              assertThat(e.operation()).isEqualTo("Get CIM_AssociatedPowerManagementService");
            })
        .hasMessageContaining("HTTP 500, SOAP fault");
    assertThat(read()).isEqualTo(PowerState.POWER_OFF);
  }

  @Test
  void aReplyCutInHalfIsAnUnusableReply() throws Exception {
    amt = EmulatedAmt.start();
    read();
    amt.node.injectFaults(Switches.Fault.MALFORMED_XML, 1);

    assertThatThrownBy(this::read)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("unusable reply (HTTP 200): malformed XML");
    assertThat(read()).isEqualTo(PowerState.POWER_OFF);
  }

  @Test
  void aDroppedConnectionIsAConnectionFailure() throws Exception {
    amt = EmulatedAmt.start();
    read();
    amt.node.injectFaults(Switches.Fault.DROP, 1);

    assertThatThrownBy(this::read)
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("closed the connection without a reply");
    assertThat(read()).isEqualTo(PowerState.POWER_OFF);
    assertThat(amt.counters().dropped()).isEqualTo(1);
  }

  @Test
  void aReplySlowerThanReadTimeoutIsADeviceTimeout() throws Exception {
    amt =
        EmulatedAmt.start(
            spec -> spec,
            EmulatedAmt.settings(
                EmulatedAmt.transport(Duration.ofMillis(300), Duration.ZERO, 1, Duration.ZERO)));
    amt.switches(s -> s.slowDelay(Duration.ofSeconds(3)));
    read();
    amt.node.injectFaults(Switches.Fault.SLOW, 1);

    long start = System.nanoTime();
    assertThatThrownBy(this::read)
        .isInstanceOf(DeviceTimeoutException.class)
        .hasMessageContaining("timed out waiting for the reply")
        .hasMessageContaining("read_timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aFailedPowerRequestIsRetriedByTheLoopLikeTheSeed() throws Exception {
    amt = EmulatedAmt.start();
    FakeTask task = amt.task();
    read();
    amt.switches(s -> s.latency(Duration.ofMillis(100)));
    amt.resetCounters();
    CompletableFuture<Void> powerOn =
        CompletableFuture.runAsync(
            () -> {
              try {
                amt.power().setPowerState(task, PowerState.POWER_ON, null);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // The first read is served (its reply is on its way): the power request gets the HTTP 500.
    awaitServed(1);
    amt.node.injectFaults(Switches.Fault.HTTP_500, 1);

    powerOn.get();

    assertThat(amt.node.powerState()).isEqualTo(org.amtpxe.virtualamt.HostPowerState.ON);
    assertThat(amt.actions())
        .containsExactly("Get", "RequestPowerStateChange", "Get", "RequestPowerStateChange", "Get");
    assertThat(amt.requests("RequestPowerStateChange"))
        .extracting("httpStatus")
        .containsExactly(500, 200);
  }

  // ---- One request at a time -----------------------------------------------------------------

  @Test
  void concurrentCallsThroughOneDriverNeverMeetAQuotaLimit() throws Exception {
    amt = EmulatedAmt.start();
    amt.switches(
        s -> s.concurrency(Switches.Concurrency.QUOTA_FAULT).latency(Duration.ofMillis(5)));
    read();
    amt.resetCounters();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<PowerState>> reads = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        reads.add(callers.submit(this::read));
      }
      for (Future<PowerState> r : reads) {
        assertThat(r.get()).isEqualTo(PowerState.POWER_OFF);
      }
    } finally {
      callers.shutdownNow();
    }

    assertThat(amt.counters().wsmanRequests()).isEqualTo(40);
    assertThat(amt.counters().faults()).isZero();
  }

  @Test
  void aBusyAmtAnswersQuotaLimitWhichIsReportedAsBusy() throws Exception {
    amt = EmulatedAmt.start();
    // Another client (a second conductor, MeshCommander) holds the AMT busy.
    AmtGateway other = TestSettings.gateway(TestSettings.settings());
    AmtPower otherPower = new AmtPower(other, Map.of());
    try {
      otherPower.getPowerState(amt.sharedTask());
      read();
      amt.switches(
          s -> s.concurrency(Switches.Concurrency.QUOTA_FAULT).latency(Duration.ofMillis(800)));
      amt.resetCounters();
      CompletableFuture<PowerState> slow =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return otherPower.getPowerState(amt.sharedTask());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      awaitServed(1);

      assertThatThrownBy(this::read)
          .isInstanceOfSatisfying(
              OperationFailedException.class,
              e -> {
                assertThat(e.faultSubcode()).endsWith("}QuotaLimit");
                assertThat(e.httpStatus()).isEqualTo(400);
              })
          .hasMessageContaining("busy servicing other requests; retry later");
      assertThat(slow.get()).isEqualTo(PowerState.POWER_OFF);
    } finally {
      other.close();
    }
  }

  @Test
  void aQueueingAmtServesTwoClientsOneAfterTheOther() throws Exception {
    amt = EmulatedAmt.start();
    AmtGateway other = TestSettings.gateway(TestSettings.settings());
    AmtPower otherPower = new AmtPower(other, Map.of());
    try {
      otherPower.getPowerState(amt.sharedTask());
      read();
      amt.switches(s -> s.latency(Duration.ofMillis(300)));
      amt.resetCounters();
      CompletableFuture<PowerState> first =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return otherPower.getPowerState(amt.sharedTask());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      awaitServed(1);
      long start = System.nanoTime();

      assertThat(read()).isEqualTo(PowerState.POWER_OFF);

      assertThat(first.isDone()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
      assertThat(amt.counters().faults()).isZero();
    } finally {
      other.close();
    }
  }

  private void awaitServed(int requests) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (amt.counters().wsmanRequests() < requests) {
      assertThat(System.nanoTime()).as("request served in time").isLessThan(deadline);
      Thread.sleep(2);
    }
  }

  // ---- TLS -----------------------------------------------------------------------------------

  private Map<String, Object> https(String fingerprint) {
    Map<String, Object> info = amt.driverInfo();
    info.put("amt_protocol", "https");
    info.put("amt_port", amt.node.tlsPort().orElseThrow());
    if (fingerprint != null) {
      info.put("amt_cert_fingerprint", fingerprint);
    }
    return info;
  }

  @Test
  void tlsWithThePinnedCertificateWorks() throws Exception {
    amt = EmulatedAmt.start(spec -> spec.tlsPort(0), EmulatedAmt.settings());
    String pin = amt.emulator.tlsFingerprint().orElseThrow();
    FakeTask task = amt.task(https(pin));

    assertThat(amt.power().getPowerState(task)).isEqualTo(PowerState.POWER_OFF);
    amt.power().setPowerState(task, PowerState.POWER_ON, null);

    assertThat(amt.node.powerState()).isEqualTo(org.amtpxe.virtualamt.HostPowerState.ON);
    assertThat(amt.counters().httpRequests()).isEqualTo(5);
  }

  @Test
  void tlsWithAnotherPinIsRefusedBeforeAnyRequest() throws Exception {
    amt = EmulatedAmt.start(spec -> spec.tlsPort(0), EmulatedAmt.settings());
    String actual = amt.emulator.tlsFingerprint().orElseThrow();
    String other = "ab".repeat(32);

    assertThatThrownBy(() -> amt.power().getPowerState(amt.task(https(other))))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("TLS to AMT at")
        .hasMessageContaining("refused")
        .hasMessageContaining("amt_cert_fingerprint");
    assertThat(actual.replace(":", "").toLowerCase()).isNotEqualTo(other);
    assertThat(amt.counters().httpRequests()).isZero();
  }

  @Test
  void anUnpinnedSelfSignedCertificateIsRefusedWithThePinToCheck() throws Exception {
    amt = EmulatedAmt.start(spec -> spec.tlsPort(0), EmulatedAmt.settings());
    String actual = amt.emulator.tlsFingerprint().orElseThrow();

    assertThatThrownBy(() -> amt.power().getPowerState(amt.task(https(null))))
        .isInstanceOf(ConnectionFailedException.class)
        .hasMessageContaining("amt_cert_fingerprint=" + actual)
        .hasMessageContaining("after checking it on the device");
    assertThat(amt.counters().httpRequests()).isZero();
  }
}
