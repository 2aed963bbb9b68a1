package org.amtpxe.conductor.internal.store;

import static org.amtpxe.conductor.internal.testing.TestPostgres.setting;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Conductors that share a PostgreSQL database and start at the same moment (./run cluster, a site
 * after a power cut) migrate its schema once, and every one of them starts. Runs in a database of
 * its own ({@code amtpxe_migrate_test}, created and dropped on the server of AMTPXE_PG_URL).
 */
@EnabledIf(
    value = "org.amtpxe.conductor.internal.testing.TestPostgres#configured",
    disabledReason =
        "set AMTPXE_PG_URL (see src/test/pg/start-postgres.sh) to run against PostgreSQL")
class PostgresSchemaMigratorTest {
  private static final String DATABASE = "amtpxe_migrate_test";

  private String admin;
  private String url;
  private String user;
  private String password;

  @BeforeEach
  void createDatabase() throws Exception {
    admin = setting("AMTPXE_PG_URL", "amtpxe.pg.url");
    user = setting("AMTPXE_PG_USER", "amtpxe.pg.user");
    password = setting("AMTPXE_PG_PASSWORD", "amtpxe.pg.password");
    url = admin.substring(0, admin.lastIndexOf('/') + 1) + DATABASE;
    sql("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    sql("CREATE DATABASE " + DATABASE);
  }

  @AfterEach
  void dropDatabase() throws Exception {
    sql("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
  }

  @Test
  void conductorsStartingTogetherMigrateOnceAndAllStart() throws Exception {
    int conductors = 4;
    CountDownLatch ready = new CountDownLatch(conductors);
    ExecutorService pool = Executors.newFixedThreadPool(conductors);
    List<Database> databases = new ArrayList<>();
    List<Future<Integer>> versions = new ArrayList<>();
    try {
      for (int i = 0; i < conductors; i++) {
        Database db = Database.open(url, user, password, 2);
        databases.add(db);
        versions.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  ready.await();
                  return new SchemaMigrator(db).migrate();
                }));
      }
      List<Integer> results = new ArrayList<>();
      for (Future<Integer> v : versions) {
        results.add(v.get()); // before the advisory lock: "Duplicate value for nodes_pkey"
      }
      assertThat(results).hasSize(conductors).containsOnly(results.get(0));
      int newest = results.get(0);
      assertThat(newest).isPositive();
      try (Connection c = DriverManager.getConnection(url, user, password);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
        rs.next();
        assertThat(rs.getInt(1)).as("one row per script").isEqualTo(newest);
        assertThat(rs.getInt(2)).isEqualTo(newest);
      }
    } finally {
      pool.shutdownNow();
      databases.forEach(Database::close);
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(admin, user, password);
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
