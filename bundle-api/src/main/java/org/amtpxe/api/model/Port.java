package org.amtpxe.api.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A network port of a node: the MAC address that PXE boots from. Immutable, built with {@link
 * #builder}; a final class rather than a record so that fields can be added in minor versions.
 */
public final class Port {
  private final String uuid;
  private final MacAddress address;
  private final String nodeUuid;
  private final boolean pxeEnabled;
  private final Map<String, Object> extra;
  private final Instant createdAt;
  private final Instant updatedAt;

  private Port(Builder b) {
    this.uuid = Objects.requireNonNull(b.uuid, "uuid");
    this.address = Objects.requireNonNull(b.address, "address");
    this.nodeUuid = Objects.requireNonNull(b.nodeUuid, "nodeUuid");
    this.pxeEnabled = b.pxeEnabled;
    this.extra = JsonValues.copyOf(b.extra);
    this.createdAt = b.createdAt;
    this.updatedAt = b.updatedAt;
  }

  /** A builder for a PXE-enabled port. */
  public static Builder builder(String uuid, MacAddress address, String nodeUuid) {
    Builder b = new Builder();
    b.uuid = uuid;
    b.address = address;
    b.nodeUuid = nodeUuid;
    return b;
  }

  /** A builder that starts from this port's values. */
  public Builder toBuilder() {
    Builder b = builder(uuid, address, nodeUuid);
    b.pxeEnabled = pxeEnabled;
    b.extra = extra;
    b.createdAt = createdAt;
    b.updatedAt = updatedAt;
    return b;
  }

  /** The port's UUID. */
  public String uuid() {
    return uuid;
  }

  /** Its MAC address. */
  public MacAddress address() {
    return address;
  }

  /** The UUID of the node the port belongs to. */
  public String nodeUuid() {
    return nodeUuid;
  }

  /** Whether the node may network-boot from this port. */
  public boolean pxeEnabled() {
    return pxeEnabled;
  }

  /** Free-form operator data. */
  public Map<String, Object> extra() {
    return extra;
  }

  /** When the port was created. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When it last changed, or null. */
  public Instant updatedAt() {
    return updatedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Port p
        && uuid.equals(p.uuid)
        && address.equals(p.address)
        && nodeUuid.equals(p.nodeUuid)
        && pxeEnabled == p.pxeEnabled
        && extra.equals(p.extra)
        && Objects.equals(createdAt, p.createdAt)
        && Objects.equals(updatedAt, p.updatedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(uuid, address, nodeUuid);
  }

  @Override
  public String toString() {
    return "Port[uuid=" + uuid + ", address=" + address + ", node=" + nodeUuid + "]";
  }

  /** Builds {@link Port} values. */
  public static final class Builder {
    private String uuid;
    private MacAddress address;
    private String nodeUuid;
    private boolean pxeEnabled = true;
    private Map<String, ?> extra = Map.of();
    private Instant createdAt;
    private Instant updatedAt;

    private Builder() {}

    /** Sets the port's UUID. */
    public Builder uuid(String v) {
      uuid = v;
      return this;
    }

    /** Sets the MAC address. */
    public Builder address(MacAddress v) {
      address = v;
      return this;
    }

    /** Sets the node the port belongs to. */
    public Builder nodeUuid(String v) {
      nodeUuid = v;
      return this;
    }

    /** Sets whether the node may network-boot from the port (default true). */
    public Builder pxeEnabled(boolean v) {
      pxeEnabled = v;
      return this;
    }

    /** Sets free-form operator data. */
    public Builder extra(Map<String, ?> v) {
      extra = v;
      return this;
    }

    /** Sets when the port was created. */
    public Builder createdAt(Instant v) {
      createdAt = v;
      return this;
    }

    /** Sets when it last changed. */
    public Builder updatedAt(Instant v) {
      updatedAt = v;
      return this;
    }

    /** The port. */
    public Port build() {
      return new Port(this);
    }
  }
}
