package org.amtpxe.conductor.internal.store;

import java.util.UUID;

/** {@link org.amtpxe.conductor.internal.testing.StoreProbe} on an in-memory H2 database. */
class H2NodeStoreTest extends NodeStoreContract {
  @Override
  protected Database openEmptyDatabase() {
    return Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 4);
  }
}
