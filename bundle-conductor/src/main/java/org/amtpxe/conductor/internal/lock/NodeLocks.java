package org.amtpxe.conductor.internal.lock;

import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.store.NodeStore;

/**
 * Node locks with Ironic's meaning: the exclusive lock is the node's reservation column, set
 * atomically in the database and visible to every conductor sharing it; a shared lock takes nothing
 * and only reads.
 */
public final class NodeLocks {
  private static final int ATTEMPTS = 2;

  private final NodeStore store;
  private final String host;

  public NodeLocks(NodeStore store, String host) {
    this.store = store;
    this.host = host;
  }

  /** The name this conductor writes into reservations. */
  public String host() {
    return host;
  }

  /**
   * Takes the node's exclusive lock.
   *
   * @param node the node as last read
   * @param driver its driver, or null when the task will not call one
   * @return the task, with a fresh snapshot of the node; close it to release the lock
   * @throws ConductorException LOCKED when another operation holds it, NOT_FOUND when the node is
   *     gone
   */
  public Task exclusive(Node node, BareMetalDriver driver) throws ConductorException {
    for (int attempt = 1; ; attempt++) {
      if (store.reserve(node.uuid(), host)) {
        Node fresh = store.findNode(node.uuid()).orElse(null);
        if (fresh == null) {
          throw notFound(node);
        }
        return new Task(store, host, false, fresh, store.portsOf(node.uuid()), driver);
      }
      Node current = store.findNode(node.uuid()).orElseThrow(() -> notFound(node));
      if (current.reservation() != null || attempt >= ATTEMPTS) {
        throw new ConductorException(
            ConductorException.Kind.LOCKED,
            "Node "
                + node.uuid()
                + " is locked by host "
                + current.reservation()
                + ", please retry after the current operation is completed.");
      }
    }
  }

  /**
   * Opens a shared task: a snapshot of the node and its ports, no lock taken.
   *
   * @throws ConductorException NOT_FOUND when the node is gone
   */
  public Task shared(Node node, BareMetalDriver driver) throws ConductorException {
    Node fresh = store.findNode(node.uuid()).orElseThrow(() -> notFound(node));
    return new Task(store, host, true, fresh, store.portsOf(node.uuid()), driver);
  }

  private static ConductorException notFound(Node node) {
    return ConductorException.notFound("Node " + node.uuid() + " could not be found.");
  }
}
