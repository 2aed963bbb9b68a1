package org.amtpxe.conductor.internal.store;

import java.time.Instant;

/**
 * One entry of a node's history (Ironic's node history, API 1.78): what happened to it, recorded in
 * the transaction of the change it describes.
 *
 * @param uuid the event's UUID
 * @param nodeUuid the node
 * @param createdAt when it happened
 * @param severity {@code INFO}, {@code WARNING} (an inspection's missing parts) or {@code ERROR}
 * @param eventType what kind of change: {@code provisioning}, {@code power}, {@code maintenance},
 *     {@code conductor}, {@code introspection}
 * @param event what happened, in words
 * @param conductor the conductor that recorded it
 * @param user the API user whose request caused it, or null
 */
public record NodeEvent(
    String uuid,
    String nodeUuid,
    Instant createdAt,
    String severity,
    String eventType,
    String event,
    String conductor,
    String user) {}
