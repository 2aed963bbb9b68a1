package org.amtpxe.conductor.internal.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The conductor's database: a HikariCP connection pool over H2 or PostgreSQL, chosen by URL scheme,
 * with Jdbi on top; the one place that runs work in a transaction and turns database failures into
 * {@link StoreException}s.
 *
 * <p>Data sources are created explicitly instead of through {@code DriverManager}, which cannot see
 * driver bundles from inside OSGi; the pool is handed the data source object.
 */
public final class Database implements AutoCloseable {

  /** Work done on one JDBC connection inside one transaction (the schema migrator). */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Work done on one Jdbi handle inside one transaction (the DAOs). */
  @FunctionalInterface
  public interface HandleWork<T> {
    T run(Handle handle);
  }

  private final HikariDataSource pool;
  private final Jdbi jdbi;
  private final String dialect;

  private Database(HikariDataSource pool, String dialect) {
    this.pool = pool;
    this.dialect = dialect;
    this.jdbi = Jdbi.create(pool);
  }

  /**
   * Opens a database by URL: {@code jdbc:h2:...} or {@code jdbc:postgresql:...} (PgJDBC must be
   * installed).
   *
   * @param url the JDBC URL
   * @param user the user, may be empty
   * @param password the password, may be empty; never logged
   * @param poolSize the most connections the pool keeps
   * @throws StoreException when the scheme is not supported, its driver is not installed, or the
   *     database cannot be reached
   */
  public static Database open(String url, String user, String password, int poolSize) {
    String lower = url.toLowerCase(Locale.ROOT);
    DataSource source;
    String dialect;
    Optional<Path> privateDir = Optional.empty();
    if (lower.startsWith("jdbc:h2:")) {
      privateDir = PrivateFiles.h2Directory(url);
      if (privateDir.isPresent()) {
        try {
          PrivateFiles.directory(privateDir.get());
        } catch (IOException e) {
          throw new StoreException(
              "Cannot make the database directory "
                  + privateDir.get()
                  + " private: "
                  + e.getMessage(),
              e);
        }
      }
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL(url);
      h2.setUser(user == null ? "" : user);
      h2.setPassword(password == null ? "" : password);
      source = h2;
      dialect = "h2";
    } else if (lower.startsWith("jdbc:postgresql:")) {
      try {
        source = PostgresDataSources.create(url, user, password);
      } catch (NoClassDefFoundError e) {
        throw new StoreException(
            "db_url is a PostgreSQL URL but the PostgreSQL JDBC driver is not installed; install"
                + " the bundle mvn:org.postgresql/postgresql (42.7.x) or use a jdbc:h2: URL",
            e);
      }
      dialect = "postgresql";
    } else {
      throw new StoreException(
          "Unsupported db_url scheme in '"
              + url.replaceAll("password=[^;&]*", "password=******")
              + "': use jdbc:h2:... or jdbc:postgresql://host:port/database");
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(source);
    config.setPoolName("amtpxe-db");
    config.setMaximumPoolSize(Math.max(2, poolSize));
    config.setMinimumIdle(Math.min(4, Math.max(1, poolSize / 4)));
    config.setAutoCommit(true);
    config.setConnectionTimeout(10_000);
    // NOTE: HikariCP registers no MBeans unless asked, and its housekeeping thread is a daemon.
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("Cannot open the database: " + rootMessage(e), e);
    }
    if (privateDir.isPresent()) {
      // The first connection created the files (with the umask's permissions): tighten them.
      try {
        PrivateFiles.directory(privateDir.get());
      } catch (IOException e) {
        pool.close();
        throw new StoreException(
            "Cannot open the database in " + privateDir.get() + ": " + e.getMessage(), e);
      }
    }
    return new Database(pool, dialect);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  /** Where listeners hear which nodes each committed transaction changed. */
  public NodeChanges changes() {
    return jdbi.getConfig(NodeChanges.class);
  }

  /** {@code h2} or {@code postgresql}. */
  public String dialect() {
    return dialect;
  }

  /**
   * Runs JDBC work in one transaction: committed when it returns, rolled back when it throws.
   *
   * @throws DuplicateKeyException when a unique constraint is violated
   * @throws StoreException for any other database failure
   */
  public <T> T inTransaction(Work<T> work) {
    return transaction(
        h -> {
          try {
            return work.run(h.getConnection());
          } catch (SQLException e) {
            throw translate(e);
          }
        });
  }

  /**
   * Runs work on a Jdbi handle in one transaction: committed when it returns, rolled back when it
   * throws (whatever it throws).
   *
   * @throws DuplicateKeyException when a unique constraint is violated
   * @throws StoreException for any other database failure
   */
  public <T> T transaction(HandleWork<T> work) {
    try {
      return jdbi.inTransaction(work::run);
    } catch (JdbiException e) {
      throw translate(e);
    }
  }

  /**
   * Runs work on a Jdbi handle in auto-commit mode, for reads ({@link Store#read}).
   *
   * @throws StoreException for a database failure
   */
  public <T> T read(HandleWork<T> work) {
    try {
      return jdbi.withHandle(work::run);
    } catch (JdbiException e) {
      throw translate(e);
    }
  }

  /** The translation of a Jdbi failure: its SQLException's, or a plain store failure. */
  static StoreException translate(JdbiException e) {
    Throwable cause = e.getCause();
    while (cause != null && !(cause instanceof SQLException)) {
      cause = cause.getCause();
    }
    return cause instanceof SQLException sql
        ? translate(sql)
        : new StoreException("Database failure: " + e.getMessage(), e);
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
          "uniq_nodes_name",
          "uniq_nodes_instance_uuid",
          "uniq_ports_address",
          "enrolled_addresses",
          "ports",
          "nodes"
        }) {
      if (m.contains(name)) {
        return switch (name) {
          case "ports" -> "ports_pkey";
          case "nodes" -> "nodes_pkey";
          // NOTE: PostgreSQL names the constraint, H2 the table: both contain this.
          case "enrolled_addresses" -> "uniq_enrolled_addresses";
          default -> name;
        };
      }
    }
    return "unknown";
  }

  @Override
  public void close() {
    pool.close();
  }
}
