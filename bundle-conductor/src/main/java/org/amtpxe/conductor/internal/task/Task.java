package org.amtpxe.conductor.internal.task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.state.ProvisionStateMachine;
import org.amtpxe.conductor.internal.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operation on one node under a shared or exclusive lock, after Ironic's TaskManager: what a
 * driver sees as its {@link TaskContext}. Every write goes through {@link TaskManager}, so a state,
 * its history event and (at the end) the release of the lock are written in one transaction. An
 * exclusive task may be handed to a worker ({@link #spawn}), which ends it when its work is done.
 */
public final class Task implements TaskContext, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Task.class);

  private final TaskManager manager;
  private final boolean shared;
  private final BareMetalDriver driver;
  private final List<Port> ports;
  private final String user = RequestUser.current();
  private volatile Node node;
  private volatile boolean closed;

  Task(TaskManager manager, boolean shared, Node node, List<Port> ports, BareMetalDriver driver) {
    this.manager = manager;
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

  /** The API user whose request opened the task, or null; named in its history events. */
  String user() {
    return user;
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

  /**
   * Records the step in its own transaction, with the task's user; a database failure is logged and
   * the operation goes on (its next write would report the database anyway).
   */
  @Override
  public void recordEvent(String eventType, String event) {
    try {
      manager
          .store()
          .transaction(
              h -> {
                manager.history(h, this, "INFO", eventType, TaskManager.bounded(event));
                return null;
              });
    } catch (RuntimeException e) {
      LOG.warn(
          "Node {}: cannot record the history event \"{}\": {}",
          node.uuid(),
          event,
          e.getMessage());
    }
  }

  private Node save(String what, UnaryOperator<Node> change) throws DriverException {
    try {
      return update(change);
    } catch (StoreException e) {
      throw new DriverException(
          "Node " + node.uuid() + ": cannot save " + what + ": " + e.getMessage(), e);
    }
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

  /**
   * Changes the node in one transaction (with its history event) and keeps the new snapshot.
   *
   * @throws IllegalStateException under a shared lock or after the task ended
   * @throws StoreException when the database fails or the node was deleted
   */
  public Node update(UnaryOperator<Node> change) {
    requireOpenExclusive();
    node = manager.write(this, change, false);
    return node;
  }

  /**
   * Makes the operation's last change and releases the exclusive lock in the same transaction; the
   * task has then ended.
   *
   * @throws IllegalStateException under a shared lock or after the task ended
   * @throws StoreException when the database fails (the lock is then released by {@link #close})
   */
  public Node complete(UnaryOperator<Node> change) {
    requireOpenExclusive();
    node = manager.write(this, change, true);
    closed = true;
    return node;
  }

  /**
   * {@link #complete(UnaryOperator)} with more writes in the same transaction: the change, its
   * history event, those writes and the release of the lock commit together or not at all.
   *
   * @throws IllegalStateException under a shared lock or after the task ended
   * @throws StoreException when the database fails (nothing was written; the lock is then released
   *     by {@link #close})
   */
  public Node complete(UnaryOperator<Node> change, TaskManager.AlsoWrite also) {
    requireOpenExclusive();
    node = manager.write(this, change, true, also);
    closed = true;
    return node;
  }

  /**
   * Records an event in the node's history inside a transaction of this task (for {@link
   * TaskManager.AlsoWrite}), with the task's user.
   *
   * @param severity {@code INFO}, {@code WARNING} or {@code ERROR}
   */
  public void history(org.jdbi.v3.core.Handle h, String severity, String type, String text) {
    manager.history(h, this, severity, type, text);
  }

  private void requireOpenExclusive() {
    if (shared || closed) {
      throw new IllegalStateException(
          "Node " + node.uuid() + " can only be changed under an open exclusive lock");
    }
  }

  /**
   * Hands the task to a worker: reserves a worker first, then writes the state that says the
   * operation was accepted, then runs the work, which ends the task when it returns. A full pool
   * refuses before anything is written; anything the work throws (an Error too) is recorded on the
   * node by {@link #abandon}.
   *
   * @param accepted the change that records the accepted operation
   * @throws ConductorException BUSY when no worker is free
   */
  public void spawn(UnaryOperator<Node> accepted, Runnable work) throws ConductorException {
    manager.spawn(this, accepted, work);
  }

  /** Leaves the deploy in wait call-back, its lock released, until the ramdisk calls back. */
  public void awaitCallback() {
    complete(
        n ->
            n.toBuilder()
                .provisionState(ProvisionState.WAIT_CALLBACK)
                .targetProvisionState(ProvisionState.ACTIVE)
                .build());
    LOG.info("Node {}: waiting for the deploy ramdisk to call back", node.uuid());
  }

  /**
   * Ends a provisioning operation in {@code reached}, with {@code extra} changes, errors cleared.
   */
  public void finish(ProvisionState reached, UnaryOperator<Node.Builder> extra) {
    complete(
        n ->
            extra
                .apply(
                    n.toBuilder()
                        .provisionState(reached)
                        .targetProvisionState(null)
                        .lastError(null))
                .build());
    LOG.info("Node {}: provision state is now {}", node.uuid(), reached);
  }

  /**
   * Ends a provisioning operation in the failure state of the node's state, recording why, and for
   * deploys first cleans up and powers off (best effort; their failures are appended to
   * last_error).
   */
  public void fail(String message, boolean cleanUpAndPowerOff) {
    ProvisionState failed = ProvisionStateMachine.failureState(node.provisionState());
    LOG.warn("Node {}: {} -> {}: {}", node.uuid(), node.provisionState(), failed, message);
    StringBuilder error = new StringBuilder(message);
    if (cleanUpAndPowerOff && driver != null) {
      try {
        driver.deploy().cleanUp(this);
      } catch (DriverException | RuntimeException e) {
        error.append("; clean-up failed: ").append(TaskManager.messageOf(e));
      }
      try {
        driver.power().setPowerState(this, PowerState.POWER_OFF, null);
        record(n -> n.toBuilder().powerState(PowerState.POWER_OFF).build(), false);
      } catch (DriverException | RuntimeException e) {
        error.append("; power off failed: ").append(TaskManager.messageOf(e));
      }
    }
    record(
        n ->
            n.toBuilder()
                .provisionState(failed)
                .targetProvisionState(null)
                .lastError(error.toString())
                .build(),
        true);
  }

  /**
   * Leaves a node whose operation broke unexpectedly in a defined state: the failure state of its
   * transient state, no power target, and last_error saying what broke.
   */
  void abandon(Throwable e) {
    if (closed) {
      return;
    }
    String message =
        "Internal error in the conductor: "
            + (e.getMessage() == null || e.getMessage().isBlank()
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage());
    record(
        n ->
            n.toBuilder()
                .provisionState(ProvisionStateMachine.failureState(n.provisionState()))
                .targetProvisionState(
                    n.provisionState().isTransient() ? null : n.targetProvisionState())
                .targetPowerState(null)
                .lastError(message)
                .build(),
        true);
  }

  /** A write whose database failure is logged, not thrown: the task is ending anyway. */
  public void record(UnaryOperator<Node> change, boolean last) {
    try {
      if (last) {
        complete(change);
      } else {
        update(change);
      }
    } catch (StoreException e) {
      LOG.error("Node {}: cannot record a failure: {}", node.uuid(), e.getMessage());
    }
  }

  /** Whether the task has ended. */
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
      manager.release(node.uuid());
    }
  }
}
