package org.amtpxe.api.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A bare-metal node as the conductor stores it. Immutable: a change builds a new value with {@link
 * #toBuilder()} that the caller stores.
 *
 * <p>A final class with a builder, not a record: a field added in a later minor version of this API
 * is a new accessor and a new builder method, which compiled drivers do not notice (a record's
 * canonical constructor would change, a binary break for every driver bundle).
 *
 * <p>The maps hold JSON values (strings, numbers, booleans, lists and maps) and are deep,
 * unmodifiable copies. {@link #toString()} leaves them out, because {@code driver_info} holds
 * passwords.
 */
public final class Node {
  private final String uuid;
  private final String name;
  private final String driver;
  private final Map<String, Object> driverInfo;
  private final Map<String, Object> driverInternalInfo;
  private final Map<String, Object> instanceInfo;
  private final Map<String, Object> properties;
  private final Map<String, Object> extra;
  private final String instanceUuid;
  private final PowerState powerState;
  private final PowerState targetPowerState;
  private final ProvisionState provisionState;
  private final ProvisionState targetProvisionState;
  private final String lastError;
  private final boolean maintenance;
  private final String maintenanceReason;
  private final String fault;
  private final String reservation;
  private final String description;
  private final String owner;
  private final String lessee;
  private final String resourceClass;
  private final String conductorGroup;
  private final boolean retired;
  private final String retiredReason;
  private final boolean protectedNode;
  private final String protectedReason;
  private final Boolean automatedClean;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final Instant provisionUpdatedAt;

  private Node(Builder b) {
    this.uuid = Objects.requireNonNull(b.uuid, "uuid");
    this.driver = Objects.requireNonNull(b.driver, "driver");
    this.provisionState = Objects.requireNonNull(b.provisionState, "provisionState");
    this.name = b.name;
    this.driverInfo = JsonValues.copyOf(b.driverInfo);
    this.driverInternalInfo = JsonValues.copyOf(b.driverInternalInfo);
    this.instanceInfo = JsonValues.copyOf(b.instanceInfo);
    this.properties = JsonValues.copyOf(b.properties);
    this.extra = JsonValues.copyOf(b.extra);
    this.instanceUuid = b.instanceUuid;
    this.powerState = b.powerState;
    this.targetPowerState = b.targetPowerState;
    this.targetProvisionState = b.targetProvisionState;
    this.lastError = b.lastError;
    this.maintenance = b.maintenance;
    this.maintenanceReason = b.maintenanceReason;
    this.fault = b.fault;
    this.reservation = b.reservation;
    this.description = b.description;
    this.owner = b.owner;
    this.lessee = b.lessee;
    this.resourceClass = b.resourceClass;
    this.conductorGroup = b.conductorGroup == null ? "" : b.conductorGroup;
    this.retired = b.retired;
    this.retiredReason = b.retiredReason;
    this.protectedNode = b.protectedNode;
    this.protectedReason = b.protectedReason;
    this.automatedClean = b.automatedClean;
    this.createdAt = b.createdAt;
    this.updatedAt = b.updatedAt;
    this.provisionUpdatedAt = b.provisionUpdatedAt;
  }

  /** A builder for a new node in state {@code enroll}. */
  public static Builder builder(String uuid, String driver) {
    return new Builder().uuid(uuid).driver(driver).provisionState(ProvisionState.ENROLL);
  }

  /** A builder that starts from this node's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.uuid = uuid;
    b.name = name;
    b.driver = driver;
    b.driverInfo = driverInfo;
    b.driverInternalInfo = driverInternalInfo;
    b.instanceInfo = instanceInfo;
    b.properties = properties;
    b.extra = extra;
    b.instanceUuid = instanceUuid;
    b.powerState = powerState;
    b.targetPowerState = targetPowerState;
    b.provisionState = provisionState;
    b.targetProvisionState = targetProvisionState;
    b.lastError = lastError;
    b.maintenance = maintenance;
    b.maintenanceReason = maintenanceReason;
    b.fault = fault;
    b.reservation = reservation;
    b.description = description;
    b.owner = owner;
    b.lessee = lessee;
    b.resourceClass = resourceClass;
    b.conductorGroup = conductorGroup;
    b.retired = retired;
    b.retiredReason = retiredReason;
    b.protectedNode = protectedNode;
    b.protectedReason = protectedReason;
    b.automatedClean = automatedClean;
    b.createdAt = createdAt;
    b.updatedAt = updatedAt;
    b.provisionUpdatedAt = provisionUpdatedAt;
    return b;
  }

  /** The node's UUID. */
  public String uuid() {
    return uuid;
  }

  /** An optional unique, human-friendly name, or null. */
  public String name() {
    return name;
  }

  /** The name of the driver that manages the node, for example {@code pxe_amt}. */
  public String driver() {
    return driver;
  }

  /** What the driver needs to reach the node ({@code amt_address}, ...). */
  public Map<String, Object> driverInfo() {
    return driverInfo;
  }

  /** What the driver records about the node for itself. */
  public Map<String, Object> driverInternalInfo() {
    return driverInternalInfo;
  }

  /** What the deploy needs ({@code image_source}, ...) and records. */
  public Map<String, Object> instanceInfo() {
    return instanceInfo;
  }

  /** The node's hardware properties. */
  public Map<String, Object> properties() {
    return properties;
  }

  /** Free-form operator data. */
  public Map<String, Object> extra() {
    return extra;
  }

  /** The UUID of the instance deployed on the node, or null. */
  public String instanceUuid() {
    return instanceUuid;
  }

  /** The last known power state, or null when unknown. */
  public PowerState powerState() {
    return powerState;
  }

  /** The power state being reached, or null when none is in progress. */
  public PowerState targetPowerState() {
    return targetPowerState;
  }

  /** The provisioning state. */
  public ProvisionState provisionState() {
    return provisionState;
  }

  /** The provisioning state being reached, or null. */
  public ProvisionState targetProvisionState() {
    return targetProvisionState;
  }

  /** The last error a driver or the conductor recorded, or null. */
  public String lastError() {
    return lastError;
  }

  /** Whether the node is in maintenance (no automatic actions). */
  public boolean maintenance() {
    return maintenance;
  }

  /** Why it is in maintenance, or null. */
  public String maintenanceReason() {
    return maintenanceReason;
  }

  /**
   * Why the conductor itself put the node into maintenance (Ironic's {@code power failure}), or
   * null.
   */
  public String fault() {
    return fault;
  }

  /** The name of the conductor holding the exclusive lock, or null. */
  public String reservation() {
    return reservation;
  }

  /** Free text about the node, or null. */
  public String description() {
    return description;
  }

  /** The project or team that owns the node, or null. */
  public String owner() {
    return owner;
  }

  /** The project or team the node is lent to, or null. */
  public String lessee() {
    return lessee;
  }

  /** The node's resource class, or null. */
  public String resourceClass() {
    return resourceClass;
  }

  /** The group of conductors that may manage the node; empty for any. */
  public String conductorGroup() {
    return conductorGroup;
  }

  /** Whether the node is retired (taken out of service once it is cleaned). */
  public boolean retired() {
    return retired;
  }

  /** Why it is retired, or null. */
  public String retiredReason() {
    return retiredReason;
  }

  /** Whether the node is protected against undeploy and rebuild (Ironic's {@code protected}). */
  public boolean protectedNode() {
    return protectedNode;
  }

  /** Why it is protected, or null. */
  public String protectedReason() {
    return protectedReason;
  }

  /** Whether automated cleaning runs for this node, or null for the conductor's default. */
  public Boolean automatedClean() {
    return automatedClean;
  }

  /** When the node was enrolled. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When the node last changed, or null. */
  public Instant updatedAt() {
    return updatedAt;
  }

  /** When the provision state last changed, or null. */
  public Instant provisionUpdatedAt() {
    return provisionUpdatedAt;
  }

  /** The node's name when it has one, otherwise its UUID: what messages should show. */
  public String displayName() {
    return name != null ? name : uuid;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Node n)) {
      return false;
    }
    return Objects.equals(uuid, n.uuid)
        && Objects.equals(name, n.name)
        && Objects.equals(driver, n.driver)
        && Objects.equals(driverInfo, n.driverInfo)
        && Objects.equals(driverInternalInfo, n.driverInternalInfo)
        && Objects.equals(instanceInfo, n.instanceInfo)
        && Objects.equals(properties, n.properties)
        && Objects.equals(extra, n.extra)
        && Objects.equals(instanceUuid, n.instanceUuid)
        && Objects.equals(powerState, n.powerState)
        && Objects.equals(targetPowerState, n.targetPowerState)
        && Objects.equals(provisionState, n.provisionState)
        && Objects.equals(targetProvisionState, n.targetProvisionState)
        && Objects.equals(lastError, n.lastError)
        && maintenance == n.maintenance
        && Objects.equals(maintenanceReason, n.maintenanceReason)
        && Objects.equals(fault, n.fault)
        && Objects.equals(reservation, n.reservation)
        && Objects.equals(description, n.description)
        && Objects.equals(owner, n.owner)
        && Objects.equals(lessee, n.lessee)
        && Objects.equals(resourceClass, n.resourceClass)
        && Objects.equals(conductorGroup, n.conductorGroup)
        && retired == n.retired
        && Objects.equals(retiredReason, n.retiredReason)
        && protectedNode == n.protectedNode
        && Objects.equals(protectedReason, n.protectedReason)
        && Objects.equals(automatedClean, n.automatedClean)
        && Objects.equals(createdAt, n.createdAt)
        && Objects.equals(updatedAt, n.updatedAt)
        && Objects.equals(provisionUpdatedAt, n.provisionUpdatedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(uuid, name, driver, provisionState, updatedAt);
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
    private String fault;
    private String reservation;
    private String description;
    private String owner;
    private String lessee;
    private String resourceClass;
    private String conductorGroup;
    private boolean retired;
    private String retiredReason;
    private boolean protectedNode;
    private String protectedReason;
    private Boolean automatedClean;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant provisionUpdatedAt;

    private Builder() {}

    /** Sets the node's UUID. */
    public Builder uuid(String v) {
      uuid = v;
      return this;
    }

    /** Sets an optional unique, human-friendly name, or null. */
    public Builder name(String v) {
      name = v;
      return this;
    }

    /** Sets the name of the driver that manages the node, for example {@code pxe_amt}. */
    public Builder driver(String v) {
      driver = v;
      return this;
    }

    /** Sets what the driver needs to reach the node ({@code amt_address}, ...). */
    public Builder driverInfo(Map<String, ?> v) {
      driverInfo = v;
      return this;
    }

    /** Sets what the driver records about the node for itself. */
    public Builder driverInternalInfo(Map<String, ?> v) {
      driverInternalInfo = v;
      return this;
    }

    /** Sets what the deploy needs ({@code image_source}, ...) and records. */
    public Builder instanceInfo(Map<String, ?> v) {
      instanceInfo = v;
      return this;
    }

    /** Sets the node's hardware properties. */
    public Builder properties(Map<String, ?> v) {
      properties = v;
      return this;
    }

    /** Sets free-form operator data. */
    public Builder extra(Map<String, ?> v) {
      extra = v;
      return this;
    }

    /** Sets the UUID of the instance deployed on the node, or null. */
    public Builder instanceUuid(String v) {
      instanceUuid = v;
      return this;
    }

    /** Sets the last known power state, or null when unknown. */
    public Builder powerState(PowerState v) {
      powerState = v;
      return this;
    }

    /** Sets the power state being reached, or null when none is in progress. */
    public Builder targetPowerState(PowerState v) {
      targetPowerState = v;
      return this;
    }

    /** Sets the provisioning state. */
    public Builder provisionState(ProvisionState v) {
      provisionState = v;
      return this;
    }

    /** Sets the provisioning state being reached, or null. */
    public Builder targetProvisionState(ProvisionState v) {
      targetProvisionState = v;
      return this;
    }

    /** Sets the last error a driver or the conductor recorded, or null. */
    public Builder lastError(String v) {
      lastError = v;
      return this;
    }

    /** Sets whether the node is in maintenance (no automatic actions). */
    public Builder maintenance(boolean v) {
      maintenance = v;
      return this;
    }

    /** Sets why it is in maintenance, or null. */
    public Builder maintenanceReason(String v) {
      maintenanceReason = v;
      return this;
    }

    /**
     * Sets why the conductor itself put the node into maintenance (Ironic's {@code power failure}),
     * or null.
     */
    public Builder fault(String v) {
      fault = v;
      return this;
    }

    /** Sets the name of the conductor holding the exclusive lock, or null. */
    public Builder reservation(String v) {
      reservation = v;
      return this;
    }

    /** Sets free text about the node, or null. */
    public Builder description(String v) {
      description = v;
      return this;
    }

    /** Sets the project or team that owns the node, or null. */
    public Builder owner(String v) {
      owner = v;
      return this;
    }

    /** Sets the project or team the node is lent to, or null. */
    public Builder lessee(String v) {
      lessee = v;
      return this;
    }

    /** Sets the node's resource class, or null. */
    public Builder resourceClass(String v) {
      resourceClass = v;
      return this;
    }

    /** Sets the group of conductors that may manage the node; empty for any. */
    public Builder conductorGroup(String v) {
      conductorGroup = v;
      return this;
    }

    /** Sets whether the node is retired (taken out of service once it is cleaned). */
    public Builder retired(boolean v) {
      retired = v;
      return this;
    }

    /** Sets why it is retired, or null. */
    public Builder retiredReason(String v) {
      retiredReason = v;
      return this;
    }

    /**
     * Sets whether the node is protected against undeploy and rebuild (Ironic's {@code protected}).
     */
    public Builder protectedNode(boolean v) {
      protectedNode = v;
      return this;
    }

    /** Sets why it is protected, or null. */
    public Builder protectedReason(String v) {
      protectedReason = v;
      return this;
    }

    /** Sets whether automated cleaning runs for this node, or null for the conductor's default. */
    public Builder automatedClean(Boolean v) {
      automatedClean = v;
      return this;
    }

    /** Sets when the node was enrolled. */
    public Builder createdAt(Instant v) {
      createdAt = v;
      return this;
    }

    /** Sets when the node last changed, or null. */
    public Builder updatedAt(Instant v) {
      updatedAt = v;
      return this;
    }

    /** Sets when the provision state last changed, or null. */
    public Builder provisionUpdatedAt(Instant v) {
      provisionUpdatedAt = v;
      return this;
    }

    /** The node. */
    public Node build() {
      return new Node(this);
    }
  }
}
