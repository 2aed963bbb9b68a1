package org.amtpxe.api.driver;

import java.util.List;
import java.util.Map;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.ExclusiveLockRequiredException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a driver gets for one operation on one node: the node, its ports, the kind of lock held, and
 * the way to persist what the driver records. Provided by the conductor.
 */
@ProviderType
public interface TaskContext {

  /** The node as it is now, including changes saved through this task. */
  Node node();

  /** The node's ports. */
  List<Port> ports();

  /** True when the task holds a shared lock, false when it holds the exclusive lock. */
  boolean isShared();

  /** The driver the node uses, for calling its sibling interfaces. */
  BareMetalDriver driver();

  /**
   * Refuses to go on under a shared lock.
   *
   * @param operation what the caller is about to do, for the message
   * @throws ExclusiveLockRequiredException when the task holds a shared lock
   */
  default void requireExclusive(String operation) throws ExclusiveLockRequiredException {
    if (isShared()) {
      throw new ExclusiveLockRequiredException(
          "Node "
              + node().displayName()
              + ": "
              + operation
              + " changes the node and needs an exclusive lock, but was called under a shared"
              + " lock.");
    }
  }

  /**
   * Merges entries into {@code driver_internal_info} and stores the node. A null value removes the
   * key. Needs an exclusive lock.
   *
   * @param entries the keys to set or remove
   * @return the node as stored
   * @throws ExclusiveLockRequiredException under a shared lock
   * @throws DriverException when the node cannot be stored
   */
  Node putDriverInternalInfo(Map<String, ?> entries) throws DriverException;

  /**
   * Merges entries into {@code instance_info} and stores the node. A null value removes the key.
   * Needs an exclusive lock.
   *
   * @param entries the keys to set or remove
   * @return the node as stored
   * @throws ExclusiveLockRequiredException under a shared lock
   * @throws DriverException when the node cannot be stored
   */
  Node putInstanceInfo(Map<String, ?> entries) throws DriverException;

  /**
   * Records a step of the operation in the node's history, with the task's user, at once and in its
   * own transaction: a deploy names its steps there as it passes them (the web page's deploy
   * progress, docs/web-ui.md#deploy-steps). Best effort: an event that cannot be stored is logged,
   * not thrown, so that a history failure never fails the operation. A context that keeps no
   * history ignores it.
   *
   * @param eventType Ironic's event type, {@code deploying} for a deploy's steps
   * @param event what happened, in words; no secret, it is shown to every reader of the node
   */
  default void recordEvent(String eventType, String event) {}
}
