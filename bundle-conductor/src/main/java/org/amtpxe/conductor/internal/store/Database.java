package org.amtpxe.conductor.internal.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * A JDBC data source chosen by URL scheme, and the one place that runs work in a transaction.
 *
 * <p>Data sources are created explicitly instead of through {@code DriverManager}, which cannot see
 * driver bundles from inside OSGi.
 */
public final class Database implements AutoCloseable {

  /** Work done on one connection inside one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;
  private final String dialect;
  private final Runnable closer;

  private Database(DataSource dataSource, String dialect, Runnable closer) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.closer = closer;
  }

  /**
   * Opens a database by URL: {@code jdbc:h2:...} through H2's connection pool, {@code
   * jdbc:postgresql:...} through PgJDBC (which must be installed).
   *
   * @param url the JDBC URL
   * @param user the user, may be empty
   * @param password the password, may be empty; never logged
   * @param maxConnections the pool size (H2 only)
   * @throws StoreException when the scheme is not supported or its driver is not installed
   */
  public static Database open(String url, String user, String password, int maxConnections) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      Optional<Path> dir = PrivateFiles.h2Directory(url);
      if (dir.isPresent()) {
        try {
          PrivateFiles.directory(dir.get());
        } catch (IOException e) {
          throw new StoreException(
              "Cannot make the database directory " + dir.get() + " private: " + e.getMessage(), e);
        }
      }
      JdbcConnectionPool pool =
          JdbcConnectionPool.create(
              url, user == null ? "" : user, password == null ? "" : password);
      pool.setMaxConnections(maxConnections);
      if (dir.isPresent()) {
        // The first connection creates the files (with the umask's permissions): tighten them.
        try (Connection c = pool.getConnection()) {
          PrivateFiles.directory(dir.get());
        } catch (SQLException | IOException e) {
          pool.dispose();
          throw new StoreException(
              "Cannot open the database in " + dir.get() + ": " + e.getMessage(), e);
        }
      }
      return new Database(pool, "h2", pool::dispose);
    }
    if (lower.startsWith("jdbc:postgresql:")) {
      DataSource ds;
      try {
        ds = PostgresDataSources.create(url, user, password);
      } catch (NoClassDefFoundError e) {
        throw new StoreException(
            "db_url is a PostgreSQL URL but the PostgreSQL JDBC driver is not installed; install"
                + " the bundle mvn:org.postgresql/postgresql (42.7.x) or use a jdbc:h2: URL",
            e);
      }
      return new Database(ds, "postgresql", () -> {});
    }
    throw new StoreException(
        "Unsupported db_url scheme in '"
            + url.replaceAll("password=[^;&]*", "password=******")
            + "': use jdbc:h2:... or jdbc:postgresql://host:port/database");
  }

  /** {@code h2} or {@code postgresql}. */
  public String dialect() {
    return dialect;
  }

  /**
   * Runs work in one transaction: committed when it returns, rolled back when it throws.
   *
   * @throws DuplicateKeyException when a unique constraint is violated
   * @throws StoreException for any other database failure
   */
  public <T> T inTransaction(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException r) {
      cause.addSuppressed(r);
    }
  }

  static StoreException translate(SQLException e) {
    // NOTE: SQLSTATE 23505 is "unique violation" in both H2 and PostgreSQL.
    if ("23505".equals(e.getSQLState())) {
      return new DuplicateKeyException(constraintName(e.getMessage()), e);
    }
    return new StoreException("Database failure: " + e.getMessage(), e);
  }

  private static String constraintName(String message) {
    String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
    for (String name :
        new String[] {
          "uniq_nodes_name", "uniq_nodes_instance_uuid", "uniq_ports_address", "ports", "nodes"
        }) {
      if (m.contains(name)) {
        return name.equals("ports") ? "ports_pkey" : name.equals("nodes") ? "nodes_pkey" : name;
      }
    }
    return "unknown";
  }

  @Override
  public void close() {
    closer.run();
  }
}
