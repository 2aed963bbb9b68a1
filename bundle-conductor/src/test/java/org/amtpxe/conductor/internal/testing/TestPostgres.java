package org.amtpxe.conductor.internal.testing;

import java.sql.Statement;
import java.util.List;
import org.amtpxe.conductor.internal.store.Database;

/**
 * The PostgreSQL the store tests run against, when {@code AMTPXE_PG_URL} (environment) or {@code
 * amtpxe.pg.url} (system property) names one, e.g. {@code jdbc:postgresql://127.0.0.1:55432/amtpxe}
 * started by {@code src/test/pg/start-postgres.sh}. User and password come from {@code
 * AMTPXE_PG_USER} / {@code AMTPXE_PG_PASSWORD} (default: the URL's own parameters). Tests that need
 * it are skipped without it ({@code @EnabledIf("...TestPostgres#configured")}).
 */
public final class TestPostgres {
  /** This project's tables, dependents first. */
  private static final List<String> TABLES =
      List.of(
          "conductors", "enrolled_addresses", "node_history", "ports", "nodes", "schema_version");

  private TestPostgres() {}

  public static String setting(String env, String property) {
    String v = System.getProperty(property);
    return v != null && !v.isBlank() ? v : System.getenv(env);
  }

  public static boolean configured() {
    String url = url();
    return url != null && !url.isBlank();
  }

  public static String url() {
    return setting("AMTPXE_PG_URL", "amtpxe.pg.url");
  }

  public static String user() {
    return setting("AMTPXE_PG_USER", "amtpxe.pg.user");
  }

  public static String password() {
    return setting("AMTPXE_PG_PASSWORD", "amtpxe.pg.password");
  }

  /** The database with this project's tables dropped, for a test that starts from nothing. */
  public static Database openEmpty(int poolSize) {
    Database db = Database.open(url(), user(), password(), poolSize);
    db.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            for (String t : TABLES) {
              s.execute("DROP TABLE IF EXISTS " + t);
            }
          }
          return null;
        });
    return db;
  }
}
