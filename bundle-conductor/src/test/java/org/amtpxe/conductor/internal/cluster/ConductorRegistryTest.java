package org.amtpxe.conductor.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.store.ConductorDao;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.SchemaMigrator;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.sync.PowerSync;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Conductors registering in one database: heartbeats judged on the database's clock, the ring every
 * conductor builds from the live ones, and the periodic work each one does on its own nodes only.
 * On H2; {@link OnPostgres} runs the same on PostgreSQL when configured.
 */
class ConductorRegistryTest {
  /** A heartbeat timeout short enough to see a conductor die within the test. */
  static final ConductorRegistry.Settings FAST =
      new ConductorRegistry.Settings(Duration.ofMillis(200), Duration.ofSeconds(1), "", 64);

  // NOTE: for tests where conductors leave by a clean stop only: with FAST, a loaded machine
  // that takes over a second between two refreshes sees even this test's own conductor as dead.
  static final ConductorRegistry.Settings STEADY =
      new ConductorRegistry.Settings(Duration.ofMillis(200), Duration.ofSeconds(60), "", 64);

  protected Database database;
  private Store store;

  protected Database open() {
    return Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 4);
  }

  @BeforeEach
  void migrate() {
    database = open();
    new SchemaMigrator(database).migrate();
    store = new Store(database, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    database.close();
  }

  private ConductorRegistry conductor(String host, List<String> drivers) {
    return new ConductorRegistry(store, host, "http://" + host + ":6385", () -> drivers, FAST);
  }

  private static Node node(int i) {
    return Node.builder(UUID.nameUUIDFromBytes(("n" + i).getBytes()).toString(), "pxe_amt").build();
  }

  @Test
  void aConductorAloneOwnsEveryNodeOfItsDrivers() {
    ConductorRegistry a = conductor("a", List.of("pxe_amt"));
    a.register();

    assertThat(a.members()).hasSize(1);
    assertThat(a.members().get(0).alive()).isTrue();
    assertThat(a.members().get(0).row().drivers()).containsExactly("pxe_amt");
    assertThat(a.members().get(0).row().apiUrl()).isEqualTo("http://a:6385");
    for (int i = 0; i < 50; i++) {
      assertThat(a.mine(node(i))).isTrue();
    }
    Node other = node(1).toBuilder().driver("fake").build();
    assertThat(a.owner(other)).isEmpty();
    assertThat(a.mine(other)).isFalse();
  }

  @Test
  void twoConductorsSplitTheNodesAndAgreeOnWhoOwnsEach() {
    ConductorRegistry a = conductor("a", List.of("pxe_amt"));
    ConductorRegistry b = conductor("b", List.of("pxe_amt"));
    a.register();
    b.register();
    a.refresh();

    int mineA = 0;
    for (int i = 0; i < 400; i++) {
      Node n = node(i);
      assertThat(a.owner(n)).isEqualTo(b.owner(n));
      assertThat(a.mine(n)).isNotEqualTo(b.mine(n));
      mineA += a.mine(n) ? 1 : 0;
    }
    assertThat(mineA).isBetween(140, 260);
  }

  @Test
  void aCleanStopHandsTheNodesOverAtOnce() {
    ConductorRegistry a = conductor("a", List.of("pxe_amt"));
    ConductorRegistry b = conductor("b", List.of("pxe_amt"));
    a.register();
    b.register();
    b.close();
    a.refresh();

    assertThat(a.members())
        .extracting(m -> m.row().hostname() + "=" + m.alive())
        .containsExactly("a=true", "b=false");
    for (int i = 0; i < 100; i++) {
      assertThat(a.mine(node(i))).isTrue();
    }
  }

  @Test
  void aConductorWithoutHeartbeatsIsDeadAfterTheTimeoutAndComesBackWithItsNextBeat()
      throws Exception {
    ConductorRegistry a = conductor("a", List.of("pxe_amt"));
    ConductorRegistry b = conductor("b", List.of("pxe_amt"));
    a.register();
    b.register();
    a.refresh();
    assertThat(a.ring().hosts()).containsExactly("a", "b");

    // b stops beating (killed); a keeps beating.
    long deadline = System.nanoTime() + FAST.timeout().toNanos() + 300_000_000L;
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
      a.heartbeat();
    }
    assertThat(a.ring().hosts()).containsExactly("a");
    assertThat(a.members())
        .extracting(ConductorRegistry.Member::alive)
        .containsExactly(true, false);

    b.heartbeat();
    a.refresh();
    assertThat(a.ring().hosts()).containsExactly("a", "b");
  }

  @Test
  void aHeartbeatWithoutItsRowRegistersAgain() {
    ConductorRegistry a = conductor("a", List.of("pxe_amt"));
    a.register();
    store.transaction(
        h -> {
          ConductorDao.unregister(h, "a");
          return null;
        });
    a.heartbeat();
    assertThat(a.members()).extracting(ConductorRegistry.Member::alive).containsExactly(true);
  }

  @Test
  void thePowerSyncReadsOnlyTheNodesThisConductorOwns() throws Exception {
    try (TestConductor c = new TestConductor(Runnable::run);
        PowerSync sync = new PowerSync(c.tasks, c.registry, 4, Duration.ofSeconds(5))) {
      int owned = 0;
      for (int i = 0; i < 20; i++) {
        Node n = c.enroll("n" + i);
        c.store.updateNode(
            n.toBuilder()
                .provisionState(ProvisionState.MANAGEABLE)
                .powerState(PowerState.POWER_ON)
                .build());
        c.driver.setMachinePower(n.uuid(), PowerState.POWER_OFF);
      }
      Store shared = new Store(c.database, Clock.systemUTC());
      ConductorRegistry me =
          new ConductorRegistry(
              shared, TestConductor.HOST, "http://x", () -> List.of("fake"), FAST);
      ConductorRegistry other =
          new ConductorRegistry(shared, "other", "http://y", () -> List.of("fake"), FAST);
      me.register();
      other.register();
      me.refresh();
      c.tasks.ownership(me);
      for (Node n : c.store.listNodes(org.amtpxe.conductor.internal.store.NodeQuery.all())) {
        owned += me.mine(n) ? 1 : 0;
      }
      assertThat(owned).isBetween(1, 19);

      PowerSync.Result r = sync.runOnce();

      assertThat(r.checked()).isEqualTo(owned);
      for (Node n : c.store.listNodes(org.amtpxe.conductor.internal.store.NodeQuery.all())) {
        assertThat(n.powerState())
            .as(n.name())
            .isEqualTo(me.mine(n) ? PowerState.POWER_OFF : PowerState.POWER_ON);
      }
    }
  }

  @Test
  void theFirstLiveConductorTakesOverADeadOnesLocksAndRecordsWhatItWasDoing() throws Exception {
    try (TestConductor c = new TestConductor(Runnable::run)) {
      Node deploying = c.enroll("deploying");
      c.store.updateNode(deploying.toBuilder().provisionState(ProvisionState.DEPLOYING).build());
      c.store.reserve(deploying.uuid(), "dead");
      Node powering = c.enroll("powering");
      c.store.updateNode(powering.toBuilder().targetPowerState(PowerState.POWER_ON).build());
      c.store.reserve(powering.uuid(), "dead");
      Node elsewhere = c.enroll("elsewhere");
      c.store.reserve(elsewhere.uuid(), "zz-alive");

      Store shared = new Store(c.database, Clock.systemUTC());
      ConductorRegistry me =
          new ConductorRegistry(
              shared, TestConductor.HOST, "http://x", () -> List.of("fake"), FAST);
      ConductorRegistry dead =
          new ConductorRegistry(shared, "dead", "http://d", () -> List.of("fake"), FAST);
      ConductorRegistry later =
          new ConductorRegistry(shared, "zz-alive", "http://z", () -> List.of("fake"), FAST);
      me.register();
      dead.register();
      later.register();
      Takeover mine = new Takeover(me, c.tasks, c.registry);
      Takeover notMine = new Takeover(later, c.tasks, c.registry);
      assertThat(mine.run()).as("nobody is dead yet").isZero();

      long deadline = System.nanoTime() + FAST.timeout().toNanos() + 300_000_000L;
      while (System.nanoTime() < deadline) {
        Thread.sleep(100);
        me.heartbeat();
        later.heartbeat();
      }
      assertThat(notMine.run()).as("only the first live conductor takes over").isZero();
      assertThat(c.reload(deploying).reservation()).isEqualTo("dead");

      assertThat(mine.run()).isEqualTo(2);

      Node d = c.reload(deploying);
      assertThat(d.reservation()).isNull();
      assertThat(d.provisionState()).isEqualTo(ProvisionState.DEPLOY_FAILED);
      assertThat(d.lastError())
          .isEqualTo(
              "conductor dead went offline while deploying (taken over by conductor "
                  + TestConductor.HOST
                  + ")");
      Node p = c.reload(powering);
      assertThat(p.reservation()).isNull();
      assertThat(p.targetPowerState()).isNull();
      assertThat(p.lastError()).startsWith("conductor dead went offline while changing power");
      assertThat(c.reload(elsewhere).reservation()).isEqualTo("zz-alive");
      assertThat(mine.run()).as("nothing left to do").isZero();
    }
  }

  @Test
  void theNewOwnerTakesOverTheBootFilesOfItsWaitingAndActiveNodesOnce() throws Exception {
    try (TestConductor c = new TestConductor(Runnable::run)) {
      Store shared = new Store(c.database, Clock.systemUTC());
      ConductorRegistry me =
          new ConductorRegistry(
              shared, TestConductor.HOST, "http://x", () -> List.of("fake"), STEADY);
      ConductorRegistry other =
          new ConductorRegistry(shared, "other", "http://o", () -> List.of("fake"), STEADY);
      me.register();
      other.register();
      me.refresh();
      c.tasks.ownership(me);
      // Nodes the other conductor deployed: boot files on its disk.
      List<Node> nodes = new java.util.ArrayList<>();
      ProvisionState[] states = {
        ProvisionState.WAIT_CALLBACK, ProvisionState.ACTIVE, ProvisionState.AVAILABLE
      };
      for (int i = 0; i < 30; i++) {
        Node n = c.enroll("n" + i);
        nodes.add(
            c.store
                .updateNode(
                    n.toBuilder()
                        .provisionState(states[i % 3])
                        .driverInternalInfo(java.util.Map.of(Takeover.AFFINITY, "other"))
                        .build())
                .orElseThrow());
      }
      Takeover takeover = new Takeover(me, c.tasks, c.registry);
      long mineWhileBothLive =
          nodes.stream()
              .filter(n -> n.provisionState() != ProvisionState.AVAILABLE && me.mine(n))
              .count();
      assertThat(takeover.adopt()).isEqualTo((int) mineWhileBothLive);

      other.close();
      me.refresh();
      // Every waiting and active node is this conductor's now, and served from here.
      assertThat(takeover.adopt()).isEqualTo(20 - (int) mineWhileBothLive);
      for (Node n : nodes) {
        Node now = c.reload(n);
        boolean served = n.provisionState() != ProvisionState.AVAILABLE;
        assertThat(now.driverInternalInfo().get(Takeover.AFFINITY))
            .as(n.name())
            .isEqualTo(served ? TestConductor.HOST : "other");
        assertThat(c.driver.calls("deploy.takeOver").contains("deploy.takeOver:" + n.uuid()))
            .as(n.name())
            .isEqualTo(served);
        assertThat(now.provisionState()).isEqualTo(n.provisionState());
        assertThat(now.reservation()).isNull();
      }
      assertThat(takeover.adopt()).as("nothing changed since").isZero();
    }
  }

  @Test
  void aNodeWhoseTakeOverFailsKeepsItsStateSaysWhyAndIsTriedAgain() throws Exception {
    try (TestConductor c = new TestConductor(Runnable::run)) {
      Store shared = new Store(c.database, Clock.systemUTC());
      ConductorRegistry me =
          new ConductorRegistry(
              shared, TestConductor.HOST, "http://x", () -> List.of("fake"), STEADY);
      me.register();
      c.tasks.ownership(me);
      Node n = c.enroll("n");
      c.store.updateNode(n.toBuilder().provisionState(ProvisionState.ACTIVE).build());
      c.driver.failOn(
          "deploy.takeOver",
          new org.amtpxe.api.error.DeployFailureException("the image cache is full"));
      Takeover takeover = new Takeover(me, c.tasks, c.registry);

      assertThat(takeover.adopt()).isZero();
      Node failed = c.reload(n);
      assertThat(failed.provisionState()).isEqualTo(ProvisionState.ACTIVE);
      assertThat(failed.lastError())
          .isEqualTo(
              "Conductor "
                  + TestConductor.HOST
                  + " could not take over the node's boot files: the image cache is full");
      assertThat(failed.driverInternalInfo()).doesNotContainKey(Takeover.AFFINITY);

      c.driver.failOn("deploy.takeOver", null);
      assertThat(takeover.adopt()).as("retried at the next heartbeat").isEqualTo(1);
      assertThat(c.reload(n).driverInternalInfo())
          .containsEntry(Takeover.AFFINITY, TestConductor.HOST);
    }
  }

  @EnabledIf(
      value = "org.amtpxe.conductor.internal.testing.TestPostgres#configured",
      disabledReason =
          "set AMTPXE_PG_URL (see src/test/pg/start-postgres.sh) to run against PostgreSQL")
  static class OnPostgres extends ConductorRegistryTest {
    @Override
    protected Database open() {
      return TestPostgres.openEmpty(4);
    }
  }
}
