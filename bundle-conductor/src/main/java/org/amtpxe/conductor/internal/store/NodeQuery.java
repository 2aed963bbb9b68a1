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
 * @param more the filters of later API versions
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
    int limit,
    Filters more) {

  /**
   * The node filters of Ironic's later API versions. Null filters match everything.
   *
   * @param resourceClass only nodes of this resource class (API 1.21)
   * @param fault only nodes with this fault (1.42)
   * @param conductorGroup only nodes of this conductor group, compared lower-case (1.46)
   * @param owner only nodes of this owner (1.50)
   * @param descriptionContains only nodes whose description contains this text (1.51)
   * @param retired only nodes with this retired flag (1.61)
   * @param lessee only nodes of this lessee (1.65)
   * @param project only nodes whose owner or lessee is this project (1.65)
   */
  public record Filters(
      String resourceClass,
      String fault,
      String conductorGroup,
      String owner,
      String descriptionContains,
      Boolean retired,
      String lessee,
      String project) {
    public static final Filters NONE = new Filters(null, null, null, null, null, null, null, null);
  }

  public NodeQuery {
    more = more == null ? Filters.NONE : more;
  }

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
        0,
        Filters.NONE);
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
        limit,
        more);
  }

  /** The same query with these later filters. */
  public NodeQuery filtered(Filters filters) {
    return new NodeQuery(
        provisionState,
        driver,
        maintenance,
        associated,
        instanceUuid,
        sortKey,
        descending,
        marker,
        limit,
        filters);
  }

  /** Every node, oldest first. */
  public static NodeQuery all() {
    return new NodeQuery(null, null, null, null, null, "created_at", false);
  }
}
