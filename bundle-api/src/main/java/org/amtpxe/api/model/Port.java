package org.amtpxe.api.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A network port of a node: the MAC address that PXE boots from.
 *
 * @param uuid the port's UUID
 * @param address the MAC address, lower case with colons ({@code 52:54:00:12:34:56})
 * @param nodeUuid the UUID of the node the port belongs to
 * @param pxeEnabled whether the node may network-boot from this port
 * @param extra free-form operator data
 * @param createdAt when the port was created
 * @param updatedAt when it last changed, or null
 */
public record Port(
    String uuid,
    String address,
    String nodeUuid,
    boolean pxeEnabled,
    Map<String, Object> extra,
    Instant createdAt,
    Instant updatedAt) {
  public Port {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(nodeUuid, "nodeUuid");
    extra = JsonValues.copyOf(extra);
  }
}
