package org.amtpxe.conductor.internal.store;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * SQL of the nodes table, with named parameters. Every method runs on the caller's handle, so that
 * a caller composes several of them in one transaction ({@link Database#transaction}).
 */
public final class NodeDao {
  /**
   * The sort keys the API offers, and the expression each sorts by: a column that may be null is
   * sorted as its COALESCE, so that keyset paging ({@code (key, uuid) > (marker's)}) sees a total
   * order.
   */
  public static final Map<String, String> SORT_KEYS =
      Map.ofEntries(
          Map.entry("uuid", "uuid"),
          Map.entry("name", "COALESCE(name, '')"),
          Map.entry("driver", "driver"),
          Map.entry("created_at", "created_at"),
          Map.entry("updated_at", "COALESCE(updated_at, created_at)"),
          Map.entry("provision_state", "provision_state"),
          Map.entry("power_state", "COALESCE(power_state, '')"),
          Map.entry("provision_updated_at", "COALESCE(provision_updated_at, created_at)"),
          Map.entry("instance_uuid", "COALESCE(instance_uuid, '')"),
          Map.entry("maintenance", "maintenance"),
          Map.entry("owner", "COALESCE(owner, '')"),
          Map.entry("conductor_group", "conductor_group"));

  private static final String SELECT = "SELECT " + NodeRows.COLUMNS + " FROM nodes";

  private NodeDao() {}

  public static void insert(Handle h, Node n) {
    NodeRows.bind(
            h.createUpdate(
                "INSERT INTO nodes ("
                    + NodeRows.COLUMNS
                    + ") VALUES (:uuid, :name, :driver, :driver_info, :driver_internal_info,"
                    + " :instance_info, :properties, :extra, :instance_uuid, :power_state,"
                    + " :target_power_state, :provision_state, :target_provision_state,"
                    + " :last_error, :maintenance, :maintenance_reason, NULL, NULL, :description,"
                    + " :owner, :lessee, :resource_class, :conductor_group, :retired,"
                    + " :retired_reason, :is_protected, :protected_reason, :automated_clean,"
                    + " :created_at, NULL, :provision_updated_at)"),
            n)
        .bind("created_at", NodeRows.utc(n.createdAt()))
        .bind("provision_updated_at", NodeRows.utc(n.provisionUpdatedAt()))
        .execute();
    NodeChanges.mark(h, n.uuid());
  }

  public static Optional<Node> find(Handle h, String uuid) {
    return h.createQuery(SELECT + " WHERE uuid = :uuid")
        .bind("uuid", uuid)
        .map(NodeRows.MAPPER)
        .findOne();
  }

  public static Optional<Node> findByName(Handle h, String name) {
    return h.createQuery(SELECT + " WHERE name = :name")
        .bind("name", name)
        .map(NodeRows.MAPPER)
        .findOne();
  }

  /** The node, its row locked until the transaction ends. */
  public static Optional<Node> findForUpdate(Handle h, String uuid) {
    return h.createQuery(SELECT + " WHERE uuid = :uuid FOR UPDATE")
        .bind("uuid", uuid)
        .map(NodeRows.MAPPER)
        .findOne();
  }

  /**
   * Writes a change of {@code current} (as read in this transaction): the writable columns,
   * updated_at, and provision_updated_at when the provision state changes. Changing the maintenance
   * flag or reason hands the node back to the operator (the fault goes); leaving the deploy ends
   * the ramdisk's agent token.
   *
   * @return the node as stored
   */
  public static Node update(Handle h, Node current, Node changed, Instant now) {
    Instant provisionUpdated = changed.provisionUpdatedAt();
    boolean stateChanged = current.provisionState() != changed.provisionState();
    if (stateChanged) {
      provisionUpdated = now;
    }
    boolean operatorsMaintenance =
        current.maintenance() != changed.maintenance()
            || !java.util.Objects.equals(current.maintenanceReason(), changed.maintenanceReason());
    boolean tokenEnds =
        stateChanged
            && !(keepsAgentToken(current.provisionState())
                && keepsAgentToken(changed.provisionState()));
    NodeRows.bind(
            h.createUpdate(
                "UPDATE nodes SET "
                    + NodeRows.WRITABLE
                    + ", updated_at = :updated_at, provision_updated_at = :provision_updated_at"
                    + (operatorsMaintenance ? ", fault = NULL" : "")
                    + (tokenEnds ? ", agent_token_hash = NULL, agent_address = NULL" : "")
                    + " WHERE uuid = :uuid"),
            changed)
        .bind("updated_at", NodeRows.utc(now))
        .bind("provision_updated_at", NodeRows.utc(provisionUpdated))
        .execute();
    NodeChanges.mark(h, current.uuid());
    return changed.toBuilder()
        .reservation(current.reservation())
        .fault(operatorsMaintenance ? null : current.fault())
        .createdAt(current.createdAt())
        .updatedAt(now)
        .provisionUpdatedAt(provisionUpdated)
        .build();
  }

  private static boolean keepsAgentToken(ProvisionState state) {
    return state == ProvisionState.DEPLOYING || state == ProvisionState.WAIT_CALLBACK;
  }

  public static boolean delete(Handle h, String uuid) {
    return marked(
        h,
        uuid,
        h.createUpdate("DELETE FROM nodes WHERE uuid = :uuid").bind("uuid", uuid).execute());
  }

  /** Whether one row changed; if so, the node is marked for {@link NodeChanges}. */
  private static boolean marked(Handle h, String uuid, int rows) {
    if (rows == 1) {
      NodeChanges.mark(h, uuid);
    }
    return rows == 1;
  }

  public static int count(Handle h) {
    return h.createQuery("SELECT COUNT(*) FROM nodes").mapTo(Integer.class).one();
  }

  /**
   * Nodes matching the query, in its order, after its marker and up to its limit: filtered, sorted
   * and paged by the database (keyset paging on the sort key and the UUID). The filters of {@link
   * NodeQuery.Filters} are conditions of the same WHERE clause, so a page and its marker see the
   * same filtered order.
   *
   * @throws MarkerNotFoundException when the marker names no node
   */
  public static List<Node> list(Handle h, NodeQuery q) {
    String key = q.sortKey() == null ? "created_at" : q.sortKey();
    String expr = SORT_KEYS.get(key);
    if (expr == null) {
      throw new IllegalArgumentException("Unsupported sort key " + key);
    }
    StringBuilder sql = new StringBuilder(SELECT).append(" WHERE 1=1");
    if (q.provisionState() != null) {
      sql.append(" AND provision_state = :provision_state");
    }
    if (q.driver() != null) {
      sql.append(" AND driver = :driver");
    }
    if (q.maintenance() != null) {
      sql.append(" AND maintenance = :maintenance");
    }
    if (q.associated() != null) {
      sql.append(q.associated() ? " AND instance_uuid IS NOT NULL" : " AND instance_uuid IS NULL");
    }
    if (q.instanceUuid() != null) {
      sql.append(" AND instance_uuid = :instance_uuid");
    }
    NodeQuery.Filters f = q.more();
    if (f.resourceClass() != null) {
      sql.append(" AND resource_class = :resource_class");
    }
    if (f.fault() != null) {
      sql.append(" AND fault = :fault");
    }
    if (f.conductorGroup() != null) {
      sql.append(" AND conductor_group = :conductor_group");
    }
    if (f.owner() != null) {
      sql.append(" AND owner = :owner");
    }
    if (f.lessee() != null) {
      sql.append(" AND lessee = :lessee");
    }
    if (f.project() != null) {
      sql.append(" AND (owner = :project OR lessee = :project)");
    }
    if (f.retired() != null) {
      sql.append(" AND retired = :retired");
    }
    if (f.descriptionContains() != null) {
      // NOTE: '!' escapes, not a backslash: Jdbi's parser reads a backslash in quotes as an escape.
      sql.append(" AND description LIKE :description ESCAPE '!'");
    }
    Object markerKey = null;
    if (q.marker() != null) {
      markerKey =
          h.createQuery("SELECT " + expr + " FROM nodes WHERE uuid = :uuid")
              .bind("uuid", q.marker())
              .map((rs, ctx) -> rs.getObject(1))
              .findOne()
              .orElseThrow(() -> new MarkerNotFoundException(q.marker()));
      sql.append(" AND (")
          .append(expr)
          .append(", uuid) ")
          .append(q.descending() ? "<" : ">")
          .append(" (:marker_key, :marker)");
    }
    String dir = q.descending() ? " DESC" : " ASC";
    sql.append(" ORDER BY ").append(expr).append(dir).append(", uuid").append(dir);
    if (q.limit() > 0) {
      sql.append(" LIMIT :limit");
    }
    Query query = h.createQuery(sql.toString());
    if (q.provisionState() != null) {
      query.bind("provision_state", q.provisionState().value());
    }
    if (q.driver() != null) {
      query.bind("driver", q.driver());
    }
    if (q.maintenance() != null) {
      query.bind("maintenance", q.maintenance());
    }
    if (q.instanceUuid() != null) {
      query.bind("instance_uuid", q.instanceUuid());
    }
    bindIfSet(query, "resource_class", f.resourceClass());
    bindIfSet(query, "fault", f.fault());
    bindIfSet(
        query,
        "conductor_group",
        f.conductorGroup() == null ? null : f.conductorGroup().toLowerCase(Locale.ROOT));
    bindIfSet(query, "owner", f.owner());
    bindIfSet(query, "lessee", f.lessee());
    bindIfSet(query, "project", f.project());
    if (f.retired() != null) {
      query.bind("retired", f.retired());
    }
    if (f.descriptionContains() != null) {
      query.bind("description", "%" + likeEscaped(f.descriptionContains()) + "%");
    }
    if (q.marker() != null) {
      query.bindByType("marker_key", markerKey, Object.class).bind("marker", q.marker());
    }
    if (q.limit() > 0) {
      query.bind("limit", q.limit());
    }
    return query.map(NodeRows.MAPPER).list();
  }

  private static void bindIfSet(Query query, String name, String value) {
    if (value != null) {
      query.bind(name, value);
    }
  }

  /** The text with LIKE's wildcards (and the escape character) escaped by '!'. */
  static String likeEscaped(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  /** Sets the power state unless someone holds the lock or changes the power: the power sync's. */
  public static boolean updatePowerStateIfIdle(
      Handle h, String uuid, PowerState expected, PowerState actual, Instant now) {
    return marked(
        h,
        uuid,
        h.createUpdate(
                "UPDATE nodes SET power_state = :actual, updated_at = :now WHERE uuid = :uuid"
                    + " AND reservation IS NULL AND target_power_state IS NULL AND "
                    + (expected == null ? "power_state IS NULL" : "power_state = :expected"))
            .bind("actual", actual.value())
            .bind("now", NodeRows.utc(now))
            .bind("uuid", uuid)
            .bind("expected", expected == null ? null : expected.value())
            .execute());
  }

  /** Puts an idle node not in maintenance into maintenance for a fault the conductor found. */
  public static boolean enterFaultMaintenance(
      Handle h, String uuid, String fault, String reason, Instant now) {
    return marked(
        h,
        uuid,
        h.createUpdate(
                "UPDATE nodes SET maintenance = TRUE, maintenance_reason = :reason,"
                    + " last_error = :reason, fault = :fault, updated_at = :now WHERE uuid = :uuid"
                    + " AND maintenance = FALSE AND reservation IS NULL"
                    + " AND target_power_state IS NULL")
            .bind("reason", reason)
            .bind("fault", fault)
            .bind("now", NodeRows.utc(now))
            .bind("uuid", uuid)
            .execute());
  }

  /** Takes a node out of the fault maintenance, unless an operator changed it since. */
  public static boolean clearFault(
      Handle h, String uuid, String fault, PowerState actual, Instant now) {
    return marked(
        h,
        uuid,
        h.createUpdate(
                "UPDATE nodes SET maintenance = FALSE, maintenance_reason = NULL, fault = NULL,"
                    + " power_state = :actual, updated_at = :now WHERE uuid = :uuid"
                    + " AND maintenance = TRUE AND fault = :fault AND reservation IS NULL")
            .bind("actual", actual.value())
            .bind("now", NodeRows.utc(now))
            .bind("uuid", uuid)
            .bind("fault", fault)
            .execute());
  }

  public static Set<String> withFault(Handle h, String fault) {
    return new HashSet<>(
        h.createQuery("SELECT uuid FROM nodes WHERE maintenance = TRUE AND fault = :fault")
            .bind("fault", fault)
            .mapTo(String.class)
            .list());
  }
}
