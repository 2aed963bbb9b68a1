package org.amtpxe.conductor.internal.task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.DriverUnavailableException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.InvalidStateException;
import org.amtpxe.api.error.NodeLockedException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.conductor.internal.cluster.Ownership;
import org.amtpxe.conductor.internal.metrics.ConductorMeters;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.store.HistoryDao;
import org.amtpxe.conductor.internal.store.LockDao;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.NodeEvent;
import org.amtpxe.conductor.internal.store.PortDao;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.store.StoreException;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ironic's task manager for this conductor: acquires a node shared (a snapshot, no lock) or
 * exclusive (its reservation, set atomically in the database so every conductor sharing it sees
 * it), writes every change of a task with its history event, releases the lock in the same
 * transaction as the operation's last change, and hands tasks to workers ({@link Workers}), which
 * refuse before anything is written when they are full.
 */
public final class TaskManager {
  private static final Logger LOG = LoggerFactory.getLogger(TaskManager.class);
  private static final int ATTEMPTS = 2;

  private final Store store;
  private final String host;
  private final Workers workers;
  private final ConductorMeters meters;
  private volatile Ownership ownership;

  public TaskManager(Store store, String host, Workers workers) {
    this(store, host, workers, ConductorMeters.standalone());
  }

  /**
   * @param meters where lock waits and deploy durations are measured
   */
  public TaskManager(Store store, String host, Workers workers, ConductorMeters meters) {
    this.store = store;
    this.host = host;
    this.workers = workers;
    this.meters = meters;
    this.ownership = Ownership.solo(host);
  }

  /** The conductor's meters. */
  public ConductorMeters meters() {
    return meters;
  }

  /**
   * Which conductor owns which node: this one alone until the runtime has registered it among the
   * conductors sharing the database ({@link
   * org.amtpxe.conductor.internal.cluster.ConductorRegistry}).
   */
  public Ownership ownership() {
    return ownership;
  }

  /** Replaces how ownership is decided; the runtime calls it once the conductor is registered. */
  public void ownership(Ownership ownership) {
    this.ownership = ownership;
  }

  /** The name this conductor writes into reservations and history. */
  public String host() {
    return host;
  }

  /** The worker pool's admission. */
  public Workers workers() {
    return workers;
  }

  /** The store the tasks write to. */
  public Store store() {
    return store;
  }

  /**
   * Takes the node's exclusive lock.
   *
   * @param node the node as last read
   * @param driver its driver, or null when the task will not call one
   * @return the task, with a fresh snapshot of the node and its ports; close it to release the lock
   * @throws ConductorException LOCKED when another operation holds it, NOT_FOUND when the node is
   *     gone
   */
  public Task acquire(Node node, BareMetalDriver driver) throws ConductorException {
    long start = System.nanoTime();
    String outcome = "failed";
    try {
      Task task = tryAcquire(node, driver);
      outcome = "acquired";
      return task;
    } catch (ConductorException e) {
      outcome = e.kind() == ConductorException.Kind.LOCKED ? "locked" : "not_found";
      throw e;
    } finally {
      meters.lockWait(Duration.ofNanos(System.nanoTime() - start), outcome);
    }
  }

  private Task tryAcquire(Node node, BareMetalDriver driver) throws ConductorException {
    for (int attempt = 1; ; attempt++) {
      Acquired a =
          store.transaction(
              h -> {
                if (!LockDao.reserve(h, node.uuid(), host)) {
                  return new Acquired(NodeDao.find(h, node.uuid()).orElse(null), null, false);
                }
                return new Acquired(
                    NodeDao.find(h, node.uuid()).orElse(null),
                    PortDao.ofNode(h, node.uuid()),
                    true);
              });
      if (a.node() == null) {
        throw notFound(node);
      }
      if (a.reserved()) {
        return new Task(this, false, a.node(), a.ports(), driver);
      }
      if (a.node().reservation() != null || attempt >= ATTEMPTS) {
        throw new ConductorException(
            ConductorException.Kind.LOCKED,
            "Node "
                + node.uuid()
                + " is locked by host "
                + a.node().reservation()
                + ", please retry after the current operation is completed.");
      }
    }
  }

  private record Acquired(Node node, List<Port> ports, boolean reserved) {}

  /**
   * Opens a shared task: a snapshot of the node and its ports, no lock taken.
   *
   * @throws ConductorException NOT_FOUND when the node is gone
   */
  public Task shared(Node node, BareMetalDriver driver) throws ConductorException {
    Acquired a =
        store.transaction(
            h ->
                new Acquired(
                    NodeDao.find(h, node.uuid()).orElse(null),
                    PortDao.ofNode(h, node.uuid()),
                    false));
    if (a.node() == null) {
      throw notFound(node);
    }
    return new Task(this, true, a.node(), a.ports(), driver);
  }

  /**
   * A shared task over a snapshot the caller read (the power sync reads every node and port of a
   * pass in three queries): no lock, no read.
   */
  public Task snapshot(Node node, List<Port> ports, BareMetalDriver driver) {
    return new Task(this, true, node, ports, driver);
  }

  private static ConductorException notFound(Node node) {
    return ConductorException.notFound("Node " + node.uuid() + " could not be found.");
  }

  /**
   * A task's change: the node read under a row lock, changed, written with its history event, and
   * with {@code release} the task's lock given back, all in one transaction.
   */
  Node write(Task task, UnaryOperator<Node> change, boolean release) {
    return write(task, change, release, null);
  }

  /**
   * More writes of a task's change, made in its transaction once the node's row is locked and
   * before the change is applied, which may use what they found (the ports and history events of an
   * inspection).
   */
  public interface AlsoWrite {
    /**
     * @param h the change's handle
     * @param current the node as stored, its row locked
     */
    void write(Handle h, Node current);
  }

  /** {@link #write(Task, UnaryOperator, boolean)} with more writes in the same transaction. */
  Node write(Task task, UnaryOperator<Node> change, boolean release, AlsoWrite also) {
    String uuid = task.node().uuid();
    Instant now = store.now();
    Node[] before = new Node[1];
    Node written =
        store.transaction(
            h -> {
              Node current =
                  NodeDao.findForUpdate(h, uuid)
                      .orElseThrow(() -> new StoreException("Node " + uuid + " was deleted"));
              if (also != null) {
                also.write(h, current);
              }
              Node changed = change.apply(current);
              Node result = changed == current ? current : NodeDao.update(h, current, changed, now);
              record(h, current, result, now, task.user());
              if (release && LockDao.release(h, uuid, host)) {
                result = result.toBuilder().reservation(null).build();
              }
              before[0] = current;
              return result;
            });
    // After the commit: a change rolled back moves no meter.
    meters.provisionChanged(before[0], written);
    return written;
  }

  /**
   * Changes a node this conductor left behind (a restart after a crash): read under a row lock,
   * changed unless another conductor holds it, written with its history event, and this conductor's
   * lock on it released, in one transaction.
   *
   * @return the node as stored, or empty when it is gone or another conductor holds it
   */
  public Optional<Node> recover(String uuid, UnaryOperator<Node> change) {
    return recover(uuid, host, change);
  }

  /**
   * Changes a node a conductor left behind: this one after a restart, or a dead one whose nodes
   * this one takes over. Read under a row lock, changed unless a conductor other than {@code
   * holder} holds it, written with its history event (recorded as this conductor's), and the
   * holder's lock on it released, in one transaction.
   *
   * @param holder the conductor whose lock may be on the node
   * @return the node as stored, or empty when it is gone or another conductor holds it
   */
  public Optional<Node> recover(String uuid, String holder, UnaryOperator<Node> change) {
    Instant now = store.now();
    return store.transaction(
        h -> {
          Optional<Node> current = NodeDao.findForUpdate(h, uuid);
          if (current.isEmpty()
              || current.get().reservation() != null
                  && !current.get().reservation().equals(holder)) {
            return Optional.<Node>empty();
          }
          Node changed = NodeDao.update(h, current.get(), change.apply(current.get()), now);
          record(h, current.get(), changed, now, null);
          LockDao.release(h, uuid, holder);
          return Optional.of(changed.toBuilder().reservation(null).build());
        });
  }

  /** Releases every lock a dead conductor holds; the number released. */
  public int releaseAll(String holder) {
    return store.transaction(h -> LockDao.releaseAll(h, holder));
  }

  /** Releases every lock this conductor holds; the number released. */
  public int releaseAll() {
    return store.transaction(h -> LockDao.releaseAll(h, host));
  }

  /**
   * Records what a change did to a node in its history, in the change's transaction.
   *
   * @param user the API user whose request caused it, or null
   */
  void record(Handle h, Node before, Node after, Instant now, String user) {
    for (NodeEvent e : events(before, after, now)) {
      HistoryDao.insert(
          h,
          new NodeEvent(
              e.uuid(),
              e.nodeUuid(),
              e.createdAt(),
              e.severity(),
              e.eventType(),
              e.event(),
              e.conductor(),
              user));
    }
  }

  /**
   * The events of a change, with Ironic's severities and event types: a provision state change is
   * INFO "provisioning"; a failure is ERROR with the event type of the phase that failed (Ironic's
   * "deploying", "verifying", "cleaning", "unprovision", "introspection"), its text the last error.
   */
  private List<NodeEvent> events(Node before, Node after, Instant now) {
    List<NodeEvent> events = new java.util.ArrayList<>(2);
    String uuid = after.uuid();
    if (before.provisionState() != after.provisionState()) {
      boolean failed = after.provisionState().value().endsWith("failed");
      events.add(
          event(
              uuid,
              now,
              failed ? "ERROR" : "INFO",
              failed ? failedPhase(before.provisionState()) : "provisioning",
              before.provisionState().value()
                  + " -> "
                  + after.provisionState().value()
                  + (failed && after.lastError() != null ? ": " + after.lastError() : "")));
    } else if (after.lastError() != null && !after.lastError().equals(before.lastError())) {
      events.add(
          event(
              uuid,
              now,
              "ERROR",
              before.targetPowerState() != null ? "power" : "provisioning",
              after.lastError()));
    }
    if (before.powerState() != after.powerState() && after.powerState() != null) {
      events.add(
          event(
              uuid,
              now,
              "INFO",
              "power",
              (before.powerState() == null ? "unknown" : before.powerState().value())
                  + " -> "
                  + after.powerState().value()));
    }
    if (before.maintenance() != after.maintenance()
        || !Objects.equals(before.maintenanceReason(), after.maintenanceReason())) {
      events.add(
          event(
              uuid,
              now,
              "INFO",
              "maintenance",
              after.maintenance()
                  ? "maintenance set"
                      + (after.maintenanceReason() == null ? "" : ": " + after.maintenanceReason())
                  : "maintenance unset"));
    }
    return events;
  }

  /** Ironic's event type for a failure in this state. */
  private static String failedPhase(org.amtpxe.api.model.ProvisionState state) {
    return switch (state) {
      case DEPLOYING, WAIT_CALLBACK -> "deploying";
      case VERIFYING -> "verifying";
      case CLEANING -> "cleaning";
      case DELETING -> "unprovision";
      case INSPECTING -> "introspection";
      default -> "provisioning";
    };
  }

  /**
   * Records an event of this conductor in a node's history, in the caller's transaction: for
   * changes made without a task (the power sync's conditional updates).
   */
  public void history(Handle h, String node, String severity, String type, String text) {
    HistoryDao.insert(h, event(node, store.now(), severity, type, text));
  }

  /**
   * Records an event of this conductor in a node's history at a given time, in the caller's
   * transaction: for what another bundle noted when it happened ({@code NodeHistoryService}).
   *
   * @return true
   */
  public boolean history(
      Handle h, String node, Instant at, String severity, String type, String text) {
    HistoryDao.insert(
        h, event(node, at.truncatedTo(java.time.temporal.ChronoUnit.MICROS), severity, type, text));
    return true;
  }

  /** Records an event of a task in its node's history, in the caller's transaction. */
  void history(Handle h, Task task, String severity, String type, String text) {
    NodeEvent e = event(task.node().uuid(), store.now(), severity, type, text);
    HistoryDao.insert(
        h,
        new NodeEvent(
            e.uuid(),
            e.nodeUuid(),
            e.createdAt(),
            e.severity(),
            e.eventType(),
            e.event(),
            e.conductor(),
            task.user()));
  }

  /**
   * An event's text cut to {@link org.amtpxe.api.history.NodeHistory#MAX_EVENT_LENGTH} characters:
   * what a driver or a boot server writes is not trusted to be short.
   */
  public static String bounded(String event) {
    int max = org.amtpxe.api.history.NodeHistory.MAX_EVENT_LENGTH;
    return event == null || event.length() <= max ? event : event.substring(0, max - 3) + "...";
  }

  /** A history event recorded by this conductor. */
  NodeEvent event(String node, Instant now, String severity, String type, String text) {
    return new NodeEvent(UUID.randomUUID().toString(), node, now, severity, type, text, host, null);
  }

  /** Gives back a lock this conductor holds. */
  void release(String uuid) {
    store.transaction(h -> LockDao.release(h, uuid, host));
  }

  void spawn(Task task, UnaryOperator<Node> accepted, Runnable work) throws ConductorException {
    Node before = task.node();
    try (Workers.Place place = workers.reserve("node " + before.uuid())) {
      task.update(accepted);
      try {
        place.start(
            () -> {
              try {
                work.run();
              } catch (Throwable e) {
                LOG.error("Node {}: unexpected failure in a conductor worker", before.uuid(), e);
                task.abandon(e);
              } finally {
                task.close();
              }
            });
      } catch (RejectedExecutionException e) {
        task.complete(
            n ->
                n.toBuilder()
                    .provisionState(before.provisionState())
                    .targetProvisionState(before.targetProvisionState())
                    .targetPowerState(before.targetPowerState())
                    .lastError(before.lastError())
                    .build());
        throw new ConductorException(
            ConductorException.Kind.BUSY,
            "The conductor's workers are stopping; node "
                + before.uuid()
                + " was left as it was. Retry later.",
            e);
      }
    }
  }

  /** The synchronous start of an operation that hands its locked task to a worker. */
  public interface Start {
    void run() throws DriverException, ConductorException;
  }

  /**
   * Runs the start of an operation under the task's lock; when it fails before handing the task to
   * a worker (with anything, an Error too), releases the lock and turns a driver's error into a
   * conductor error.
   */
  public static void startOrRelease(Task task, Start start) throws ConductorException {
    try {
      start.run();
    } catch (DriverException e) {
      task.close();
      throw fromDriver(task.node(), e);
    } catch (ConductorException | RuntimeException | Error e) {
      task.close();
      throw e;
    }
  }

  /** The one place where a driver's error becomes a conductor error. */
  public static ConductorException fromDriver(Node node, DriverException e) {
    String message = messageOf(e);
    if (e instanceof NodeLockedException) {
      return new ConductorException(ConductorException.Kind.LOCKED, message, e);
    }
    if (e instanceof InvalidParameterValueException
        || e instanceof InvalidStateException
        || e instanceof UnsupportedDriverOperationException
        || e instanceof DriverUnavailableException) {
      return new ConductorException(ConductorException.Kind.INVALID, message, e);
    }
    return new ConductorException(
        ConductorException.Kind.FAILED, "Node " + node.uuid() + ": " + message, e);
  }

  /** A throwable's message, or its type when it has none. */
  public static String messageOf(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** The node with this UUID, as stored now. */
  public Optional<Node> find(String uuid) {
    return store.read(h -> NodeDao.find(h, uuid));
  }
}
