package org.amtpxe.conductor.internal.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Port;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL of the ports table, with named parameters, on the caller's handle. */
public final class PortDao {
  public static final String COLUMNS =
      "uuid, address, node_uuid, pxe_enabled, extra, created_at, updated_at";

  /** The port of a row selected with {@link #COLUMNS}. */
  public static final RowMapper<Port> MAPPER = PortDao::map;

  private static final String SELECT = "SELECT " + COLUMNS + " FROM ports";
  private static final String ORDER = " ORDER BY created_at, uuid";

  private PortDao() {}

  public static void insert(Handle h, Port p) {
    h.createUpdate(
            "INSERT INTO ports ("
                + COLUMNS
                + ") VALUES (:uuid, :address, :node_uuid, :pxe_enabled, :extra, :created_at,"
                + " NULL)")
        .bind("uuid", p.uuid())
        .bind("address", p.address().toString())
        .bind("node_uuid", p.nodeUuid())
        .bind("pxe_enabled", p.pxeEnabled())
        .bind("extra", JsonColumns.write(p.extra()))
        .bind("created_at", NodeRows.utc(p.createdAt()))
        .execute();
  }

  public static Optional<Port> find(Handle h, String uuid) {
    return h.createQuery(SELECT + " WHERE uuid = :uuid").bind("uuid", uuid).map(MAPPER).findOne();
  }

  public static Optional<Port> findByAddress(Handle h, MacAddress address) {
    return h.createQuery(SELECT + " WHERE address = :address")
        .bind("address", address.toString())
        .map(MAPPER)
        .findOne();
  }

  /** A node's ports, oldest first. */
  public static List<Port> ofNode(Handle h, String nodeUuid) {
    return h.createQuery(SELECT + " WHERE node_uuid = :node" + ORDER)
        .bind("node", nodeUuid)
        .map(MAPPER)
        .list();
  }

  /** The ports of several nodes in one query, oldest first. */
  public static List<Port> ofNodes(Handle h, Collection<String> nodeUuids) {
    if (nodeUuids.isEmpty()) {
      return List.of();
    }
    return h.createQuery(SELECT + " WHERE node_uuid IN (<nodes>)" + ORDER)
        .bindList("nodes", List.copyOf(nodeUuids))
        .map(MAPPER)
        .list();
  }

  /** Every port, oldest first. */
  public static List<Port> all(Handle h) {
    return h.createQuery(SELECT + ORDER).map(MAPPER).list();
  }

  /** Writes a port's address, node, pxe_enabled and extra; true when it exists. */
  public static boolean update(Handle h, Port p, Instant now) {
    return h.createUpdate(
                "UPDATE ports SET address = :address, node_uuid = :node_uuid,"
                    + " pxe_enabled = :pxe_enabled, extra = :extra, updated_at = :now"
                    + " WHERE uuid = :uuid")
            .bind("address", p.address().toString())
            .bind("node_uuid", p.nodeUuid())
            .bind("pxe_enabled", p.pxeEnabled())
            .bind("extra", JsonColumns.write(p.extra()))
            .bind("now", NodeRows.utc(now))
            .bind("uuid", p.uuid())
            .execute()
        == 1;
  }

  public static boolean delete(Handle h, String uuid) {
    return h.createUpdate("DELETE FROM ports WHERE uuid = :uuid").bind("uuid", uuid).execute() == 1;
  }

  public static int deleteOfNode(Handle h, String nodeUuid) {
    return h.createUpdate("DELETE FROM ports WHERE node_uuid = :node")
        .bind("node", nodeUuid)
        .execute();
  }

  private static Port map(ResultSet rs, StatementContext ctx) throws SQLException {
    return Port.builder(
            rs.getString("uuid"),
            MacAddress.parse(rs.getString("address")),
            rs.getString("node_uuid"))
        .pxeEnabled(rs.getBoolean("pxe_enabled"))
        .extra(JsonColumns.read("extra", rs.getString("extra")))
        .createdAt(NodeRows.instant(rs, "created_at"))
        .updatedAt(NodeRows.instant(rs, "updated_at"))
        .build();
  }
}
