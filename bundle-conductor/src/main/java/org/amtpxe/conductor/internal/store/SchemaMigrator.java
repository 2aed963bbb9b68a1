package org.amtpxe.conductor.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date from the numbered SQL scripts in this package, recording each one in
 * {@code schema_version}.
 *
 * <p>A small runner instead of Flyway or Liquibase: both scan the class path for scripts and load
 * database plugins through {@code ServiceLoader}, which needs extra wiring inside OSGi, for the
 * handful of scripts this bundle has. Each script runs in one transaction together with its {@code
 * schema_version} row. PostgreSQL rolls back a failed script completely; H2 commits DDL statements
 * as it runs them, so there a failed script can leave part of its tables behind (the scripts are
 * written so that such a failure is a bug found by the tests, not a runtime condition).
 */
public final class SchemaMigrator {

  /** One script: its version, its description and its resource name. */
  record Script(int version, String description, String resource) {}

  /** The scripts, in order. A new script is appended here and never edited once released. */
  static final List<Script> SCRIPTS =
      List.of(
          new Script(1, "nodes and ports", "migration/V1__nodes_and_ports.sql"),
          new Script(2, "node fault", "migration/V2__node_fault.sql"),
          new Script(3, "agent token", "migration/V3__agent_token.sql"),
          new Script(
              4,
              "Ironic fields, node history, indexes",
              "migration/V4__ironic_fields_history_indexes.sql"),
          new Script(5, "conductors", "migration/V5__conductors.sql"),
          new Script(6, "enrolled addresses", "migration/V6__enrolled_addresses.sql"));

  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

  /** The advisory lock key of schema migrations: "amtpxe" in ASCII. */
  private static final long MIGRATION_LOCK = 0x616d74707865L;

  private final Database database;
  private final List<Script> scripts;

  public SchemaMigrator(Database database) {
    this(database, SCRIPTS);
  }

  SchemaMigrator(Database database, List<Script> scripts) {
    this.database = database;
    this.scripts = List.copyOf(scripts);
  }

  /**
   * Applies every script newer than the recorded version.
   *
   * @return the schema version after migration
   * @throws StoreException when a script fails or the database is newer than this bundle
   */
  public int migrate() {
    database.inTransaction(
        c -> {
          serialize(c);
          try (Statement s = c.createStatement()) {
            s.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                    + " description VARCHAR(200) NOT NULL,"
                    + " applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            // The SHA-256 of each applied script (added after version 3 was released: rows of
            // older databases get the checksum of the script as this bundle has it).
            s.execute("ALTER TABLE schema_version ADD COLUMN IF NOT EXISTS checksum VARCHAR(64)");
          }
          return null;
        });
    int current = database.inTransaction(SchemaMigrator::currentVersion);
    verifyApplied(current);
    int newest = scripts.isEmpty() ? 0 : scripts.get(scripts.size() - 1).version();
    if (current > newest) {
      throw new StoreException(
          "The database schema is version "
              + current
              + " but this conductor only knows up to "
              + newest
              + "; install the newer conductor bundle or point db_url at another database");
    }
    for (Script script : scripts) {
      if (script.version() <= current) {
        continue;
      }
      List<String> statements = statements(read(script.resource()));
      database.inTransaction(
          c -> {
            // NOTE: conductors sharing a database start at the same moment (./run cluster, a
            // site's reboot): each waits here for the one migrating, then finds the script applied.
            serialize(c);
            if (currentVersion(c) >= script.version()) {
              return null;
            }
            try (Statement s = c.createStatement()) {
              for (String sql : statements) {
                s.execute(sql);
              }
            }
            try (PreparedStatement p =
                c.prepareStatement(
                    "INSERT INTO schema_version (version, description, applied_at, checksum)"
                        + " VALUES (?,?,?,?)")) {
              p.setInt(1, script.version());
              p.setString(2, script.description());
              p.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
              p.setString(4, checksum(script));
              p.executeUpdate();
            }
            return null;
          });
      LOG.info("Applied schema migration {} ({})", script.version(), script.description());
      current = script.version();
    }
    return current;
  }

  /**
   * On PostgreSQL, waits for any other conductor's migration transaction and holds the others off
   * until this one ends (a transaction-scoped advisory lock). Without it two conductors starting
   * together both run CREATE TABLE, and the loser fails with a duplicate key of the catalog
   * ("Duplicate value for nodes_pkey"), which CREATE TABLE IF NOT EXISTS does not prevent either.
   * H2 files are opened by one conductor only.
   */
  private static void serialize(Connection c) throws SQLException {
    if ("PostgreSQL".equals(c.getMetaData().getDatabaseProductName())) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
      }
    }
  }

  /**
   * Refuses a database whose applied scripts differ from this bundle's: a script changed after it
   * was released would leave databases migrated before and after the change different.
   *
   * @throws StoreException naming the script
   */
  private void verifyApplied(int current) {
    for (Script script : scripts) {
      if (script.version() > current) {
        continue;
      }
      String expected = checksum(script);
      String recorded =
          database.inTransaction(
              c -> {
                try (PreparedStatement p =
                    c.prepareStatement("SELECT checksum FROM schema_version WHERE version = ?")) {
                  p.setInt(1, script.version());
                  try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                  }
                }
              });
      if (recorded == null) {
        database.inTransaction(
            c -> {
              try (PreparedStatement p =
                  c.prepareStatement(
                      "UPDATE schema_version SET checksum = ? WHERE version = ? AND checksum IS"
                          + " NULL")) {
                p.setString(1, expected);
                p.setInt(2, script.version());
                p.executeUpdate();
              }
              return null;
            });
      } else if (!recorded.equals(expected)) {
        throw new StoreException(
            "Schema migration "
                + script.version()
                + " ("
                + script.resource()
                + ") differs from the one applied to this database (sha256 "
                + recorded
                + ", now "
                + expected
                + "): a released migration must never change. Install the conductor bundle that"
                + " applied it, or restore the script.");
      }
    }
  }

  /** The SHA-256 of a script's text, in hex. */
  static String checksum(Script script) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(read(script.resource()).getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
  }

  static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String read(String resource) {
    try (InputStream in = SchemaMigrator.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new StoreException("Migration script " + resource + " is missing from the bundle");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("Cannot read migration script " + resource, e);
    }
  }

  /** Splits a script into statements: comments dropped, split on a semicolon that ends a line. */
  static List<String> statements(String script) {
    List<String> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        result.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      result.add(current.toString().strip());
    }
    return result;
  }
}
