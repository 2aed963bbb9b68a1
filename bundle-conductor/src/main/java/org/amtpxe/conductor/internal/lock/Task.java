package org.amtpxe.conductor.internal.lock;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.conductor.internal.store.NodeStore;
import org.amtpxe.conductor.internal.store.StoreException;

/**
 * One operation on one node under a shared or exclusive lock: what a driver sees as its {@link
 * TaskContext}. Closing it releases the exclusive lock; it may be handed to a worker thread that
 * closes it when the asynchronous part is done.
 */
public final class Task implements TaskContext, AutoCloseable {
  private final NodeStore store;
  private final String host;
  private final boolean shared;
  private final BareMetalDriver driver;
  private final List<Port> ports;
  private volatile Node node;
  private volatile boolean closed;

  Task(
      NodeStore store,
      String host,
      boolean shared,
      Node node,
      List<Port> ports,
      BareMetalDriver driver) {
    this.store = store;
    this.host = host;
    this.shared = shared;
    this.node = node;
    this.ports = List.copyOf(ports);
    this.driver = driver;
  }

  @Override
  public Node node() {
    return node;
  }

  @Override
  public List<Port> ports() {
    return ports;
  }

  @Override
  public boolean isShared() {
    return shared;
  }

  /**
   * The node's driver.
   *
   * @throws IllegalStateException when the task was opened for a node whose driver is not loaded
   *     (such tasks never reach a driver)
   */
  @Override
  public BareMetalDriver driver() {
    if (driver == null) {
      throw new IllegalStateException(
          "Node " + node.uuid() + ": driver " + node.driver() + " is not loaded");
    }
    return driver;
  }

  @Override
  public Node putDriverInternalInfo(Map<String, ?> entries) throws DriverException {
    requireExclusive("saving driver_internal_info");
    return save(
        "driver_internal_info",
        n -> n.toBuilder().driverInternalInfo(merge(n.driverInternalInfo(), entries)).build());
  }

  @Override
  public Node putInstanceInfo(Map<String, ?> entries) throws DriverException {
    requireExclusive("saving instance_info");
    return save(
        "instance_info", n -> n.toBuilder().instanceInfo(merge(n.instanceInfo(), entries)).build());
  }

  private Node save(String what, UnaryOperator<Node> change) throws DriverException {
    try {
      return update(change);
    } catch (StoreException e) {
      throw new DriverException(
          "Node " + node.uuid() + ": cannot save " + what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Changes the node in the database in one transaction and keeps the new snapshot. For the
   * conductor's own state changes; needs the exclusive lock.
   *
   * @throws IllegalStateException under a shared lock or after close
   * @throws StoreException when the database fails or the node was deleted
   */
  public Node update(UnaryOperator<Node> change) {
    if (shared || closed) {
      throw new IllegalStateException(
          "Node " + node.uuid() + " can only be changed under an open exclusive lock");
    }
    node =
        store
            .modifyNode(node.uuid(), change)
            .orElseThrow(() -> new StoreException("Node " + node.uuid() + " was deleted"));
    return node;
  }

  /**
   * Makes the operation's last change and releases the exclusive lock in one transaction.
   * Afterwards the task is closed.
   *
   * @throws IllegalStateException under a shared lock or after close
   * @throws StoreException when the database fails (the lock is then released by {@link #close})
   */
  public Node complete(UnaryOperator<Node> change) {
    if (shared || closed) {
      throw new IllegalStateException(
          "Node " + node.uuid() + " can only be changed under an open exclusive lock");
    }
    node =
        store
            .modifyNode(node.uuid(), change, host)
            .orElseThrow(() -> new StoreException("Node " + node.uuid() + " was deleted"));
    closed = true;
    return node;
  }

  private static Map<String, Object> merge(Map<String, Object> current, Map<String, ?> entries) {
    Map<String, Object> merged = new LinkedHashMap<>(current);
    entries.forEach(
        (k, v) -> {
          if (v == null) {
            merged.remove(k);
          } else {
            merged.put(k, v);
          }
        });
    return merged;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Releases the exclusive lock, if held. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!shared) {
      store.release(node.uuid(), host);
    }
  }
}
