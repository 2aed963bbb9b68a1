package org.amtpxe.conductor.internal.store;

import java.sql.Statement;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link org.amtpxe.conductor.internal.testing.StoreProbe} on a real PostgreSQL, when {@code
 * AMTPXE_PG_URL} (environment) or {@code amtpxe.pg.url} (system property) names one, e.g. {@code
 * jdbc:postgresql://127.0.0.1:55432/amtpxe} started by {@code src/test/pg/start-postgres.sh}. User
 * and password come from {@code AMTPXE_PG_USER} / {@code AMTPXE_PG_PASSWORD} (default: the URL's
 * own parameters). Skipped otherwise. Drops and re-creates this project's tables in that database.
 */
@EnabledIf(
    value = "org.amtpxe.conductor.internal.store.PostgresNodeStoreTest#configured",
    disabledReason =
        "set AMTPXE_PG_URL (see src/test/pg/start-postgres.sh) to run against PostgreSQL")
class PostgresNodeStoreTest extends NodeStoreContract {

  static String setting(String env, String property) {
    String v = System.getProperty(property);
    return v != null && !v.isBlank() ? v : System.getenv(env);
  }

  static boolean configured() {
    String url = setting("AMTPXE_PG_URL", "amtpxe.pg.url");
    return url != null && !url.isBlank();
  }

  @Override
  protected Database openEmptyDatabase() {
    Database db =
        Database.open(
            setting("AMTPXE_PG_URL", "amtpxe.pg.url"),
            setting("AMTPXE_PG_USER", "amtpxe.pg.user"),
            setting("AMTPXE_PG_PASSWORD", "amtpxe.pg.password"),
            4);
    db.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS conductors");
            s.execute("DROP TABLE IF EXISTS node_history");
            s.execute("DROP TABLE IF EXISTS ports");
            s.execute("DROP TABLE IF EXISTS nodes");
            s.execute("DROP TABLE IF EXISTS schema_version");
          }
          return null;
        });
    return db;
  }
}
