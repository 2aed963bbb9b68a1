package org.amtpxe.conductor.internal.store;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where the conductor's parts meet the database: its transactions and its clock. What runs in a
 * transaction is the DAOs' SQL ({@link NodeDao}, {@link PortDao}, {@link LockDao}, {@link
 * AgentTokenDao}, {@link HistoryDao}), composed by the caller, so that a state, its history event
 * and the release of its lock are written together.
 */
public final class Store {
  private final Database database;
  private final Clock clock;

  public Store(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** Now, at the precision both databases keep (microseconds). */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Runs work on one handle in one transaction.
   *
   * @throws DuplicateKeyException when a unique constraint is violated
   * @throws StoreException for any other database failure
   */
  public <T> T transaction(Database.HandleWork<T> work) {
    return database.transaction(work);
  }

  /**
   * Runs reads on one handle without a transaction (each statement commits by itself). Both
   * databases run at READ COMMITTED, where a transaction gives a series of reads no common snapshot
   * either; without one, a read costs one round trip instead of three on PostgreSQL (BEGIN, the
   * query, COMMIT) and no commit on H2. Never for work that writes.
   *
   * @throws StoreException for a database failure
   */
  public <T> T read(Database.HandleWork<T> work) {
    return database.read(work);
  }

  /** The database, for the schema migrator and tests. */
  public Database database() {
    return database;
  }
}
