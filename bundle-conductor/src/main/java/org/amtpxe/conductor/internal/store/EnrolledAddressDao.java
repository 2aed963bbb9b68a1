package org.amtpxe.conductor.internal.store;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * SQL of the enrolled_addresses table: which node was enrolled from which management address.
 * Addresses are stored as the enrollment compares them (trimmed, lower case).
 */
public final class EnrolledAddressDao {
  private EnrolledAddressDao() {}

  /**
   * Claims an address for a node.
   *
   * @throws DuplicateKeyException {@code uniq_enrolled_addresses} when another node holds it
   */
  public static void claim(Handle h, String address, String nodeUuid) {
    h.createUpdate("INSERT INTO enrolled_addresses (address, node_uuid) VALUES (:a, :n)")
        .bind("a", address)
        .bind("n", nodeUuid)
        .execute();
  }

  /** The node that holds an address, if one does. */
  public static Optional<String> holder(Handle h, String address) {
    return h.createQuery("SELECT node_uuid FROM enrolled_addresses WHERE address = :a")
        .bind("a", address)
        .mapTo(String.class)
        .findOne();
  }

  /** Releases an address if this node still holds it. */
  public static boolean release(Handle h, String address, String nodeUuid) {
    return h.createUpdate("DELETE FROM enrolled_addresses WHERE address = :a AND node_uuid = :n")
            .bind("a", address)
            .bind("n", nodeUuid)
            .execute()
        == 1;
  }
}
