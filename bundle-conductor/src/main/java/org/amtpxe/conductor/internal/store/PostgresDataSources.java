package org.amtpxe.conductor.internal.store;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Creates PostgreSQL data sources. A class of its own so that PgJDBC (an optional import) is only
 * loaded when a {@code jdbc:postgresql:} URL is configured.
 */
final class PostgresDataSources {
  private PostgresDataSources() {}

  static DataSource create(String url, String user, String password) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    if (user != null && !user.isEmpty()) {
      ds.setUser(user);
    }
    if (password != null && !password.isEmpty()) {
      ds.setPassword(password);
    }
    return ds;
  }
}
