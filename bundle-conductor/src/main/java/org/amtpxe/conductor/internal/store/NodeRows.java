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

  private static final List<String> COLUMN_LIST =
      Arrays.stream(COLUMNS.split(",")).map(String::strip).toList();

  /**
   * The 1-based position of each column in {@link #COLUMNS}: every query the mapper reads selects
   * exactly those columns, and reading by position spares the driver a name lookup per value (H2
   * upper-cases and hashes the name each time).
   */
  private static final class C {
    static final int AUTOMATED_CLEAN = position("automated_clean");
    static final int CONDUCTOR_GROUP = position("conductor_group");
    static final int CREATED_AT = position("created_at");
    static final int DESCRIPTION = position("description");
    static final int DRIVER = position("driver");
    static final int DRIVER_INFO = position("driver_info");
    static final int DRIVER_INTERNAL_INFO = position("driver_internal_info");
    static final int EXTRA = position("extra");
    static final int FAULT = position("fault");
    static final int INSTANCE_INFO = position("instance_info");
    static final int INSTANCE_UUID = position("instance_uuid");
    static final int IS_PROTECTED = position("is_protected");
    static final int LAST_ERROR = position("last_error");
    static final int LESSEE = position("lessee");
    static final int MAINTENANCE = position("maintenance");
    static final int MAINTENANCE_REASON = position("maintenance_reason");
    static final int NAME = position("name");
    static final int OWNER = position("owner");
    static final int POWER_STATE = position("power_state");
    static final int PROPERTIES = position("properties");
    static final int PROTECTED_REASON = position("protected_reason");
    static final int PROVISION_STATE = position("provision_state");
    static final int PROVISION_UPDATED_AT = position("provision_updated_at");
    static final int RESERVATION = position("reservation");
    static final int RESOURCE_CLASS = position("resource_class");
    static final int RETIRED = position("retired");
    static final int RETIRED_REASON = position("retired_reason");
    static final int TARGET_POWER_STATE = position("target_power_state");
    static final int TARGET_PROVISION_STATE = position("target_provision_state");
    static final int UPDATED_AT = position("updated_at");
    static final int UUID = position("uuid");

    private static int position(String column) {
      int i = COLUMN_LIST.indexOf(column);
      if (i < 0) {
        throw new IllegalStateException("No column " + column + " in NodeRows.COLUMNS");
      }
      return i + 1;
    }
  }

  /** The node of a row selected with {@link #COLUMNS} (in that order). */
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
    String uuid = rs.getString(C.UUID);
    Object automatedClean = rs.getObject(C.AUTOMATED_CLEAN);
    return Node.builder(uuid, rs.getString(C.DRIVER))
        .name(rs.getString(C.NAME))
        .driverInfo(JsonColumns.read("driver_info", rs.getString(C.DRIVER_INFO)))
        .driverInternalInfo(
            JsonColumns.read("driver_internal_info", rs.getString(C.DRIVER_INTERNAL_INFO)))
        .instanceInfo(JsonColumns.read("instance_info", rs.getString(C.INSTANCE_INFO)))
        .properties(JsonColumns.read("properties", rs.getString(C.PROPERTIES)))
        .extra(JsonColumns.read("extra", rs.getString(C.EXTRA)))
        .instanceUuid(rs.getString(C.INSTANCE_UUID))
        .powerState(powerState(uuid, rs.getString(C.POWER_STATE)))
        .targetPowerState(powerState(uuid, rs.getString(C.TARGET_POWER_STATE)))
        .provisionState(provisionState(uuid, rs.getString(C.PROVISION_STATE)))
        .targetProvisionState(provisionState(uuid, rs.getString(C.TARGET_PROVISION_STATE)))
        .lastError(rs.getString(C.LAST_ERROR))
        .maintenance(rs.getBoolean(C.MAINTENANCE))
        .maintenanceReason(rs.getString(C.MAINTENANCE_REASON))
        .fault(rs.getString(C.FAULT))
        .reservation(rs.getString(C.RESERVATION))
        .description(rs.getString(C.DESCRIPTION))
        .owner(rs.getString(C.OWNER))
        .lessee(rs.getString(C.LESSEE))
        .resourceClass(rs.getString(C.RESOURCE_CLASS))
        .conductorGroup(rs.getString(C.CONDUCTOR_GROUP))
        .retired(rs.getBoolean(C.RETIRED))
        .retiredReason(rs.getString(C.RETIRED_REASON))
        .protectedNode(rs.getBoolean(C.IS_PROTECTED))
        .protectedReason(rs.getString(C.PROTECTED_REASON))
        .automatedClean(automatedClean == null ? null : rs.getBoolean(C.AUTOMATED_CLEAN))
        .createdAt(instant(rs, C.CREATED_AT))
        .updatedAt(instant(rs, C.UPDATED_AT))
        .provisionUpdatedAt(instant(rs, C.PROVISION_UPDATED_AT))
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
    return instant(rs, rs.findColumn(column));
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
