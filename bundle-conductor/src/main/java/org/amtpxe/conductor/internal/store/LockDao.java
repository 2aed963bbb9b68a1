package org.amtpxe.conductor.internal.store;

import org.jdbi.v3.core.Handle;

/**
 * Node locks with Ironic's meaning: a node's exclusive lock is its reservation column, set only
 * when nobody holds it, atomically in the database, so that every conductor sharing it sees it.
 */
public final class LockDao {
  private LockDao() {}

  /** Takes the lock if nobody holds it; true when this host now holds it. */
  public static boolean reserve(Handle h, String uuid, String host) {
    return h.createUpdate(
                "UPDATE nodes SET reservation = :host WHERE uuid = :uuid AND reservation IS NULL")
            .bind("host", host)
            .bind("uuid", uuid)
            .execute()
        == 1;
  }

  /** Gives back the lock this host holds; false when it did not hold it. */
  public static boolean release(Handle h, String uuid, String host) {
    return h.createUpdate(
                "UPDATE nodes SET reservation = NULL WHERE uuid = :uuid AND reservation = :host")
            .bind("uuid", uuid)
            .bind("host", host)
            .execute()
        == 1;
  }

  /** Clears every lock a host holds; the number released. */
  public static int releaseAll(Handle h, String host) {
    return h.createUpdate("UPDATE nodes SET reservation = NULL WHERE reservation = :host")
        .bind("host", host)
        .execute();
  }

  /** How many nodes a host holds locked. */
  public static int heldBy(Handle h, String host) {
    return h.createQuery("SELECT COUNT(*) FROM nodes WHERE reservation = :host")
        .bind("host", host)
        .mapTo(Integer.class)
        .one();
  }
}
