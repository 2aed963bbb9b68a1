package org.amtpxe.conductor.internal.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** The nodes table: its columns, its row mapper, and the named parameters of a node. */
final class NodeRows {
  /** Every column, in the order of the table. */
  static final String COLUMNS =
      "uuid, name, driver, driver_info, driver_internal_info, instance_info, properties, extra,"
          + " instance_uuid, power_state, target_power_state, provision_state,"
          + " target_provision_state, last_error, maintenance, maintenance_reason, fault,"
          + " reservation, description, owner, lessee, resource_class, conductor_group, retired,"
          + " retired_reason, is_protected, protected_reason, automated_clean, created_at,"
          + " updated_at, provision_updated_at";

  /**
   * The columns a node's owner writes, as {@code column = :parameter}: everything but the key, the
   * reservation (the lock), the fault (the power sync's), created_at and the timestamps the store
   * keeps.
   */
  static final String WRITABLE =
      "name = :name, driver = :driver, driver_info = :driver_info,"
          + " driver_internal_info = :driver_internal_info, instance_info = :instance_info,"
          + " properties = :properties, extra = :extra, instance_uuid = :instance_uuid,"
          + " power_state = :power_state, target_power_state = :target_power_state,"
          + " provision_state = :provision_state, target_provision_state = :target_provision_state,"
          + " last_error = :last_error, maintenance = :maintenance,"
          + " maintenance_reason = :maintenance_reason, description = :description,"
          + " owner = :owner, lessee = :lessee, resource_class = :resource_class,"
          + " conductor_group = :conductor_group, retired = :retired,"
          + " retired_reason = :retired_reason, is_protected = :is_protected,"
          + " protected_reason = :protected_reason, automated_clean = :automated_clean";

  /** The node of a row selected with {@link #COLUMNS}. */
  static final RowMapper<Node> MAPPER = NodeRows::map;

  private NodeRows() {}

  /** Binds every writable column of the node, by name. */
  static <S extends SqlStatement<S>> S bind(S statement, Node n) {
    return statement
        .bind("uuid", n.uuid())
        .bind("name", n.name())
        .bind("driver", n.driver())
        .bind("driver_info", JsonColumns.write(n.driverInfo()))
        .bind("driver_internal_info", JsonColumns.write(n.driverInternalInfo()))
        .bind("instance_info", JsonColumns.write(n.instanceInfo()))
        .bind("properties", JsonColumns.write(n.properties()))
        .bind("extra", JsonColumns.write(n.extra()))
        .bind("instance_uuid", n.instanceUuid())
        .bind("power_state", n.powerState() == null ? null : n.powerState().value())
        .bind(
            "target_power_state",
            n.targetPowerState() == null ? null : n.targetPowerState().value())
        .bind("provision_state", n.provisionState().value())
        .bind(
            "target_provision_state",
            n.targetProvisionState() == null ? null : n.targetProvisionState().value())
        .bind("last_error", n.lastError())
        .bind("maintenance", n.maintenance())
        .bind("maintenance_reason", n.maintenanceReason())
        .bind("description", n.description())
        .bind("owner", n.owner())
        .bind("lessee", n.lessee())
        .bind("resource_class", n.resourceClass())
        .bind("conductor_group", n.conductorGroup())
        .bind("retired", n.retired())
        .bind("retired_reason", n.retiredReason())
        .bind("is_protected", n.protectedNode())
        .bind("protected_reason", n.protectedReason())
        .bind("automated_clean", n.automatedClean());
  }

  private static Node map(ResultSet rs, StatementContext ctx) throws SQLException {
    String uuid = rs.getString("uuid");
    Object automatedClean = rs.getObject("automated_clean");
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
        .fault(rs.getString("fault"))
        .reservation(rs.getString("reservation"))
        .description(rs.getString("description"))
        .owner(rs.getString("owner"))
        .lessee(rs.getString("lessee"))
        .resourceClass(rs.getString("resource_class"))
        .conductorGroup(rs.getString("conductor_group"))
        .retired(rs.getBoolean("retired"))
        .retiredReason(rs.getString("retired_reason"))
        .protectedNode(rs.getBoolean("is_protected"))
        .protectedReason(rs.getString("protected_reason"))
        .automatedClean(automatedClean == null ? null : rs.getBoolean("automated_clean"))
        .createdAt(instant(rs, "created_at"))
        .updatedAt(instant(rs, "updated_at"))
        .provisionUpdatedAt(instant(rs, "provision_updated_at"))
        .build();
  }

  static PowerState powerState(String uuid, String value) {
    if (value == null) {
      return null;
    }
    return PowerState.fromValue(value)
        .orElseThrow(
            () -> new StoreException("Node " + uuid + " has an unknown power state " + value));
  }

  static ProvisionState provisionState(String uuid, String value) {
    if (value == null) {
      return null;
    }
    return ProvisionState.fromValue(value)
        .orElseThrow(
            () -> new StoreException("Node " + uuid + " has an unknown provision state " + value));
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
