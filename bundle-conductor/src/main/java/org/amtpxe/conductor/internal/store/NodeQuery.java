package org.amtpxe.conductor.internal.store;

import org.amtpxe.api.model.ProvisionState;

/**
 * Filters and order for listing nodes. Null filters match everything.
 *
 * @param provisionState only nodes in this state
 * @param driver only nodes of this driver
 * @param maintenance only nodes with this maintenance flag
 * @param associated true: only nodes with an instance; false: only nodes without
 * @param instanceUuid only the node with this instance
 * @param sortKey a key of {@link NodeDao#SORT_KEYS}
 * @param descending sort order
 * @param marker only nodes after the node with this UUID in this order, or null
 * @param limit at most this many nodes, or 0 for all
 */
public record NodeQuery(
    ProvisionState provisionState,
    String driver,
    Boolean maintenance,
    Boolean associated,
    String instanceUuid,
    String sortKey,
    boolean descending,
    String marker,
    int limit) {

  /** Every node matching the filters, in the order. */
  public NodeQuery(
      ProvisionState provisionState,
      String driver,
      Boolean maintenance,
      Boolean associated,
      String instanceUuid,
      String sortKey,
      boolean descending) {
    this(
        provisionState,
        driver,
        maintenance,
        associated,
        instanceUuid,
        sortKey,
        descending,
        null,
        0);
  }

  /** The same query, one page: after the marker (a node UUID, or null), at most limit nodes. */
  public NodeQuery page(String marker, int limit) {
    return new NodeQuery(
        provisionState,
        driver,
        maintenance,
        associated,
        instanceUuid,
        sortKey,
        descending,
        marker,
        limit);
  }

  /** Every node, oldest first. */
  public static NodeQuery all() {
    return new NodeQuery(null, null, null, null, null, "created_at", false);
  }
}
