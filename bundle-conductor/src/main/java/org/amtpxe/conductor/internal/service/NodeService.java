package org.amtpxe.conductor.internal.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.state.ProvisionStateMachine;
import org.amtpxe.conductor.internal.store.DuplicateKeyException;
import org.amtpxe.conductor.internal.store.EnrolledAddressDao;
import org.amtpxe.conductor.internal.store.HistoryDao;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.NodeEvent;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.store.PortDao;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes: finding them by UUID or name, listing them (filtered and paged by the database),
 * enrolling, changing, deleting, maintenance, and the offline validation of their drivers.
 */
public final class NodeService {
  private static final Logger LOG = LoggerFactory.getLogger(NodeService.class);

  private final Store store;
  private final TaskManager tasks;
  private final DriverRegistry drivers;

  public NodeService(TaskManager tasks, DriverRegistry drivers) {
    this.store = tasks.store();
    this.tasks = tasks;
    this.drivers = drivers;
  }

  /** The name this conductor writes into reservations and driver host lists. */
  public String host() {
    return tasks.host();
  }

  /** The node with this UUID or name, if it exists. */
  public Optional<Node> find(String ident) {
    return store.read(
        h -> Identifiers.isUuid(ident) ? NodeDao.find(h, ident) : NodeDao.findByName(h, ident));
  }

  /**
   * The node with this UUID or name.
   *
   * @throws ConductorException NOT_FOUND
   */
  public Node node(String ident) throws ConductorException {
    return find(ident)
        .orElseThrow(() -> ConductorException.notFound("Node " + ident + " could not be found."));
  }

  /** Nodes matching a query. */
  public List<Node> nodes(NodeQuery query) {
    return store.read(h -> NodeDao.list(h, query));
  }

  /** A node's ports. */
  public List<Port> portsOf(Node node) {
    return store.read(h -> PortDao.ofNode(h, node.uuid()));
  }

  /**
   * Enrolls a node. Its driver must be loaded.
   *
   * @param requested the node's fields; a null-like UUID is never passed (generate one first)
   * @throws ConductorException INVALID for a bad name, UUID or driver; CONFLICT for a taken name or
   *     UUID
   */
  public Node createNode(Node requested) throws ConductorException {
    try {
      return insert(requested, h -> {});
    } catch (DuplicateKeyException e) {
      throw duplicate(e, requested);
    }
  }

  /** A node created by {@link #createNodeAt}, or the node that already holds the address. */
  public record AddressClaim(Node node, boolean created) {}

  /**
   * Enrolls a node found at a management address, unless another node holds that address: the node
   * and its claim on the address are written in one transaction, so enrollments of one address that
   * run at once, on this conductor or on others sharing the database, create one node.
   *
   * @param address the address as the enrollment compares them (trimmed, lower case)
   * @param addressKey the driver_info field that holds the address, for example {@code amt_address}
   * @throws ConductorException as {@link #createNode}
   */
  public AddressClaim createNodeAt(Node requested, String address, String addressKey)
      throws ConductorException {
    for (int attempt = 0; ; attempt++) {
      try {
        return new AddressClaim(
            insert(requested, h -> EnrolledAddressDao.claim(h, address, requested.uuid())), true);
      } catch (DuplicateKeyException e) {
        if (!"uniq_enrolled_addresses".equals(e.constraint())) {
          throw duplicate(e, requested);
        }
      }
      Optional<Node> holder =
          store.read(h -> EnrolledAddressDao.holder(h, address).flatMap(u -> NodeDao.find(h, u)));
      if (holder.isPresent() && address.equals(normalized(holder.get(), addressKey))) {
        return new AddressClaim(holder.get(), false);
      }
      if (attempt > 0) {
        throw ConductorException.conflict(
            "The address "
                + address
                + " is being enrolled by another request at this moment; enroll it again once"
                + " that one ends.");
      }
      // The holder's address was changed since (or the node is being deleted): its claim is
      // stale, so it is released and the insert tried once more.
      holder.ifPresent(
          n -> store.transaction(h -> EnrolledAddressDao.release(h, address, n.uuid())));
    }
  }

  /** A node's address in driver_info as enrollments compare them, or null. */
  public static String normalized(Node node, String addressKey) {
    return node.driverInfo().get(addressKey) instanceof String a
        ? a.trim().toLowerCase(Locale.ROOT)
        : null;
  }

  /**
   * Checks and inserts a node, and does {@code also} in the same transaction.
   *
   * @throws DuplicateKeyException when a unique key is taken, by the node or by {@code also}
   */
  private Node insert(Node requested, Consumer<Handle> also) throws ConductorException {
    if (!Identifiers.isUuid(requested.uuid())) {
      throw ConductorException.invalid("Expected a UUID for uuid but received " + requested.uuid());
    }
    checkName(requested.name());
    if (requested.retiredReason() != null && !requested.retired()) {
      throw ConductorException.invalid(
          "The retired_reason field can only be set when retired is True");
    }
    if (drivers.find(requested.driver()).isEmpty()) {
      throw ConductorException.invalid(
          "Cannot create node: driver "
              + requested.driver()
              + " is not loaded; install the feature that provides it. Loaded drivers: "
              + drivers.all().keySet()
              + ".");
    }
    Node stored =
        requested.toBuilder()
            .createdAt(store.now())
            .updatedAt(null)
            .reservation(null)
            .fault(null)
            .build();
    store.transaction(
        h -> {
          NodeDao.insert(h, stored);
          also.accept(h);
          return null;
        });
    LOG.info("Node {} enrolled with driver {}", stored.uuid(), stored.driver());
    return stored;
  }

  private static void checkName(String name) throws ConductorException {
    if (name != null && !Identifiers.isValidName(name)) {
      throw ConductorException.invalid(
          "Cannot use node name "
              + name
              + ": a name may contain letters, digits and - . _ ~ only, at most 255 of them, and"
              + " must not look like a UUID.");
    }
  }

  private static ConductorException duplicate(DuplicateKeyException e, Node node) {
    return switch (e.constraint()) {
      case "uniq_nodes_name" ->
          ConductorException.conflict("A node with name " + node.name() + " already exists.");
      case "uniq_nodes_instance_uuid" ->
          ConductorException.conflict(
              "Instance "
                  + node.instanceUuid()
                  + " is already associated with a node, it cannot be associated with this other"
                  + " node "
                  + node.uuid());
      default ->
          ConductorException.conflict("A node with UUID " + node.uuid() + " already exists.");
    };
  }

  /**
   * Changes a node's fields under its exclusive lock. A new driver must be loaded.
   *
   * @throws ConductorException NOT_FOUND, LOCKED, INVALID (from the editor or a bad value),
   *     CONFLICT
   */
  public Node updateNode(String ident, NodeEditor editor) throws ConductorException {
    Node node = node(ident);
    try (Task task = tasks.acquire(node, null)) {
      Node current = task.node();
      Node edited = checkOperatorFields(current, editor.edit(current));
      if (!edited.uuid().equals(current.uuid())) {
        throw ConductorException.invalid("The UUID of a node cannot be changed.");
      }
      checkName(edited.name());
      if (!edited.driver().equals(current.driver()) && drivers.find(edited.driver()).isEmpty()) {
        throw ConductorException.invalid(
            "Cannot change node "
                + current.uuid()
                + " to driver "
                + edited.driver()
                + ": it is not loaded; install the feature that provides it.");
      }
      if (edited.instanceUuid() != null && !Identifiers.isUuid(edited.instanceUuid())) {
        throw ConductorException.invalid(
            "Expected a UUID for instance_uuid but received " + edited.instanceUuid());
      }
      try {
        return task.update(n -> edited);
      } catch (DuplicateKeyException e) {
        throw duplicate(e, edited);
      }
    }
  }

  /**
   * Ironic's rules for the fields an operator sets (its conductor's update_node): a node is made
   * protected only while active, and retired only outside available; a reason needs its flag, and
   * clearing the flag clears the reason; the resource class of a node that has one changes only in
   * enroll, manageable or available.
   *
   * @return the node to store (reasons cleared with their flags)
   * @throws ConductorException INVALID naming the rule
   */
  static Node checkOperatorFields(Node current, Node edited) throws ConductorException {
    Node.Builder b = edited.toBuilder();
    if (edited.protectedNode() != current.protectedNode()) {
      if (!edited.protectedNode()) {
        b.protectedReason(null);
      } else if (edited.provisionState() != ProvisionState.ACTIVE) {
        throw ConductorException.invalid(
            "Node "
                + current.uuid()
                + " can only be made protected in provision states 'active' or 'rescue', the"
                + " current state is '"
                + edited.provisionState()
                + "'");
      }
    } else if (edited.protectedReason() != null
        && !edited.protectedNode()
        && !edited.protectedReason().equals(current.protectedReason())) {
      throw ConductorException.invalid(
          "The protected_reason field can only be set when protected is True");
    }
    if (edited.retired() != current.retired()) {
      if (!edited.retired()) {
        b.retiredReason(null);
      } else if (edited.provisionState() == ProvisionState.AVAILABLE) {
        throw ConductorException.invalid(
            "Node "
                + current.uuid()
                + " can not have 'retired' set in provision state 'available'; move it to"
                + " manageable first (baremetal node manage "
                + current.uuid()
                + ").");
      }
    } else if (edited.retiredReason() != null
        && !edited.retired()
        && !edited.retiredReason().equals(current.retiredReason())) {
      throw ConductorException.invalid(
          "The retired_reason field can only be set when retired is True");
    }
    if (!java.util.Objects.equals(edited.resourceClass(), current.resourceClass())
        && current.resourceClass() != null
        && !RESOURCE_CLASS_STATES.contains(current.provisionState())) {
      throw ConductorException.invalid(
          "Node "
              + current.uuid()
              + " can not have resource_class updated unless it is in one of allowed ("
              + RESOURCE_CLASS_STATES
              + ") states. Current state is '"
              + current.provisionState()
              + "'.");
    }
    return b.build();
  }

  private static final java.util.Set<ProvisionState> RESOURCE_CLASS_STATES =
      java.util.Collections.unmodifiableSet(
          java.util.EnumSet.of(
              ProvisionState.ENROLL, ProvisionState.MANAGEABLE, ProvisionState.AVAILABLE));

  /**
   * A node's history, oldest first (newest first when descending), one page.
   *
   * @param marker the UUID of the last event of the previous page, or null
   * @param limit at most this many events, 0 for all
   * @throws org.amtpxe.conductor.internal.store.MarkerNotFoundException for an unknown marker
   */
  public List<NodeEvent> history(Node node, String marker, int limit, boolean descending) {
    return store.read(h -> HistoryDao.ofNode(h, node.uuid(), marker, limit, descending));
  }

  /**
   * One event of a node's history.
   *
   * @throws ConductorException NOT_FOUND, with Ironic's message
   */
  public NodeEvent historyEvent(Node node, String event) throws ConductorException {
    return store
        .transaction(h -> HistoryDao.find(h, node.uuid(), event))
        .orElseThrow(
            () ->
                ConductorException.notFound(
                    "Node history record " + event + " could not be found."));
  }

  /**
   * Deletes a node and its ports. Allowed in enroll, manageable, available and clean failed, or in
   * any state while in maintenance.
   *
   * @throws ConductorException NOT_FOUND, LOCKED, INVALID for a node in another state
   */
  public void deleteNode(String ident) throws ConductorException {
    Node node = node(ident);
    try (Task task = tasks.acquire(node, null)) {
      Node current = task.node();
      if (current.protectedNode()) {
        throw protectedNode(current);
      }
      if (!current.maintenance()
          && !ProvisionStateMachine.DELETE_ALLOWED.contains(current.provisionState())) {
        throw ConductorException.invalid(
            "Can not delete node "
                + current.uuid()
                + " while it is in provision state \""
                + current.provisionState()
                + "\". Valid provision states to start deletion are: "
                + ProvisionStateMachine.DELETE_ALLOWED
                + "; undeploy it first or set it to maintenance.");
      }
      store.transaction(
          h -> {
            PortDao.deleteOfNode(h, current.uuid());
            return NodeDao.delete(h, current.uuid());
          });
      LOG.info("Node {} deleted", current.uuid());
    }
  }

  /** Ironic's refusal (403) of what a protected node must not undergo. */
  static ConductorException protectedNode(Node node) {
    return ConductorException.forbidden(
        "Node "
            + node.uuid()
            + " is protected and cannot be undeployed, rebuilt or deleted; unset protected first"
            + " (baremetal node unset --protected "
            + node.uuid()
            + ").");
  }

  /**
   * Puts a node into maintenance (no automatic actions) or takes it out.
   *
   * @throws ConductorException NOT_FOUND, LOCKED
   */
  public Node setMaintenance(String ident, boolean maintenance, String reason)
      throws ConductorException {
    Node node = node(ident);
    try (Task task = tasks.acquire(node, null)) {
      return task.update(
          n ->
              n.toBuilder()
                  .maintenance(maintenance)
                  .maintenanceReason(maintenance ? reason : null)
                  .build());
    }
  }

  /**
   * Runs every interface's offline validate.
   *
   * @return by interface name (power, management, deploy, and the ones this conductor lacks)
   * @throws ConductorException NOT_FOUND, INVALID when the driver is not loaded
   */
  public Map<String, Validation> validate(String ident) throws ConductorException {
    Node node = node(ident);
    BareMetalDriver driver = drivers.require(node);
    Map<String, Validation> result = new LinkedHashMap<>();
    try (Task task = tasks.shared(node, driver)) {
      result.put("boot", new Validation(null, "not supported: part of the deploy interface"));
      result.put("console", new Validation(null, "not supported"));
      result.put("deploy", validateOne(() -> driver.deploy().validate(task)));
      result.put("inspect", new Validation(null, "not supported"));
      result.put("management", validateOne(() -> driver.management().validate(task)));
      result.put("network", new Validation(true, null));
      result.put("power", validateOne(() -> driver.power().validate(task)));
      result.put("raid", new Validation(null, "not supported"));
    }
    return result;
  }

  private interface DriverCall {
    void run() throws DriverException;
  }

  private static Validation validateOne(DriverCall call) {
    try {
      call.run();
      return new Validation(true, null);
    } catch (DriverException | RuntimeException e) {
      return new Validation(false, TaskManager.messageOf(e));
    }
  }

  /** Every loaded driver, by name. */
  public Map<String, BareMetalDriver> drivers() {
    return drivers.all();
  }

  /**
   * The loaded driver with this name.
   *
   * @throws ConductorException NOT_FOUND
   */
  public BareMetalDriver driver(String name) throws ConductorException {
    return drivers
        .find(name)
        .orElseThrow(() -> ConductorException.notFound("Driver " + name + " could not be found."));
  }
}
