package org.amtpxe.pxe.internal.driver;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.amtpxe.api.driver.BootHistoryInterface;
import org.amtpxe.api.driver.ConsoleInterface;
import org.amtpxe.api.driver.DeployInterface;
import org.amtpxe.api.driver.InspectInterface;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.DriverUnavailableException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.PowerState;
import org.junit.jupiter.api.Test;

class PxeAmtDriverTest {
  final List<String> calls = new ArrayList<>();

  @SuppressWarnings("unchecked")
  <T> T recording(Class<T> type, String name) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              calls.add(name + "." + method.getName());
              if (method.getName().equals("properties")) {
                return Map.of(name + "_key", "from " + name + ". Required.");
              }
              if (method.getName().equals("getPowerState")) {
                return PowerState.POWER_ON;
              }
              return null;
            });
  }

  PxeAmtDriver driver() {
    DeployInterface deploy = recording(DeployInterface.class, "deploy");
    return new PxeAmtDriver(deploy);
  }

  static Map<String, Object> props(long id, int ranking) {
    return Map.of("service.id", id, "service.ranking", ranking);
  }

  @Test
  void withoutAmtServicesPowerAndManagementFailAndSayWhy() {
    PxeAmtDriver d = driver();
    assertThat(d.name()).isEqualTo("pxe_amt");
    assertThat(d.unavailableReason())
        .hasValueSatisfying(r -> assertThat(r).contains("install feature amtpxe-amt"));
    assertThatThrownBy(() -> d.power().getPowerState(null))
        .isInstanceOf(DriverUnavailableException.class)
        .hasMessageContaining("not installed or not active");
    assertThatThrownBy(() -> d.management().ensureNextBootDevice(null, BootDevice.PXE))
        .isInstanceOf(DriverUnavailableException.class);
    assertThat(d.power().properties()).isEmpty();
    assertThat(d.deploy()).isNotNull();
  }

  @Test
  void callsGoToTheAmtServicesPresentNow() throws Exception {
    PxeAmtDriver d = driver();
    PowerInterface power = recording(PowerInterface.class, "amt-power");
    ManagementInterface mgmt = recording(ManagementInterface.class, "amt-mgmt");
    d.bindPower(power, props(10, 0));
    d.bindManagement(mgmt, props(11, 0));
    assertThat(d.unavailableReason()).isEmpty();
    d.power().reboot(null, null);
    d.management().ensureNextBootDevice(null, BootDevice.PXE);
    assertThat(calls).containsExactly("amt-power.reboot", "amt-mgmt.ensureNextBootDevice");
    assertThat(d.properties()).containsKeys("amt-power_key", "amt-mgmt_key", "deploy_key");
  }

  @Test
  void anUpdatedAmtBundleIsUsedWithoutRecreatingTheDriver() throws Exception {
    PxeAmtDriver d = driver();
    PowerInterface delegate = d.power();
    PowerInterface v1 = recording(PowerInterface.class, "v1");
    PowerInterface v2 = recording(PowerInterface.class, "v2");
    d.bindPower(v1, props(10, 0));
    // Greedy rebinding during a bundle update: the new service arrives, then the old one goes.
    d.bindPower(v2, props(20, 0));
    d.unbindPower(v1, props(10, 0));
    delegate.setPowerState(null, PowerState.POWER_OFF, null);
    assertThat(calls).containsExactly("v2.setPowerState");
    d.unbindPower(v2, props(20, 0));
    assertThatThrownBy(() -> delegate.getPowerState(null))
        .isInstanceOf(DriverUnavailableException.class);
  }

  @Test
  void theHighestRankedServiceWins() throws Exception {
    PxeAmtDriver d = driver();
    d.bindPower(recording(PowerInterface.class, "low"), props(1, 0));
    d.bindPower(recording(PowerInterface.class, "high"), props(2, 5));
    d.power().reboot(null, null);
    assertThat(calls).containsExactly("high.reboot");
  }

  @Test
  void aCallInTheGapOfABundleUpdateWaitsForTheNewService() throws Exception {
    PxeAmtDriver d = new PxeAmtDriver(recording(DeployInterface.class, "deploy"), ofSeconds(10));
    d.bindPower(recording(PowerInterface.class, "v1"), props(10, 0));
    d.unbindPower(null, props(10, 0));
    CompletableFuture<Void> call =
        CompletableFuture.runAsync(
            () -> {
              try {
                d.power().setPowerState(null, PowerState.POWER_ON, null);
              } catch (DriverException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(100);
    assertThat(call).isNotDone();

    d.bindPower(recording(PowerInterface.class, "v2"), props(20, 0));

    assertThat(call).succeedsWithin(ofSeconds(2));
    assertThat(calls).containsExactly("v2.setPowerState");
  }

  @Test
  void missingAmtServicesFailAfterAmtWaitCountedFromWhenTheyWentMissing() throws Exception {
    PxeAmtDriver d =
        new PxeAmtDriver(recording(DeployInterface.class, "deploy"), Duration.ofMillis(300));
    d.bindPower(recording(PowerInterface.class, "v1"), props(10, 0));
    d.bindManagement(recording(ManagementInterface.class, "m1"), props(11, 0));
    d.unbindPower(null, props(10, 0));
    long start = System.nanoTime();

    assertThatThrownBy(() -> d.power().getPowerState(null))
        .isInstanceOf(DriverUnavailableException.class)
        .hasMessageContaining("install feature amtpxe-amt");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(200));
    // The deadline has passed: later callers are answered at once.
    long again = System.nanoTime();
    assertThat(d.unavailableReason()).isPresent();
    assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofMillis(100));
  }

  @Test
  void aCallRefusedByAStoppingServiceGoesToItsReplacement() throws Exception {
    PxeAmtDriver d = driver();
    PowerInterface v2 = recording(PowerInterface.class, "v2");
    PowerInterface stopping =
        (PowerInterface)
            Proxy.newProxyInstance(
                PowerInterface.class.getClassLoader(),
                new Class<?>[] {PowerInterface.class},
                (proxy, method, args) -> {
                  calls.add("v1." + method.getName());
                  // The bundle update replaces the service while the call is on its way.
                  d.bindPower(v2, props(20, 0));
                  d.unbindPower(null, props(10, 0));
                  throw new DriverUnavailableException("The AMT driver is stopping");
                });
    d.bindPower(stopping, props(10, 0));

    d.power().reboot(null, null);

    assertThat(calls).containsExactly("v1.reboot", "v2.reboot");
  }

  @Test
  void anUnavailableErrorOfTheCurrentServiceIsNotRetried() {
    PxeAmtDriver d = driver();
    d.bindPower(
        (PowerInterface)
            Proxy.newProxyInstance(
                PowerInterface.class.getClassLoader(),
                new Class<?>[] {PowerInterface.class},
                (proxy, method, args) -> {
                  calls.add("v1." + method.getName());
                  throw new DriverUnavailableException("AMT gone");
                }),
        props(10, 0));

    assertThatThrownBy(() -> d.power().reboot(null, null)).hasMessage("AMT gone");
    assertThat(calls).containsExactly("v1.reboot");
  }

  @Test
  void inspectionGoesToTheAmtInspectServiceAndAnOldAmtBundleIsNamed() throws Exception {
    PxeAmtDriver d = driver();
    InspectInterface inspect = d.inspect().orElseThrow();
    assertThatThrownBy(() -> inspect.inspectHardware(null))
        .isInstanceOf(DriverUnavailableException.class)
        .hasMessageContaining("not installed or not active");

    // An AMT bundle from before inspection: power and management, no inspect service.
    d.bindPower(recording(PowerInterface.class, "old-power"), props(10, 0));
    d.bindManagement(recording(ManagementInterface.class, "old-mgmt"), props(11, 0));
    assertThat(d.unavailableReason()).isEmpty();
    assertThatThrownBy(() -> inspect.inspectHardware(null))
        .isInstanceOf(DriverUnavailableException.class)
        .hasMessageContaining("does not inspect hardware; update feature amtpxe-amt");

    d.bindInspect(recording(InspectInterface.class, "v1-inspect"), props(12, 0));
    d.bindInspect(recording(InspectInterface.class, "v2-inspect"), props(20, 0));
    d.unbindInspect(null, props(12, 0));
    inspect.inspectHardware(null);
    assertThat(calls).containsExactly("v2-inspect.inspectHardware");
    assertThat(d.properties()).containsKey("v2-inspect_key");
  }

  @Test
  void theConsoleGoesToTheAmtConsoleServicePresentAtEachCallAndAnOldAmtBundleIsNamed()
      throws Exception {
    PxeAmtDriver d = driver();
    ConsoleInterface console = d.console().orElseThrow();
    assertThatThrownBy(() -> console.openSession(null))
        .isInstanceOf(DriverUnavailableException.class)
        .hasMessageContaining("not installed or not active");

    d.bindPower(recording(PowerInterface.class, "old-power"), props(10, 0));
    d.bindManagement(recording(ManagementInterface.class, "old-mgmt"), props(11, 0));
    assertThatThrownBy(() -> console.startConsole(null))
        .isInstanceOf(DriverUnavailableException.class)
        .hasMessageContaining("has no serial-over-LAN console; update feature amtpxe-amt");

    d.bindConsole(recording(ConsoleInterface.class, "v1-console"), props(12, 0));
    console.startConsole(null);
    d.bindConsole(recording(ConsoleInterface.class, "v2-console"), props(20, 0));
    d.unbindConsole(null, props(12, 0));
    console.openSession(null);
    assertThat(calls).containsExactly("v1-console.startConsole", "v2-console.openSession");
    assertThat(d.properties()).containsKey("v2-console_key");
  }

  @Test
  void theBootHistoryGoesToTheAmtServicePresentAtEachCallAndAnOldAmtBundleIsNamed()
      throws Exception {
    PxeAmtDriver d = driver();
    BootHistoryInterface history = d.bootHistory().orElseThrow();
    assertThatThrownBy(() -> history.readBootHistory(null))
        .isInstanceOf(DriverUnavailableException.class)
        .hasMessageContaining("not installed or not active");

    d.bindPower(recording(PowerInterface.class, "old-power"), props(10, 0));
    d.bindManagement(recording(ManagementInterface.class, "old-mgmt"), props(11, 0));
    assertThatThrownBy(() -> history.readBootHistory(null))
        .isInstanceOf(DriverUnavailableException.class)
        .hasMessageContaining("does not read AMT's event log; update feature amtpxe-amt");

    d.bindBootHistory(recording(BootHistoryInterface.class, "v1-log"), props(12, 0));
    history.readBootHistory(null);
    d.bindBootHistory(recording(BootHistoryInterface.class, "v2-log"), props(20, 0));
    d.unbindBootHistory(null, props(12, 0));
    history.readBootHistory(null);
    assertThat(calls).containsExactly("v1-log.readBootHistory", "v2-log.readBootHistory");
    assertThat(d.properties()).containsKey("v2-log_key");
  }
}
