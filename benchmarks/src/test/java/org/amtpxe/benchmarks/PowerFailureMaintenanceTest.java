package org.amtpxe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtManagement;
import org.amtpxe.amt.internal.AmtPower;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.wsman.WakeLog;
import org.amtpxe.amt.internal.wsman.WakeProbe;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.SchemaMigrator;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.sync.PowerSync;
import org.amtpxe.conductor.internal.task.Workers;
import org.amtpxe.pxe.internal.driver.PxeAmtComposition;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.VirtualAmt;
import org.amtpxe.virtualamt.VirtualAmtNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conductor's power sync with the real pxe_amt driver against virtual AMTs (the same stack as
 * the sync benchmark, outside Karaf): an AMT that stops answering, or whose password is wrong, puts
 * its node into maintenance after three passes, and the node comes back by itself once the AMT
 * answers again.
 */
class PowerFailureMaintenanceTest {
  private static final String PASSWORD = "Maint-P@ss1";

  @TempDir Path dir;
  private VirtualAmt amts;
  private AmtGateway gateway;
  private Database database;
  private Conductor service;
  private PowerSync sync;

  @BeforeEach
  void start() throws Exception {
    amts =
        VirtualAmt.builder()
            .series(
                2, "amt-", "127.0.9.41", NodeSpec.builder("t").port(0).password(PASSWORD).build())
            .start();
    gateway =
        new AmtGateway(
            AmtSettings.defaults(), WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);
    BareMetalDriver driver =
        PxeAmtComposition.pxeAmt(
            new AmtPower(gateway, Map.of()), new AmtManagement(gateway, Map.of()));
    database = Database.open("jdbc:h2:file:" + dir.resolve("conductor"), "sa", "", 8);
    new SchemaMigrator(database).migrate();

    DriverRegistry registry = new DriverRegistry();
    registry.addDriver(driver, Map.of(BareMetalDriver.NAME_PROPERTY, driver.name()));
    service =
        Conductor.create(
            new Store(database, Clock.systemUTC()),
            "maintenance-test",
            registry,
            Workers.unbounded(Runnable::run));
    sync = new PowerSync(service.tasks(), registry, 4, Duration.ofSeconds(20));
  }

  @AfterEach
  void stop() {
    if (sync != null) {
      sync.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (database != null) {
      database.close();
    }
    if (amts != null) {
      amts.close();
    }
  }

  private Node enroll(VirtualAmtNode amt, String password) throws Exception {
    Node created =
        service
            .nodes()
            .createNode(
                Node.builder(UUID.randomUUID().toString(), "pxe_amt")
                    .name(amt.name())
                    .driverInfo(
                        Map.of(
                            "amt_address",
                            amt.spec().address(),
                            "amt_port",
                            amt.port(),
                            "amt_username",
                            "admin",
                            "amt_password",
                            password))
                    .build());
    return service
        .tasks()
        .recover(
            created.uuid(), n -> n.toBuilder().provisionState(ProvisionState.MANAGEABLE).build())
        .orElseThrow();
  }

  private Node reload(Node n) {
    return service.tasks().find(n.uuid()).orElseThrow();
  }

  @Test
  void anAmtThatStopsAnsweringPutsItsNodeIntoMaintenanceUntilItAnswersAgain() throws Exception {
    VirtualAmtNode amt = amts.nodes().get(0);
    Node node = enroll(amt, PASSWORD);
    assertThat(sync.runOnce().checked()).isEqualTo(1);
    assertThat(reload(node).powerState()).isEqualTo(PowerState.POWER_OFF);

    // The management engine hangs: every connection is closed without a reply.
    amt.setSwitches(amt.switches().toBuilder().dropRate(1.0).build());
    sync.runOnce();
    sync.runOnce();
    assertThat(reload(node).maintenance()).isFalse();
    PowerSync.Result third = sync.runOnce();

    assertThat(third.intoMaintenance()).isEqualTo(1);
    Node faulted = reload(node);
    assertThat(faulted.maintenance()).isTrue();
    assertThat(faulted.maintenanceReason())
        .contains("3 times in a row")
        .contains("baremetal node maintenance unset " + node.uuid());

    // Someone powers the desktop on by hand while its AMT is repaired; the AMT answers again.
    amt.setSwitches(amt.switches().toBuilder().dropRate(0.0).build());
    amt.machine().powerOn();
    awaitHostOn(amt);
    PowerSync.Result back = sync.runOnce();

    assertThat(back.recovered()).isEqualTo(1);
    Node recovered = reload(node);
    assertThat(recovered.maintenance()).isFalse();
    assertThat(recovered.maintenanceReason()).isNull();
    assertThat(recovered.powerState()).isEqualTo(PowerState.POWER_ON);
  }

  @Test
  void aWrongPasswordIsNamedWithoutThePasswordAndFixingItBringsTheNodeBack() throws Exception {
    VirtualAmtNode amt = amts.nodes().get(1);
    String wrong = "Wr0ng-Secret!";
    Node node = enroll(amt, wrong);

    for (int i = 0; i < 3; i++) {
      assertThat(sync.runOnce().failed()).isEqualTo(1);
    }

    Node faulted = reload(node);
    assertThat(faulted.maintenance()).isTrue();
    assertThat(faulted.maintenanceReason())
        .containsIgnoringCase("auth")
        .doesNotContain(wrong)
        .doesNotContain(PASSWORD);
    // The operator fixes the password (baremetal node set --driver-info amt_password=...): the
    // maintenance stays the conductor's, and the next pass takes the node out of it.
    service
        .nodes()
        .updateNode(
            node.uuid(),
            n -> {
              Map<String, Object> info = new HashMap<>(n.driverInfo());
              info.put("amt_password", PASSWORD);
              return n.toBuilder().driverInfo(info).build();
            });
    PowerSync.Result back = sync.runOnce();

    assertThat(back.recovered()).isEqualTo(1);
    assertThat(reload(node).maintenance()).isFalse();
    assertThat(reload(node).powerState()).isEqualTo(PowerState.POWER_OFF);
  }

  private static void awaitHostOn(VirtualAmtNode amt) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (amt.powerState() != HostPowerState.ON && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(amt.powerState()).isEqualTo(HostPowerState.ON);
  }
}
