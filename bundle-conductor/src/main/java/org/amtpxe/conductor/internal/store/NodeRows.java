package org.amtpxe.conductor.internal.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
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

  // NOTE: columns by position (1-based, in COLUMNS' order), which every query of this mapper
  // selects: H2 looks a column label up by upper-casing it, a String per column and row.
  private static final List<String> COLUMN_LIST =
      Arrays.stream(COLUMNS.split(",")).map(String::strip).toList();
  private static final int UUID = column("uuid");
  private static final int NAME = column("name");
  private static final int DRIVER = column("driver");
  private static final int DRIVER_INFO = column("driver_info");
  private static final int DRIVER_INTERNAL_INFO = column("driver_internal_info");
  private static final int INSTANCE_INFO = column("instance_info");
  private static final int PROPERTIES = column("properties");
  private static final int EXTRA = column("extra");
  private static final int INSTANCE_UUID = column("instance_uuid");
  private static final int POWER_STATE = column("power_state");
  private static final int TARGET_POWER_STATE = column("target_power_state");
  private static final int PROVISION_STATE = column("provision_state");
  private static final int TARGET_PROVISION_STATE = column("target_provision_state");
  private static final int LAST_ERROR = column("last_error");
  private static final int MAINTENANCE = column("maintenance");
  private static final int MAINTENANCE_REASON = column("maintenance_reason");
  private static final int FAULT = column("fault");
  private static final int RESERVATION = column("reservation");
  private static final int DESCRIPTION = column("description");
  private static final int OWNER = column("owner");
  private static final int LESSEE = column("lessee");
  private static final int RESOURCE_CLASS = column("resource_class");
  private static final int CONDUCTOR_GROUP = column("conductor_group");
  private static final int RETIRED = column("retired");
  private static final int RETIRED_REASON = column("retired_reason");
  private static final int IS_PROTECTED = column("is_protected");
  private static final int PROTECTED_REASON = column("protected_reason");
  private static final int AUTOMATED_CLEAN = column("automated_clean");
  private static final int CREATED_AT = column("created_at");
  private static final int UPDATED_AT = column("updated_at");
  private static final int PROVISION_UPDATED_AT = column("provision_updated_at");

  private static int column(String name) {
    int i = COLUMN_LIST.indexOf(name);
    if (i < 0) {
      throw new IllegalStateException("No column " + name + " in " + COLUMNS);
    }
    return i + 1;
  }

  private static Node map(ResultSet rs, StatementContext ctx) throws SQLException {
    String uuid = rs.getString(UUID);
    Object automatedClean = rs.getObject(AUTOMATED_CLEAN);
    return Node.builder(uuid, rs.getString(DRIVER))
        .name(rs.getString(NAME))
        .driverInfo(JsonColumns.read("driver_info", rs.getString(DRIVER_INFO)))
        .driverInternalInfo(
            JsonColumns.read("driver_internal_info", rs.getString(DRIVER_INTERNAL_INFO)))
        .instanceInfo(JsonColumns.read("instance_info", rs.getString(INSTANCE_INFO)))
        .properties(JsonColumns.read("properties", rs.getString(PROPERTIES)))
        .extra(JsonColumns.read("extra", rs.getString(EXTRA)))
        .instanceUuid(rs.getString(INSTANCE_UUID))
        .powerState(powerState(uuid, rs.getString(POWER_STATE)))
        .targetPowerState(powerState(uuid, rs.getString(TARGET_POWER_STATE)))
        .provisionState(provisionState(uuid, rs.getString(PROVISION_STATE)))
        .targetProvisionState(provisionState(uuid, rs.getString(TARGET_PROVISION_STATE)))
        .lastError(rs.getString(LAST_ERROR))
        .maintenance(rs.getBoolean(MAINTENANCE))
        .maintenanceReason(rs.getString(MAINTENANCE_REASON))
        .fault(rs.getString(FAULT))
        .reservation(rs.getString(RESERVATION))
        .description(rs.getString(DESCRIPTION))
        .owner(rs.getString(OWNER))
        .lessee(rs.getString(LESSEE))
        .resourceClass(rs.getString(RESOURCE_CLASS))
        .conductorGroup(rs.getString(CONDUCTOR_GROUP))
        .retired(rs.getBoolean(RETIRED))
        .retiredReason(rs.getString(RETIRED_REASON))
        .protectedNode(rs.getBoolean(IS_PROTECTED))
        .protectedReason(rs.getString(PROTECTED_REASON))
        .automatedClean(automatedClean == null ? null : rs.getBoolean(AUTOMATED_CLEAN))
        .createdAt(instant(rs, CREATED_AT))
        .updatedAt(instant(rs, UPDATED_AT))
        .provisionUpdatedAt(instant(rs, PROVISION_UPDATED_AT))
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

  /** The same, by column position. */
  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
