package org.amtpxe.api.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A bare-metal node as the conductor stores it. Immutable: a change builds a new value with {@link
 * #toBuilder()} that the caller stores.
 *
 * <p>The maps hold JSON values (strings, numbers, booleans, lists and maps) and are deep,
 * unmodifiable copies. {@link #toString()} leaves them out, because {@code driver_info} holds
 * passwords.
 *
 * @param uuid the node's UUID
 * @param name an optional unique, human-friendly name
 * @param driver the name of the driver that manages the node, for example {@code pxe_amt}
 * @param driverInfo what the driver needs to reach the node ({@code amt_address}, ...)
 * @param driverInternalInfo what the driver records about the node for itself
 * @param instanceInfo what the deploy needs ({@code image_source}, ...) and records
 * @param properties the node's hardware properties
 * @param extra free-form operator data
 * @param instanceUuid the UUID of the instance deployed on the node, if any
 * @param powerState the last known power state, or null when unknown
 * @param targetPowerState the power state being reached, or null when none is in progress
 * @param provisionState the provisioning state
 * @param targetProvisionState the provisioning state being reached, or null
 * @param lastError the last error a driver or the conductor recorded, or null
 * @param maintenance whether the node is in maintenance (no automatic actions)
 * @param maintenanceReason why it is in maintenance, or null
 * @param reservation the name of the conductor holding the exclusive lock, or null
 * @param createdAt when the node was enrolled
 * @param updatedAt when the node last changed, or null
 * @param provisionUpdatedAt when the provision state last changed, or null
 */
public record Node(
    String uuid,
    String name,
    String driver,
    Map<String, Object> driverInfo,
    Map<String, Object> driverInternalInfo,
    Map<String, Object> instanceInfo,
    Map<String, Object> properties,
    Map<String, Object> extra,
    String instanceUuid,
    PowerState powerState,
    PowerState targetPowerState,
    ProvisionState provisionState,
    ProvisionState targetProvisionState,
    String lastError,
    boolean maintenance,
    String maintenanceReason,
    String reservation,
    Instant createdAt,
    Instant updatedAt,
    Instant provisionUpdatedAt) {

  public Node {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(provisionState, "provisionState");
    driverInfo = JsonValues.copyOf(driverInfo);
    driverInternalInfo = JsonValues.copyOf(driverInternalInfo);
    instanceInfo = JsonValues.copyOf(instanceInfo);
    properties = JsonValues.copyOf(properties);
    extra = JsonValues.copyOf(extra);
  }

  /** A builder for a new node in state {@code enroll}. */
  public static Builder builder(String uuid, String driver) {
    return new Builder().uuid(uuid).driver(driver).provisionState(ProvisionState.ENROLL);
  }

  /** A builder that starts from this node's values. */
  public Builder toBuilder() {
    return new Builder()
        .uuid(uuid)
        .name(name)
        .driver(driver)
        .driverInfo(driverInfo)
        .driverInternalInfo(driverInternalInfo)
        .instanceInfo(instanceInfo)
        .properties(properties)
        .extra(extra)
        .instanceUuid(instanceUuid)
        .powerState(powerState)
        .targetPowerState(targetPowerState)
        .provisionState(provisionState)
        .targetProvisionState(targetProvisionState)
        .lastError(lastError)
        .maintenance(maintenance)
        .maintenanceReason(maintenanceReason)
        .reservation(reservation)
        .createdAt(createdAt)
        .updatedAt(updatedAt)
        .provisionUpdatedAt(provisionUpdatedAt);
  }

  /** The node's name when it has one, otherwise its UUID: what messages should show. */
  public String displayName() {
    return name != null ? name : uuid;
  }

  @Override
  public String toString() {
    return "Node[uuid="
        + uuid
        + ", name="
        + name
        + ", driver="
        + driver
        + ", powerState="
        + powerState
        + ", provisionState="
        + provisionState
        + ", reservation="
        + reservation
        + "]";
  }

  /** Builds {@link Node} values. */
  public static final class Builder {
    private String uuid;
    private String name;
    private String driver;
    private Map<String, ?> driverInfo = Map.of();
    private Map<String, ?> driverInternalInfo = Map.of();
    private Map<String, ?> instanceInfo = Map.of();
    private Map<String, ?> properties = Map.of();
    private Map<String, ?> extra = Map.of();
    private String instanceUuid;
    private PowerState powerState;
    private PowerState targetPowerState;
    private ProvisionState provisionState;
    private ProvisionState targetProvisionState;
    private String lastError;
    private boolean maintenance;
    private String maintenanceReason;
    private String reservation;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant provisionUpdatedAt;

    private Builder() {}

    public Builder uuid(String v) {
      uuid = v;
      return this;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder driver(String v) {
      driver = v;
      return this;
    }

    public Builder driverInfo(Map<String, ?> v) {
      driverInfo = v;
      return this;
    }

    public Builder driverInternalInfo(Map<String, ?> v) {
      driverInternalInfo = v;
      return this;
    }

    public Builder instanceInfo(Map<String, ?> v) {
      instanceInfo = v;
      return this;
    }

    public Builder properties(Map<String, ?> v) {
      properties = v;
      return this;
    }

    public Builder extra(Map<String, ?> v) {
      extra = v;
      return this;
    }

    public Builder instanceUuid(String v) {
      instanceUuid = v;
      return this;
    }

    public Builder powerState(PowerState v) {
      powerState = v;
      return this;
    }

    public Builder targetPowerState(PowerState v) {
      targetPowerState = v;
      return this;
    }

    public Builder provisionState(ProvisionState v) {
      provisionState = v;
      return this;
    }

    public Builder targetProvisionState(ProvisionState v) {
      targetProvisionState = v;
      return this;
    }

    public Builder lastError(String v) {
      lastError = v;
      return this;
    }

    public Builder maintenance(boolean v) {
      maintenance = v;
      return this;
    }

    public Builder maintenanceReason(String v) {
      maintenanceReason = v;
      return this;
    }

    public Builder reservation(String v) {
      reservation = v;
      return this;
    }

    public Builder createdAt(Instant v) {
      createdAt = v;
      return this;
    }

    public Builder updatedAt(Instant v) {
      updatedAt = v;
      return this;
    }

    public Builder provisionUpdatedAt(Instant v) {
      provisionUpdatedAt = v;
      return this;
    }

    @SuppressWarnings("unchecked")
    public Node build() {
      return new Node(
          uuid,
          name,
          driver,
          (Map<String, Object>) driverInfo,
          (Map<String, Object>) driverInternalInfo,
          (Map<String, Object>) instanceInfo,
          (Map<String, Object>) properties,
          (Map<String, Object>) extra,
          instanceUuid,
          powerState,
          targetPowerState,
          provisionState,
          targetProvisionState,
          lastError,
          maintenance,
          maintenanceReason,
          reservation,
          createdAt,
          updatedAt,
          provisionUpdatedAt);
    }
  }
}
