package org.amtpxe.api.history;

import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Records events in a node's history (Ironic's node history, API 1.78) for code that holds no task
 * on the node: registered as an OSGi service by the conductor, bound optionally and dynamically by
 * the boot servers, which note what they served to a node being deployed.
 *
 * <p>Recording is best effort and never blocks the caller on the database: an event is queued and
 * written shortly after, with the time the caller gives; one that cannot be written (the node was
 * deleted meanwhile, the queue is full) is dropped with a debug line. Events of a task go through
 * {@link org.amtpxe.api.driver.TaskContext#recordEvent} instead.
 */
@ProviderType
public interface NodeHistory {

  /** Most characters of an event's text that are kept; the rest is cut. */
  int MAX_EVENT_LENGTH = 1000;

  /**
   * Queues an INFO event for a node's history.
   *
   * @param nodeUuid the node's UUID
   * @param at when it happened (the history is ordered by this time)
   * @param eventType Ironic's event type, {@code deploying} for a deploy's steps
   * @param event what happened, in words; no secret, it is shown to every reader of the node
   */
  void record(String nodeUuid, Instant at, String eventType, String event);
}
