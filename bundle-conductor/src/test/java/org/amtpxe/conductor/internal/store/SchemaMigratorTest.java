package org.amtpxe.conductor.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SchemaMigratorTest {

  private static Database h2() {
    return Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", "", 2);
  }

  @Test
  void splitsScriptsOnLineEndingSemicolonsAndDropsComments() {
    assertThat(
            SchemaMigrator.statements(
                "-- c\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a (x);\n"))
        .containsExactly("CREATE TABLE a (x INT)", "CREATE INDEX i ON a (x)");
  }

  @Test
  void aVersion1DatabaseIsUpgradedWithItsNodesKept() {
    try (Database db = h2()) {
      SchemaMigrator v1 = new SchemaMigrator(db, SchemaMigrator.SCRIPTS.subList(0, 1));
      assertThat(v1.migrate()).isEqualTo(1);
      // A node as version 1 wrote it: only the columns of V1.
      String uuid = UUID.randomUUID().toString();
      db.inTransaction(
          c -> {
            try (java.sql.PreparedStatement p =
                c.prepareStatement(
                    "INSERT INTO nodes (uuid, name, driver, driver_info, driver_internal_info,"
                        + " instance_info, properties, extra, provision_state, maintenance,"
                        + " created_at) VALUES (?, 'kept', 'pxe_amt', '{}', '{}', '{}', '{}',"
                        + " '{}', 'enroll', FALSE, CURRENT_TIMESTAMP)")) {
              p.setString(1, uuid);
              p.executeUpdate();
            }
            return null;
          });
      org.amtpxe.api.model.Node n = org.amtpxe.api.model.Node.builder(uuid, "pxe_amt").build();

      assertThat(new SchemaMigrator(db).migrate()).isEqualTo(SchemaMigrator.SCRIPTS.size());

      org.amtpxe.conductor.internal.testing.StoreProbe after =
          new org.amtpxe.conductor.internal.testing.StoreProbe(db, java.time.Clock.systemUTC());
      assertThat(after.findNode(n.uuid()).orElseThrow().name()).isEqualTo("kept");
      assertThat(after.nodesWithFault(org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE))
          .isEmpty();
      assertThat(
              after.enterFaultMaintenance(
                  n.uuid(), org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE, "r"))
          .isTrue();
    }
  }

  @Test
  void refusesADatabaseNewerThanTheBundle() {
    try (Database db = h2()) {
      new SchemaMigrator(db).migrate();
      db.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute(
                  "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'future', CURRENT_TIMESTAMP)");
            }
            return null;
          });

      assertThatThrownBy(() -> new SchemaMigrator(db).migrate())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("schema is version 99");
    }
  }

  @Test
  void aFailingScriptIsNotRecorded() {
    try (Database db = h2()) {
      SchemaMigrator broken =
          new SchemaMigrator(
              db,
              java.util.List.of(
                  new SchemaMigrator.Script(
                      1, "nodes and ports", "migration/V1__nodes_and_ports.sql"),
                  new SchemaMigrator.Script(2, "missing", "migration/V2__missing.sql")));

      assertThatThrownBy(broken::migrate).hasMessageContaining("V2__missing.sql");
      assertThat(db.inTransaction(SchemaMigrator::currentVersion)).isEqualTo(1);
    }
  }

  @Test
  void rejectsUnknownUrlSchemesWithoutShowingThePassword() {
    assertThatThrownBy(() -> Database.open("jdbc:mysql://h/db?password=secret", "u", "p", 1))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("jdbc:h2:")
        .hasMessageNotContaining("secret");
  }

  @Test
  void aMigrationChangedAfterItWasAppliedIsRefused() {
    try (Database db = h2()) {
      new SchemaMigrator(db).migrate();
      db.inTransaction(
          c -> {
            try (java.sql.Statement s = c.createStatement()) {
              s.executeUpdate("UPDATE schema_version SET checksum = 'abc' WHERE version = 2");
            }
            return null;
          });

      assertThatThrownBy(() -> new SchemaMigrator(db).migrate())
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("Schema migration 2")
          .hasMessageContaining("a released migration must never change");
    }
  }

  @Test
  void aDatabaseMigratedBeforeChecksumsGetsThemRecorded() {
    try (Database db = h2()) {
      new SchemaMigrator(db, SchemaMigrator.SCRIPTS.subList(0, 3)).migrate();
      db.inTransaction(
          c -> {
            try (java.sql.Statement s = c.createStatement()) {
              s.executeUpdate("UPDATE schema_version SET checksum = NULL");
            }
            return null;
          });

      assertThat(new SchemaMigrator(db).migrate()).isEqualTo(SchemaMigrator.SCRIPTS.size());
      String recorded =
          db.inTransaction(
              c -> {
                try (java.sql.Statement s = c.createStatement();
                    java.sql.ResultSet rs =
                        s.executeQuery("SELECT checksum FROM schema_version WHERE version = 1")) {
                  rs.next();
                  return rs.getString(1);
                }
              });
      assertThat(recorded).isEqualTo(SchemaMigrator.checksum(SchemaMigrator.SCRIPTS.get(0)));
    }
  }
}
