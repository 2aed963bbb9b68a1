package org.amtpxe.conductor.internal.store;

import org.amtpxe.conductor.internal.testing.TestPostgres;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link org.amtpxe.conductor.internal.testing.StoreProbe} on a real PostgreSQL, when {@code
 * AMTPXE_PG_URL} (environment) or {@code amtpxe.pg.url} (system property) names one, e.g. {@code
 * jdbc:postgresql://127.0.0.1:55432/amtpxe} started by {@code src/test/pg/start-postgres.sh}. User
 * and password come from {@code AMTPXE_PG_USER} / {@code AMTPXE_PG_PASSWORD} (default: the URL's
 * own parameters). Skipped otherwise. Drops and re-creates this project's tables in that database.
 */
@EnabledIf(
    value = "org.amtpxe.conductor.internal.testing.TestPostgres#configured",
    disabledReason =
        "set AMTPXE_PG_URL (see src/test/pg/start-postgres.sh) to run against PostgreSQL")
class PostgresNodeStoreTest extends NodeStoreContract {
  @Override
  protected Database openEmptyDatabase() {
    return TestPostgres.openEmpty(4);
  }
}
