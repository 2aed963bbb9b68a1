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
 * @param sortKey a column name from {@link NodeStore#SORT_KEYS}
 * @param descending sort order
 */
public record NodeQuery(
    ProvisionState provisionState,
    String driver,
    Boolean maintenance,
    Boolean associated,
    String instanceUuid,
    String sortKey,
    boolean descending) {

  /** Every node, oldest first. */
  public static NodeQuery all() {
    return new NodeQuery(null, null, null, null, null, "created_at", false);
  }
}
