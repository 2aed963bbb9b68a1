package org.amtpxe.conductor.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;

/**
 * Nodes and ports in the database. Every method is one transaction, so a node is never half
 * written. The reservation column (the exclusive lock) is only written by {@link #reserve} and
 * {@link #release}.
 */
public final class NodeStore {

  /** The columns nodes can be sorted by. */
  public static final Set<String> SORT_KEYS =
      Set.of(
          "uuid",
          "name",
          "driver",
          "created_at",
          "updated_at",
          "provision_state",
          "power_state",
          "provision_updated_at",
          "instance_uuid",
          "maintenance");

  private static final String NODE_COLUMNS =
      "uuid, name, driver, driver_info, driver_internal_info, instance_info, properties, extra,"
          + " instance_uuid, power_state, target_power_state, provision_state,"
          + " target_provision_state, last_error, maintenance, maintenance_reason, reservation,"
          + " created_at, updated_at, provision_updated_at";

  /** The fault of a node the power sync put into maintenance (Ironic's {@code power failure}). */
  public static final String POWER_FAILURE = "power failure";

  private static final String PORT_COLUMNS =
      "uuid, address, node_uuid, pxe_enabled, extra, created_at, updated_at";

  private final Database database;
  private final Clock clock;

  public NodeStore(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** Now, at the precision both databases keep (microseconds). */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  // ---- nodes ----

  /**
   * Stores a new node with its created_at set to now.
   *
   * @return the node as stored
   * @throws DuplicateKeyException when the UUID, name or instance UUID is taken
   */
  public Node insertNode(Node node) {
    Node stored = node.toBuilder().createdAt(now()).updatedAt(null).reservation(null).build();
    database.inTransaction(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO nodes ("
                      + NODE_COLUMNS
                      + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            bindNode(p, stored);
            p.setString(17, null);
            p.setObject(18, utc(stored.createdAt()));
            p.setNull(19, Types.TIMESTAMP_WITH_TIMEZONE);
            p.setObject(20, utc(stored.provisionUpdatedAt()));
            p.executeUpdate();
          }
          return null;
        });
    return stored;
  }

  /** The node with this UUID. */
  public Optional<Node> findNode(String uuid) {
    return database.inTransaction(c -> findNode(c, "uuid", uuid));
  }

  /** The node with this name. */
  public Optional<Node> findNodeByName(String name) {
    return database.inTransaction(c -> findNode(c, "name", name));
  }

  private static Optional<Node> findNode(Connection c, String column, String value)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + NODE_COLUMNS + " FROM nodes WHERE " + column + " = ?")) {
      p.setString(1, value);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(readNode(rs)) : Optional.empty();
      }
    }
  }

  /** Nodes matching the query, in its order (ties broken by UUID). */
  public List<Node> listNodes(NodeQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + NODE_COLUMNS + " FROM nodes WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (q.provisionState() != null) {
      sql.append(" AND provision_state = ?");
      args.add(q.provisionState().value());
    }
    if (q.driver() != null) {
      sql.append(" AND driver = ?");
      args.add(q.driver());
    }
    if (q.maintenance() != null) {
      sql.append(" AND maintenance = ?");
      args.add(q.maintenance());
    }
    if (q.associated() != null) {
      sql.append(q.associated() ? " AND instance_uuid IS NOT NULL" : " AND instance_uuid IS NULL");
    }
    if (q.instanceUuid() != null) {
      sql.append(" AND instance_uuid = ?");
      args.add(q.instanceUuid());
    }
    String key = q.sortKey() == null ? "created_at" : q.sortKey();
    if (!SORT_KEYS.contains(key)) {
      throw new IllegalArgumentException("Unsupported sort key " + key);
    }
    String dir = q.descending() ? " DESC" : " ASC";
    sql.append(" ORDER BY ").append(key).append(dir).append(", uuid").append(dir);
    return database.inTransaction(
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              p.setObject(i + 1, args.get(i));
            }
            List<Node> nodes = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                nodes.add(readNode(rs));
              }
            }
            return nodes;
          }
        });
  }

  /**
   * Writes every field of the node except its reservation and created_at; updated_at becomes now.
   *
   * @return the node as stored, or empty when it no longer exists
   * @throws DuplicateKeyException when the new name or instance UUID is taken
   */
  public Optional<Node> updateNode(Node node) {
    return database.inTransaction(c -> updateNode(c, node));
  }

  /**
   * Reads, changes and writes a node in one transaction, holding a row lock in between.
   *
   * @param uuid the node
   * @param change returns the node to store; may return its argument unchanged
   * @return the node as stored, or empty when it does not exist
   */
  public Optional<Node> modifyNode(String uuid, UnaryOperator<Node> change) {
    return modifyNode(uuid, change, null);
  }

  /**
   * Like {@link #modifyNode(String, UnaryOperator)}, and in the same transaction releases the
   * exclusive lock held by {@code releaseHost} (when not null): a client that sees the new state
   * never finds the node still locked by the operation that set it.
   */
  public Optional<Node> modifyNode(String uuid, UnaryOperator<Node> change, String releaseHost) {
    return database.inTransaction(
        c -> {
          Optional<Node> current;
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT " + NODE_COLUMNS + " FROM nodes WHERE uuid = ? FOR UPDATE")) {
            p.setString(1, uuid);
            try (ResultSet rs = p.executeQuery()) {
              current = rs.next() ? Optional.of(readNode(rs)) : Optional.empty();
            }
          }
          if (current.isEmpty()) {
            return Optional.empty();
          }
          Node changed = change.apply(current.get());
          Optional<Node> result = changed == current.get() ? current : updateNode(c, changed);
          if (releaseHost != null) {
            try (PreparedStatement p =
                c.prepareStatement(
                    "UPDATE nodes SET reservation = NULL WHERE uuid = ? AND reservation = ?")) {
              p.setString(1, uuid);
              p.setString(2, releaseHost);
              p.executeUpdate();
            }
            result = result.map(n -> n.toBuilder().reservation(null).build());
          }
          return result;
        });
  }

  private Optional<Node> updateNode(Connection c, Node node) throws SQLException {
    Instant now = now();
    Node current = findNode(c, "uuid", node.uuid()).orElse(null);
    if (current == null) {
      return Optional.empty();
    }
    Instant provisionUpdated = node.provisionUpdatedAt();
    if (current.provisionState() != node.provisionState()) {
      provisionUpdated = now;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE nodes SET uuid = ?, name = ?, driver = ?, driver_info = ?,"
                + " driver_internal_info = ?, instance_info = ?, properties = ?, extra = ?,"
                + " instance_uuid = ?, power_state = ?, target_power_state = ?,"
                + " provision_state = ?, target_provision_state = ?, last_error = ?,"
                + " maintenance = ?, maintenance_reason = ?, updated_at = ?,"
                + " provision_updated_at = ? WHERE uuid = ?")) {
      bindNode(p, node);
      p.setObject(17, utc(now));
      p.setObject(18, utc(provisionUpdated));
      p.setString(19, node.uuid());
      p.executeUpdate();
    }
    if (current.provisionState() != node.provisionState()
        && !(keepsAgentToken(current.provisionState()) && keepsAgentToken(node.provisionState()))) {
      // A deploy ramdisk's token lives only while its deploy does (see issueAgentToken).
      try (PreparedStatement p =
          c.prepareStatement(
              "UPDATE nodes SET agent_token_hash = NULL, agent_address = NULL WHERE uuid = ?"
                  + " AND agent_token_hash IS NOT NULL")) {
        p.setString(1, node.uuid());
        p.executeUpdate();
      }
    }
    if (current.maintenance() != node.maintenance()
        || !Objects.equals(current.maintenanceReason(), node.maintenanceReason())) {
      // Whoever changes the maintenance flag or reason takes over from the conductor's fault.
      try (PreparedStatement p =
          c.prepareStatement("UPDATE nodes SET fault = NULL WHERE uuid = ?")) {
        p.setString(1, node.uuid());
        p.executeUpdate();
      }
    }
    return Optional.of(
        node.toBuilder()
            .reservation(current.reservation())
            .createdAt(current.createdAt())
            .updatedAt(now)
            .provisionUpdatedAt(provisionUpdated)
            .build());
  }

  /**
   * Sets a node's power state unless someone holds its lock or changes its power: for the periodic
   * sync, which must not overwrite a change in progress.
   *
   * @return true when the row was updated
   */
  public boolean updatePowerStateIfIdle(String uuid, PowerState expected, PowerState actual) {
    String sql =
        "UPDATE nodes SET power_state = ?, updated_at = ? WHERE uuid = ?"
            + " AND reservation IS NULL AND target_power_state IS NULL AND power_state "
            + (expected == null ? "IS NULL" : "= ?");
    return expected == null
        ? updatesOneRow(sql, actual.value(), utc(now()), uuid)
        : updatesOneRow(sql, actual.value(), utc(now()), uuid, expected.value());
  }

  /**
   * Puts an idle node into maintenance because of a fault the conductor found, recording the fault
   * so that the conductor alone may take the node out again ({@link #clearFault}). A node already
   * in maintenance, locked or changing power is left alone.
   *
   * @param reason the maintenance reason and last error: what failed and what to do
   * @return true when the node went into maintenance
   */
  public boolean enterFaultMaintenance(String uuid, String fault, String reason) {
    return updatesOneRow(
        "UPDATE nodes SET maintenance = TRUE, maintenance_reason = ?, last_error = ?, fault = ?,"
            + " updated_at = ? WHERE uuid = ? AND maintenance = FALSE AND reservation IS NULL"
            + " AND target_power_state IS NULL",
        reason,
        reason,
        fault,
        utc(now()),
        uuid);
  }

  /**
   * Takes a node out of the maintenance {@link #enterFaultMaintenance} put it in, with the power
   * state just read, unless an operator has changed its maintenance since or it is locked.
   *
   * @return true when the node left maintenance
   */
  public boolean clearFault(String uuid, String fault, PowerState actual) {
    return updatesOneRow(
        "UPDATE nodes SET maintenance = FALSE, maintenance_reason = NULL, fault = NULL,"
            + " power_state = ?, updated_at = ? WHERE uuid = ? AND maintenance = TRUE"
            + " AND fault = ? AND reservation IS NULL",
        actual.value(),
        utc(now()),
        uuid,
        fault);
  }

  private static boolean keepsAgentToken(ProvisionState state) {
    return state == ProvisionState.DEPLOYING || state == ProvisionState.WAIT_CALLBACK;
  }

  /**
   * Gives a node's deploy ramdisk its agent token: only when the node waits for its callback and no
   * token was given yet in this deploy, atomically, so that of concurrent lookups exactly one wins.
   * No lock is taken. The token is cleared by every change that moves the node out of {@code
   * deploying} / {@code wait call-back}.
   *
   * @param tokenHash the token's SHA-256 in hex; the token itself is never stored
   * @param address the address the lookup came from: the only one the callback is accepted from
   * @return true when this call gave the token
   */
  public boolean issueAgentToken(String uuid, String tokenHash, String address) {
    return updatesOneRow(
        "UPDATE nodes SET agent_token_hash = ?, agent_address = ? WHERE uuid = ?"
            + " AND agent_token_hash IS NULL AND provision_state = ?",
        tokenHash,
        address,
        uuid,
        ProvisionState.WAIT_CALLBACK.value());
  }

  /**
   * What a deploy ramdisk's callback is checked against, read without any lock.
   *
   * @param provisionState the node's provision state
   * @param tokenHash the SHA-256 of the token its lookup received, or null
   * @param address the address of that lookup, or null
   */
  public record AgentCredentials(ProvisionState provisionState, String tokenHash, String address) {}

  /** The agent credentials of the node with this UUID. */
  public Optional<AgentCredentials> agentCredentials(String uuid) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT provision_state, agent_token_hash, agent_address FROM nodes"
                      + " WHERE uuid = ?")) {
            p.setString(1, uuid);
            try (ResultSet rs = p.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new AgentCredentials(
                      provisionState(uuid, rs.getString(1)), rs.getString(2), rs.getString(3)));
            }
          }
        });
  }

  /** Runs one UPDATE in its own transaction; true when it changed exactly one row. */
  private boolean updatesOneRow(String sql, Object... parameters) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
              p.setObject(i + 1, parameters[i]);
            }
            return p.executeUpdate() == 1;
          }
        });
  }

  /** The UUIDs of the nodes in maintenance because of {@code fault}. */
  public Set<String> nodesWithFault(String fault) {
    return database.inTransaction(
        c -> {
          Set<String> uuids = new HashSet<>();
          try (PreparedStatement p =
              c.prepareStatement("SELECT uuid FROM nodes WHERE maintenance = TRUE AND fault = ?")) {
            p.setString(1, fault);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                uuids.add(rs.getString(1));
              }
            }
          }
          return uuids;
        });
  }

  /**
   * Deletes a node and its ports.
   *
   * @return false when the node did not exist
   */
  public boolean deleteNode(String uuid) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement ports =
                  c.prepareStatement("DELETE FROM ports WHERE node_uuid = ?");
              PreparedStatement node = c.prepareStatement("DELETE FROM nodes WHERE uuid = ?")) {
            ports.setString(1, uuid);
            ports.executeUpdate();
            node.setString(1, uuid);
            return node.executeUpdate() == 1;
          }
        });
  }

  /**
   * Takes a node's exclusive lock: sets its reservation if nobody holds it, atomically.
   *
   * @return true when this host now holds the lock
   */
  public boolean reserve(String uuid, String host) {
    int rows =
        update(
            "UPDATE nodes SET reservation = ? WHERE uuid = ? AND reservation IS NULL", host, uuid);
    return rows == 1;
  }

  /**
   * Gives back a node's exclusive lock held by this host.
   *
   * @return false when the host did not hold it
   */
  public boolean release(String uuid, String host) {
    int rows =
        update(
            "UPDATE nodes SET reservation = NULL WHERE uuid = ? AND reservation = ?", uuid, host);
    return rows == 1;
  }

  /**
   * Clears every reservation held by a host, for a conductor that starts after a crash.
   *
   * @return the number of locks released
   */
  public int releaseAll(String host) {
    return update("UPDATE nodes SET reservation = NULL WHERE reservation = ?", host);
  }

  /** The number of nodes. */
  public int countNodes() {
    return database.inTransaction(
        c -> {
          try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM nodes");
              ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getInt(1);
          }
        });
  }

  private static void bindNode(PreparedStatement p, Node n) throws SQLException {
    p.setString(1, n.uuid());
    p.setString(2, n.name());
    p.setString(3, n.driver());
    p.setString(4, JsonColumns.write(n.driverInfo()));
    p.setString(5, JsonColumns.write(n.driverInternalInfo()));
    p.setString(6, JsonColumns.write(n.instanceInfo()));
    p.setString(7, JsonColumns.write(n.properties()));
    p.setString(8, JsonColumns.write(n.extra()));
    p.setString(9, n.instanceUuid());
    p.setString(10, n.powerState() == null ? null : n.powerState().value());
    p.setString(11, n.targetPowerState() == null ? null : n.targetPowerState().value());
    p.setString(12, n.provisionState().value());
    p.setString(13, n.targetProvisionState() == null ? null : n.targetProvisionState().value());
    p.setString(14, n.lastError());
    p.setBoolean(15, n.maintenance());
    p.setString(16, n.maintenanceReason());
  }

  private static Node readNode(ResultSet rs) throws SQLException {
    String uuid = rs.getString("uuid");
    return Node.builder(uuid, rs.getString("driver"))
        .name(rs.getString("name"))
        .driverInfo(JsonColumns.read("driver_info", rs.getString("driver_info")))
        .driverInternalInfo(
            JsonColumns.read("driver_internal_info", rs.getString("driver_internal_info")))
        .instanceInfo(JsonColumns.read("instance_info", rs.getString("instance_info")))
        .properties(JsonColumns.read("properties", rs.getString("properties")))
        .extra(JsonColumns.read("extra", rs.getString("extra")))
        .instanceUuid(rs.getString("instance_uuid"))
        .powerState(powerState(uuid, rs.getString("power_state")))
        .targetPowerState(powerState(uuid, rs.getString("target_power_state")))
        .provisionState(provisionState(uuid, rs.getString("provision_state")))
        .targetProvisionState(provisionState(uuid, rs.getString("target_provision_state")))
        .lastError(rs.getString("last_error"))
        .maintenance(rs.getBoolean("maintenance"))
        .maintenanceReason(rs.getString("maintenance_reason"))
        .reservation(rs.getString("reservation"))
        .createdAt(instant(rs, "created_at"))
        .updatedAt(instant(rs, "updated_at"))
        .provisionUpdatedAt(instant(rs, "provision_updated_at"))
        .build();
  }

  private static PowerState powerState(String uuid, String value) {
    if (value == null) {
      return null;
    }
    return PowerState.fromValue(value)
        .orElseThrow(
            () -> new StoreException("Node " + uuid + " has an unknown power state " + value));
  }

  private static ProvisionState provisionState(String uuid, String value) {
    if (value == null) {
      return null;
    }
    return ProvisionState.fromValue(value)
        .orElseThrow(
            () -> new StoreException("Node " + uuid + " has an unknown provision state " + value));
  }

  // ---- ports ----

  /**
   * Stores a new port.
   *
   * @throws DuplicateKeyException when the MAC address or UUID is taken
   * @throws StoreException when the node does not exist
   */
  public Port insertPort(Port port) {
    Port stored = port.toBuilder().createdAt(now()).updatedAt(null).build();
    database.inTransaction(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO ports (" + PORT_COLUMNS + ") VALUES (?,?,?,?,?,?,?)")) {
            p.setString(1, stored.uuid());
            p.setString(2, stored.address().toString());
            p.setString(3, stored.nodeUuid());
            p.setBoolean(4, stored.pxeEnabled());
            p.setString(5, JsonColumns.write(stored.extra()));
            p.setObject(6, utc(stored.createdAt()));
            p.setNull(7, Types.TIMESTAMP_WITH_TIMEZONE);
            p.executeUpdate();
          }
          return null;
        });
    return stored;
  }

  /** The port with this UUID. */
  public Optional<Port> findPort(String uuid) {
    List<Port> ports = queryPorts("uuid = ?", uuid);
    return ports.isEmpty() ? Optional.empty() : Optional.of(ports.get(0));
  }

  /** The port with this MAC address (normalised, lower case). */
  public Optional<Port> findPortByAddress(MacAddress address) {
    List<Port> ports = queryPorts("address = ?", address.toString());
    return ports.isEmpty() ? Optional.empty() : Optional.of(ports.get(0));
  }

  /** A node's ports, oldest first. */
  public List<Port> portsOf(String nodeUuid) {
    return queryPorts("node_uuid = ?", nodeUuid);
  }

  /** Every port, oldest first. */
  public List<Port> listPorts() {
    return queryPorts(null, null);
  }

  /** The ports of every node, by node UUID. */
  public Map<String, List<Port>> portsByNode() {
    Map<String, List<Port>> byNode = new java.util.HashMap<>();
    for (Port p : listPorts()) {
      byNode.computeIfAbsent(p.nodeUuid(), k -> new ArrayList<>()).add(p);
    }
    return byNode;
  }

  private List<Port> queryPorts(String where, String arg) {
    String sql =
        "SELECT "
            + PORT_COLUMNS
            + " FROM ports"
            + (where == null ? "" : " WHERE " + where)
            + " ORDER BY created_at, uuid";
    return database.inTransaction(
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            if (where != null) {
              p.setString(1, arg);
            }
            List<Port> ports = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                ports.add(
                    Port.builder(
                            rs.getString("uuid"),
                            MacAddress.parse(rs.getString("address")),
                            rs.getString("node_uuid"))
                        .pxeEnabled(rs.getBoolean("pxe_enabled"))
                        .extra(JsonColumns.read("extra", rs.getString("extra")))
                        .createdAt(instant(rs, "created_at"))
                        .updatedAt(instant(rs, "updated_at"))
                        .build());
              }
            }
            return ports;
          }
        });
  }

  /**
   * Writes a port's address, node, pxe_enabled and extra; updated_at becomes now.
   *
   * @return the port as stored, or empty when it no longer exists
   * @throws DuplicateKeyException when the new MAC address is taken
   */
  public Optional<Port> updatePort(Port port) {
    Instant now = now();
    boolean updated =
        database.inTransaction(
            c -> {
              try (PreparedStatement p =
                  c.prepareStatement(
                      "UPDATE ports SET address = ?, node_uuid = ?, pxe_enabled = ?, extra = ?,"
                          + " updated_at = ? WHERE uuid = ?")) {
                p.setString(1, port.address().toString());
                p.setString(2, port.nodeUuid());
                p.setBoolean(3, port.pxeEnabled());
                p.setString(4, JsonColumns.write(port.extra()));
                p.setObject(5, utc(now));
                p.setString(6, port.uuid());
                return p.executeUpdate() == 1;
              }
            });
    return updated ? findPort(port.uuid()) : Optional.empty();
  }

  /**
   * Deletes a port.
   *
   * @return false when it did not exist
   */
  public boolean deletePort(String uuid) {
    return update("DELETE FROM ports WHERE uuid = ?", uuid) == 1;
  }

  /** Runs one statement with string parameters in its own transaction; returns the rows changed. */
  private int update(String sql, String... parameters) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
              p.setString(i + 1, parameters[i]);
            }
            return p.executeUpdate();
          }
        });
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
