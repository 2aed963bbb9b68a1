package org.amtpxe.conductor.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every database behind {@link org.amtpxe.conductor.internal.testing.StoreProbe} must
 * show; run against H2 and PostgreSQL.
 */
abstract class NodeStoreContract {

  protected Database database;
  protected org.amtpxe.conductor.internal.testing.StoreProbe store;

  /** A fresh, empty database. */
  protected abstract Database openEmptyDatabase();

  @BeforeEach
  void setUp() {
    database = openEmptyDatabase();
    assertThat(new SchemaMigrator(database).migrate()).isEqualTo(SchemaMigrator.SCRIPTS.size());
    store = new org.amtpxe.conductor.internal.testing.StoreProbe(database, Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    database.close();
  }

  static Node node(String name) {
    return Node.builder(UUID.randomUUID().toString(), "fake")
        .name(name)
        .driverInfo(Map.of("amt_address", "10.0.0.1", "amt_port", 16992, "nested", Map.of("a", 1)))
        .properties(Map.of("cpus", 4, "memory_mb", 8192, "local_gb", 1.5, "gpu", true))
        .extra(Map.of("list", List.of("x", 2)))
        .build();
  }

  @Test
  void insertedNodeReadsBackWithJsonTypesKept() {
    Node stored = store.insertNode(node("n1"));

    Node read = store.findNode(stored.uuid()).orElseThrow();

    assertThat(read).isEqualTo(stored);
    assertThat(read.properties()).containsEntry("cpus", 4).containsEntry("gpu", true);
    assertThat(read.properties().get("local_gb")).isEqualTo(1.5);
    assertThat(read.driverInfo().get("nested")).isEqualTo(Map.of("a", 1));
    assertThat(read.provisionState()).isEqualTo(ProvisionState.ENROLL);
    assertThat(read.createdAt()).isNotNull();
    assertThat(store.findNodeByName("n1")).contains(read);
  }

  @Test
  void theFieldsOfLaterApiVersionsAreStoredAndRead() {
    Node stored =
        store.insertNode(
            node("later").toBuilder()
                .description("desk by the window")
                .owner("team-a")
                .lessee("team-b")
                .resourceClass("desktop")
                .conductorGroup("floor-2")
                .retired(true)
                .retiredReason("old")
                .protectedNode(true)
                .protectedReason("demo")
                .automatedClean(false)
                .build());
    Node read = store.findNode(stored.uuid()).orElseThrow();
    assertThat(read).isEqualTo(stored);
    assertThat(read.conductorGroup()).isEqualTo("floor-2");
    assertThat(read.automatedClean()).isFalse();

    Node changed =
        store
            .updateNode(read.toBuilder().owner("team-c").automatedClean(null).build())
            .orElseThrow();
    assertThat(store.findNode(stored.uuid()).orElseThrow()).isEqualTo(changed);
    assertThat(changed.owner()).isEqualTo("team-c");
    assertThat(changed.automatedClean()).isNull();
    assertThat(store.insertNode(node("plain")).conductorGroup()).isEmpty();
  }

  @Test
  void pagesComeFromTheDatabaseInOrderAfterTheMarker() {
    for (int i = 0; i < 7; i++) {
      store.insertNode(node("page-" + i));
    }
    for (String key : List.of("created_at", "name", "uuid", "updated_at", "power_state")) {
      for (boolean descending : List.of(false, true)) {
        NodeQuery all = new NodeQuery(null, null, null, null, null, key, descending);
        List<Node> everything = store.listNodes(all);
        List<Node> walked = new java.util.ArrayList<>();
        String marker = null;
        do {
          List<Node> page = store.listNodes(all.page(marker, 3));
          walked.addAll(page);
          marker = page.size() == 3 ? page.get(2).uuid() : null;
        } while (marker != null);
        assertThat(walked).as(key + (descending ? " desc" : "")).isEqualTo(everything);
        assertThat(everything).hasSize(7);
      }
    }
    assertThatThrownBy(() -> store.listNodes(NodeQuery.all().page(UUID.randomUUID().toString(), 2)))
        .isInstanceOf(MarkerNotFoundException.class);
  }

  @Test
  void duplicateNameIsReportedWithItsConstraint() {
    store.insertNode(node("same"));

    assertThatThrownBy(() -> store.insertNode(node("same")))
        .isInstanceOf(DuplicateKeyException.class)
        .extracting(e -> ((DuplicateKeyException) e).constraint())
        .isEqualTo("uniq_nodes_name");
    assertThat(store.countNodes()).isEqualTo(1);
  }

  @Test
  void nodesWithoutNamesDoNotCollide() {
    store.insertNode(node(null));
    store.insertNode(node(null));

    assertThat(store.countNodes()).isEqualTo(2);
  }

  @Test
  void updateWritesFieldsButNotTheReservation() {
    Node n = store.insertNode(node("u1"));
    assertThat(store.reserve(n.uuid(), "host-a")).isTrue();

    Node updated =
        store
            .updateNode(
                n.toBuilder()
                    .provisionState(ProvisionState.MANAGEABLE)
                    .powerState(PowerState.POWER_ON)
                    .lastError("boom")
                    .reservation("ignored")
                    .build())
            .orElseThrow();

    Node read = store.findNode(n.uuid()).orElseThrow();
    assertThat(read).isEqualTo(updated);
    assertThat(read.reservation()).isEqualTo("host-a");
    assertThat(read.provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(read.provisionUpdatedAt()).isNotNull();
    assertThat(read.updatedAt()).isNotNull();
  }

  @Test
  void reserveIsExclusiveUntilReleased() {
    Node n = store.insertNode(node("r1"));

    assertThat(store.reserve(n.uuid(), "a")).isTrue();
    assertThat(store.reserve(n.uuid(), "b")).isFalse();
    assertThat(store.reserve(n.uuid(), "a")).isFalse();
    assertThat(store.release(n.uuid(), "b")).isFalse();
    assertThat(store.findNode(n.uuid()).orElseThrow().reservation()).isEqualTo("a");
    assertThat(store.release(n.uuid(), "a")).isTrue();
    assertThat(store.reserve(n.uuid(), "b")).isTrue();
    assertThat(store.releaseAll("b")).isEqualTo(1);
    assertThat(store.findNode(n.uuid()).orElseThrow().reservation()).isNull();
  }

  @Test
  void modifyNodeAppliesTheChangeAtomically() {
    Node n = store.insertNode(node("m1"));

    Node changed =
        store
            .modifyNode(
                n.uuid(),
                cur -> cur.toBuilder().driverInternalInfo(Map.of("amt_boot_device", "pxe")).build())
            .orElseThrow();

    assertThat(changed.driverInternalInfo()).containsEntry("amt_boot_device", "pxe");
    assertThat(store.findNode(n.uuid()).orElseThrow().driverInternalInfo())
        .containsEntry("amt_boot_device", "pxe");
    assertThat(store.modifyNode(UUID.randomUUID().toString(), cur -> cur)).isEmpty();
  }

  @Test
  void modifyNodeCanReleaseTheLockInTheSameTransaction() {
    Node n = store.insertNode(node("m2"));
    store.reserve(n.uuid(), "h1");

    Node done =
        store
            .modifyNode(
                n.uuid(), cur -> cur.toBuilder().powerState(PowerState.POWER_ON).build(), "h1")
            .orElseThrow();

    assertThat(done.reservation()).isNull();
    Node read = store.findNode(n.uuid()).orElseThrow();
    assertThat(read.reservation()).isNull();
    assertThat(read.powerState()).isEqualTo(PowerState.POWER_ON);
  }

  @Test
  void powerSyncUpdateSkipsReservedAndChangingNodes() {
    Node n = store.insertNode(node("p1").toBuilder().powerState(PowerState.POWER_OFF).build());

    assertThat(store.updatePowerStateIfIdle(n.uuid(), PowerState.POWER_OFF, PowerState.POWER_ON))
        .isTrue();
    assertThat(store.updatePowerStateIfIdle(n.uuid(), PowerState.POWER_OFF, PowerState.POWER_ON))
        .as("stale expectation")
        .isFalse();
    store.reserve(n.uuid(), "h");
    assertThat(store.updatePowerStateIfIdle(n.uuid(), PowerState.POWER_ON, PowerState.POWER_OFF))
        .isFalse();
    store.release(n.uuid(), "h");
    store.updateNode(
        store.findNode(n.uuid()).orElseThrow().toBuilder()
            .targetPowerState(PowerState.POWER_OFF)
            .build());
    assertThat(store.updatePowerStateIfIdle(n.uuid(), PowerState.POWER_ON, PowerState.POWER_OFF))
        .isFalse();
    Node unknown = store.insertNode(node("p2"));
    assertThat(store.updatePowerStateIfIdle(unknown.uuid(), null, PowerState.POWER_ON)).isTrue();
  }

  @Test
  void faultMaintenanceIsEnteredAndClearedOnlyWhenNobodyElseDecided() {
    Node n = store.insertNode(node("f1").toBuilder().powerState(PowerState.POWER_ON).build());

    assertThat(
            store.enterFaultMaintenance(
                n.uuid(),
                org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE,
                "AMT unreachable"))
        .isTrue();
    assertThat(
            store.enterFaultMaintenance(
                n.uuid(), org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE, "again"))
        .as("already in maintenance")
        .isFalse();
    Node faulted = store.findNode(n.uuid()).orElseThrow();
    assertThat(faulted.maintenance()).isTrue();
    assertThat(faulted.maintenanceReason()).isEqualTo("AMT unreachable");
    assertThat(faulted.lastError()).isEqualTo("AMT unreachable");
    assertThat(store.nodesWithFault(org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE))
        .containsExactly(n.uuid());

    store.reserve(n.uuid(), "h");
    assertThat(
            store.clearFault(
                n.uuid(),
                org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE,
                PowerState.POWER_OFF))
        .as("locked")
        .isFalse();
    store.release(n.uuid(), "h");
    assertThat(
            store.clearFault(
                n.uuid(),
                org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE,
                PowerState.POWER_OFF))
        .isTrue();
    Node cleared = store.findNode(n.uuid()).orElseThrow();
    assertThat(cleared.maintenance()).isFalse();
    assertThat(cleared.maintenanceReason()).isNull();
    assertThat(cleared.powerState()).isEqualTo(PowerState.POWER_OFF);
    assertThat(store.nodesWithFault(org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE))
        .isEmpty();

    // An operator's write of the maintenance flag or reason clears the fault; other writes keep it.
    store.enterFaultMaintenance(
        n.uuid(), org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE, "AMT unreachable");
    store.updateNode(
        store.findNode(n.uuid()).orElseThrow().toBuilder().extra(Map.of("rack", "4")).build());
    assertThat(store.nodesWithFault(org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE))
        .containsExactly(n.uuid());
    store.updateNode(
        store.findNode(n.uuid()).orElseThrow().toBuilder().maintenanceReason("mine now").build());
    assertThat(store.nodesWithFault(org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE))
        .isEmpty();
    assertThat(
            store.clearFault(
                n.uuid(),
                org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE,
                PowerState.POWER_ON))
        .isFalse();
    assertThat(store.findNode(n.uuid()).orElseThrow().maintenance()).isTrue();
  }

  @Test
  void listFiltersAndSorts() {
    Node a = store.insertNode(node("b-node"));
    Node b = store.insertNode(node("a-node"));
    store.updateNode(a.toBuilder().provisionState(ProvisionState.AVAILABLE).build());

    assertThat(store.listNodes(NodeQuery.all()))
        .extracting(Node::uuid)
        .containsExactly(a.uuid(), b.uuid());
    assertThat(store.listNodes(new NodeQuery(null, null, null, null, null, "name", false)))
        .extracting(Node::name)
        .containsExactly("a-node", "b-node");
    assertThat(
            store.listNodes(
                new NodeQuery(ProvisionState.AVAILABLE, "fake", false, false, null, "uuid", true)))
        .extracting(Node::uuid)
        .containsExactly(a.uuid());
  }

  @Test
  void portsBelongToNodesAndGoWithThem() {
    Node n = store.insertNode(node("pn"));
    Port p =
        store.insertPort(
            Port.builder(
                    UUID.randomUUID().toString(),
                    org.amtpxe.api.model.MacAddress.parse("52:54:00:12:34:56"),
                    n.uuid())
                .extra(Map.of("k", "v"))
                .build());

    assertThat(store.findPort(p.uuid())).contains(p);
    assertThat(store.findPortByAddress(org.amtpxe.api.model.MacAddress.parse("52:54:00:12:34:56")))
        .contains(p);
    assertThat(store.portsOf(n.uuid())).containsExactly(p);
    assertThat(store.portsByNode()).containsEntry(n.uuid(), List.of(p));

    assertThat(store.deleteNode(n.uuid())).isTrue();
    assertThat(store.findPort(p.uuid())).isEmpty();
    assertThat(store.deleteNode(n.uuid())).isFalse();
  }

  @Test
  void duplicateMacIsReportedWithItsConstraint() {
    Node n = store.insertNode(node("dm"));
    store.insertPort(
        Port.builder(
                UUID.randomUUID().toString(),
                org.amtpxe.api.model.MacAddress.parse("52:54:00:00:00:01"),
                n.uuid())
            .build());

    assertThatThrownBy(
            () ->
                store.insertPort(
                    Port.builder(
                            UUID.randomUUID().toString(),
                            org.amtpxe.api.model.MacAddress.parse("52:54:00:00:00:01"),
                            n.uuid())
                        .build()))
        .isInstanceOf(DuplicateKeyException.class)
        .extracting(e -> ((DuplicateKeyException) e).constraint())
        .isEqualTo("uniq_ports_address");
  }

  @Test
  void portUpdateAndDelete() {
    Node n = store.insertNode(node("pu"));
    Port p =
        store.insertPort(
            Port.builder(
                    UUID.randomUUID().toString(),
                    org.amtpxe.api.model.MacAddress.parse("52:54:00:00:00:02"),
                    n.uuid())
                .build());

    Port updated =
        store
            .updatePort(
                Port.builder(
                        p.uuid(),
                        org.amtpxe.api.model.MacAddress.parse("52:54:00:00:00:03"),
                        n.uuid())
                    .pxeEnabled(false)
                    .extra(Map.of("a", 1))
                    .build())
            .orElseThrow();

    assertThat(updated.address()).hasToString("52:54:00:00:00:03");
    assertThat(updated.pxeEnabled()).isFalse();
    assertThat(updated.createdAt()).isEqualTo(p.createdAt());
    assertThat(updated.updatedAt()).isNotNull();
    assertThat(store.deletePort(p.uuid())).isTrue();
    assertThat(store.deletePort(p.uuid())).isFalse();
  }

  @Test
  void migrationIsIdempotent() {
    assertThat(new SchemaMigrator(database).migrate()).isEqualTo(SchemaMigrator.SCRIPTS.size());
  }

  @Test
  void aTransactionThatFailsMidwayChangesNothing() {
    Node n = store.insertNode(node("tx"));

    assertThatThrownBy(
            () ->
                database.inTransaction(
                    c -> {
                      try (var p =
                          c.prepareStatement(
                              "UPDATE nodes SET provision_state = 'active', driver_info = '{}'"
                                  + " WHERE uuid = ?")) {
                        p.setString(1, n.uuid());
                        assertThat(p.executeUpdate()).isEqualTo(1);
                      }
                      throw new IllegalStateException("crash mid-operation");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(store.findNode(n.uuid())).contains(n);
  }
}
