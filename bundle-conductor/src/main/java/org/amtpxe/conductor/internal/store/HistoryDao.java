package org.amtpxe.conductor.internal.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL of the node_history table, on the caller's handle. */
public final class HistoryDao {
  private static final String COLUMNS =
      "uuid, node_uuid, created_at, severity, event_type, event, conductor, user_name";

  private static final RowMapper<NodeEvent> MAPPER =
      (rs, ctx) ->
          new NodeEvent(
              rs.getString("uuid"),
              rs.getString("node_uuid"),
              NodeRows.instant(rs, "created_at"),
              rs.getString("severity"),
              rs.getString("event_type"),
              rs.getString("event"),
              rs.getString("conductor"),
              rs.getString("user_name"));

  private HistoryDao() {}

  public static void insert(Handle h, NodeEvent e) {
    h.createUpdate(
            "INSERT INTO node_history ("
                + COLUMNS
                + ") VALUES (:uuid, :node_uuid, :created_at, :severity, :event_type, :event,"
                + " :conductor, :user_name)")
        .bind("uuid", e.uuid())
        .bind("node_uuid", e.nodeUuid())
        .bind("created_at", NodeRows.utc(e.createdAt()))
        .bind("severity", e.severity())
        .bind("event_type", e.eventType())
        .bind("event", e.event())
        .bind("conductor", e.conductor())
        .bind("user_name", e.user())
        .execute();
    NodeChanges.mark(h, e.nodeUuid());
  }

  /**
   * A node's events, oldest first, after the marker event and up to the limit.
   *
   * @throws MarkerNotFoundException when the marker names no event of the node
   */
  public static List<NodeEvent> ofNode(Handle h, String nodeUuid, String marker, int limit) {
    return ofNode(h, nodeUuid, marker, limit, false);
  }

  /**
   * A node's events in order of time (newest first when descending), after the marker event and up
   * to the limit (0 for all).
   *
   * @throws MarkerNotFoundException when the marker names no event of the node
   */
  public static List<NodeEvent> ofNode(
      Handle h, String nodeUuid, String marker, int limit, boolean descending) {
    StringBuilder sql =
        new StringBuilder("SELECT " + COLUMNS + " FROM node_history WHERE node_uuid = :node");
    Object markerTime = null;
    if (marker != null) {
      markerTime =
          h.createQuery("SELECT created_at FROM node_history WHERE uuid = :m AND node_uuid = :node")
              .bind("m", marker)
              .bind("node", nodeUuid)
              .map((rs, ctx) -> rs.getObject(1))
              .findOne()
              .orElseThrow(() -> new MarkerNotFoundException(marker));
      sql.append(" AND (created_at, uuid) ").append(descending ? "<" : ">").append(" (:mt, :m)");
    }
    sql.append(descending ? " ORDER BY created_at DESC, uuid DESC" : " ORDER BY created_at, uuid");
    if (limit > 0) {
      sql.append(" LIMIT :limit");
    }
    var q = h.createQuery(sql.toString()).bind("node", nodeUuid);
    if (marker != null) {
      q.bindByType("mt", markerTime, Object.class).bind("m", marker);
    }
    if (limit > 0) {
      q.bind("limit", limit);
    }
    return q.map(MAPPER).list();
  }

  public static Optional<NodeEvent> find(Handle h, String nodeUuid, String uuid) {
    return h.createQuery(
            "SELECT " + COLUMNS + " FROM node_history WHERE uuid = :uuid AND node_uuid = :node")
        .bind("uuid", uuid)
        .bind("node", nodeUuid)
        .map(MAPPER)
        .findOne();
  }
}
