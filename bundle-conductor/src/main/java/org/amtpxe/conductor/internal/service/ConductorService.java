package org.amtpxe.conductor.internal.service;

import static org.amtpxe.conductor.internal.service.ConductorException.Kind.BUSY;
import static org.amtpxe.conductor.internal.service.ConductorException.Kind.FAILED;
import static org.amtpxe.conductor.internal.service.ConductorException.Kind.INVALID;
import static org.amtpxe.conductor.internal.service.ConductorException.Kind.LOCKED;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.DeployState;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.DriverUnavailableException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.InvalidStateException;
import org.amtpxe.api.error.NodeLockedException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.lock.NodeLocks;
import org.amtpxe.conductor.internal.lock.Task;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.state.ProvisionStateMachine;
import org.amtpxe.conductor.internal.state.ProvisionStateMachine.Transition;
import org.amtpxe.conductor.internal.store.DuplicateKeyException;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.store.NodeStore;
import org.amtpxe.conductor.internal.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the REST API and the shell ask of the conductor: nodes and ports, power, boot devices,
 * provisioning and the deploy callback. Checks and locks synchronously, then hands long work to a
 * worker that keeps the node's exclusive lock until it is done.
 */
public final class ConductorService {
  /** The last_error recorded for a deploy whose ramdisk never called back. */
  public static final String CALLBACK_TIMEOUT_ERROR = "Timeout reached while waiting for callback";

  private static final Logger LOG = LoggerFactory.getLogger(ConductorService.class);

  private final NodeStore store;
  private final DriverRegistry drivers;
  private final NodeLocks locks;
  private final Workers workers;
  private final AgentTokens tokens = new AgentTokens(new SecureRandom());

  public ConductorService(
      NodeStore store, DriverRegistry drivers, NodeLocks locks, Workers workers) {
    this.store = store;
    this.drivers = drivers;
    this.locks = locks;
    this.workers = workers;
  }

  /** A service whose executor alone decides what runs (tests run work inline). */
  public ConductorService(
      NodeStore store, DriverRegistry drivers, NodeLocks locks, Executor executor) {
    this(store, drivers, locks, Workers.unbounded(executor));
  }

  /** The worker pool's admission, for health and metrics. */
  public Workers workers() {
    return workers;
  }

  /** The name this conductor writes into reservations and driver host lists. */
  public String host() {
    return locks.host();
  }

  // ---- nodes ----

  /**
   * The node with this UUID or name.
   *
   * @throws ConductorException NOT_FOUND
   */
  public Node node(String ident) throws ConductorException {
    Optional<Node> node =
        Identifiers.isUuid(ident) ? store.findNode(ident) : store.findNodeByName(ident);
    return node.orElseThrow(
        () -> ConductorException.notFound("Node " + ident + " could not be found."));
  }

  /** Nodes matching a query. */
  public List<Node> nodes(NodeQuery query) {
    return store.listNodes(query);
  }

  /** A node's ports. */
  public List<Port> portsOf(Node node) {
    return store.portsOf(node.uuid());
  }

  /**
   * Enrolls a node. Its driver must be loaded.
   *
   * @param requested the node's fields; a null-like UUID is never passed (generate one first)
   * @throws ConductorException INVALID for a bad name, UUID or driver; CONFLICT for a taken name or
   *     UUID
   */
  public Node createNode(Node requested) throws ConductorException {
    if (!Identifiers.isUuid(requested.uuid())) {
      throw ConductorException.invalid("Expected a UUID for uuid but received " + requested.uuid());
    }
    checkName(requested.name());
    if (drivers.find(requested.driver()).isEmpty()) {
      throw ConductorException.invalid(
          "Cannot create node: driver "
              + requested.driver()
              + " is not loaded; install the feature that provides it. Loaded drivers: "
              + drivers.all().keySet()
              + ".");
    }
    try {
      Node stored = store.insertNode(requested);
      LOG.info("Node {} enrolled with driver {}", stored.uuid(), stored.driver());
      return stored;
    } catch (DuplicateKeyException e) {
      throw duplicate(e, requested);
    }
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
    try (Task task = locks.exclusive(node, null)) {
      Node current = task.node();
      Node edited = editor.edit(current);
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
   * Deletes a node and its ports. Allowed in enroll, manageable, available and clean failed, or in
   * any state while in maintenance.
   *
   * @throws ConductorException NOT_FOUND, LOCKED, INVALID for a node in another state
   */
  public void deleteNode(String ident) throws ConductorException {
    Node node = node(ident);
    try (Task task = locks.exclusive(node, null)) {
      Node current = task.node();
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
      store.deleteNode(current.uuid());
      LOG.info("Node {} deleted", current.uuid());
    }
  }

  /**
   * Puts a node into maintenance (no automatic actions) or takes it out.
   *
   * @throws ConductorException NOT_FOUND, LOCKED
   */
  public Node setMaintenance(String ident, boolean maintenance, String reason)
      throws ConductorException {
    Node node = node(ident);
    try (Task task = locks.exclusive(node, null)) {
      return task.update(
          n ->
              n.toBuilder()
                  .maintenance(maintenance)
                  .maintenanceReason(maintenance ? reason : null)
                  .build());
    }
  }

  // ---- power ----

  /**
   * Starts a power change and returns; the node shows target_power_state until it is done, then
   * power_state, or last_error when it failed. The driver is not called when the node is already in
   * the requested state (except for reboots).
   *
   * @param target on, off, rebooting, soft power off or soft rebooting
   * @param timeout how long the driver may wait for the state, or null for its default
   * @throws ConductorException NOT_FOUND, INVALID (bad target, driver, driver_info), LOCKED, BUSY
   */
  public void changePowerState(String ident, PowerState target, Duration timeout)
      throws ConductorException {
    if (target == null || !target.isTarget()) {
      throw ConductorException.invalid(
          "Invalid power target "
              + target
              + "; use power on, power off, rebooting, soft power off or soft rebooting.");
    }
    Node node = node(ident);
    BareMetalDriver driver = drivers.require(node);
    Task task = locks.exclusive(node, driver);
    releaseOnFailure(
        task,
        () -> {
          driver.power().validate(task);
          if (target == PowerState.SOFT_POWER_OFF || target == PowerState.SOFT_REBOOT) {
            Set<PowerState> supported = driver.power().supportedPowerStates(task);
            if (!supported.contains(target)) {
              throw ConductorException.invalid(
                  "Node "
                      + node.uuid()
                      + " does not support the power target \""
                      + target
                      + "\"; it supports "
                      + supported
                      + ".");
            }
          }
          PowerState finalState = finalPowerState(target);
          start(
              task,
              n -> n.toBuilder().targetPowerState(finalState).lastError(null).build(),
              () -> doPowerChange(task, target, timeout));
        });
  }

  private static PowerState finalPowerState(PowerState target) {
    return target == PowerState.POWER_OFF || target == PowerState.SOFT_POWER_OFF
        ? PowerState.POWER_OFF
        : PowerState.POWER_ON;
  }

  private void doPowerChange(Task task, PowerState target, Duration timeout) {
    String uuid = task.node().uuid();
    try {
      var power = task.driver().power();
      switch (target) {
        case REBOOT -> power.reboot(task, timeout);
        case POWER_ON, POWER_OFF -> {
          PowerState current = power.getPowerState(task);
          if (current == target) {
            LOG.debug("Node {} is already {}; nothing to do", uuid, target);
          } else {
            power.setPowerState(task, target, timeout);
          }
        }
        default -> power.setPowerState(task, target, timeout);
      }
      PowerState reached = finalPowerState(target);
      task.complete(
          n -> n.toBuilder().powerState(reached).targetPowerState(null).lastError(null).build());
      LOG.info("Node {}: power state is now {}", uuid, reached);
    } catch (DriverException | RuntimeException e) {
      String message = "Failed to change power state to '" + target + "'. Error: " + messageOf(e);
      LOG.warn("Node {}: {}", uuid, message);
      recordFailure(
          task, n -> n.toBuilder().targetPowerState(null).lastError(message).build(), true);
    }
  }

  // ---- management ----

  /**
   * Sets the boot device for the next boot or for every boot.
   *
   * @throws ConductorException NOT_FOUND, INVALID, LOCKED, FAILED
   */
  public void setBootDevice(String ident, BootDevice device, boolean persistent)
      throws ConductorException {
    underLock(
        ident,
        locks::exclusive,
        (driver, task) -> {
          driver.management().validate(task);
          Set<BootDevice> supported = driver.management().supportedBootDevices(task);
          if (!supported.contains(device)) {
            throw ConductorException.invalid(
                "Node "
                    + task.node().uuid()
                    + " cannot boot from "
                    + device
                    + "; supported boot devices are "
                    + supported
                    + ".");
          }
          driver.management().setBootDevice(task, device, persistent);
          return null;
        });
  }

  /**
   * The boot device the node will use.
   *
   * @throws ConductorException NOT_FOUND, INVALID, FAILED
   */
  public BootDeviceSetting bootDevice(String ident) throws ConductorException {
    return underLock(
        ident,
        locks::shared,
        (driver, task) -> {
          driver.management().validate(task);
          return driver.management().getBootDevice(task);
        });
  }

  /**
   * The boot devices the node supports.
   *
   * @throws ConductorException NOT_FOUND, INVALID, FAILED
   */
  public Set<BootDevice> supportedBootDevices(String ident) throws ConductorException {
    return underLock(
        ident, locks::shared, (driver, task) -> driver.management().supportedBootDevices(task));
  }

  /**
   * Sends a non-maskable interrupt.
   *
   * @throws ConductorException NOT_FOUND, INVALID (also when unsupported), LOCKED, FAILED
   */
  public void injectNmi(String ident) throws ConductorException {
    underLock(
        ident,
        locks::exclusive,
        (driver, task) -> {
          driver.power().validate(task);
          driver.power().injectNmi(task);
          return null;
        });
  }

  /** How a call locks its node: {@link NodeLocks#shared} or {@link NodeLocks#exclusive}. */
  private interface Locking {
    Task lock(Node node, BareMetalDriver driver) throws ConductorException;
  }

  /** Driver calls made while the node is locked. */
  private interface LockedCall<T> {
    T call(BareMetalDriver driver, Task task) throws DriverException, ConductorException;
  }

  /**
   * Finds the node and its driver, makes the call under the node's lock, releases the lock and
   * turns a driver's error into a conductor error.
   *
   * @throws ConductorException NOT_FOUND, INVALID (driver not loaded), LOCKED, and the call's
   */
  private <T> T underLock(String ident, Locking locking, LockedCall<T> call)
      throws ConductorException {
    Node node = node(ident);
    BareMetalDriver driver = drivers.require(node);
    try (Task task = locking.lock(node, driver)) {
      return call.call(driver, task);
    } catch (DriverException e) {
      throw fromDriver(node, e);
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
    try (Task task = locks.shared(node, driver)) {
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
      return new Validation(false, messageOf(e));
    }
  }

  // ---- provisioning ----

  /**
   * Starts a provisioning verb: manage, provide, active (deploy), rebuild or deleted (undeploy).
   * Checks the transition, the lock and (for deploys) the driver synchronously; the work runs on a
   * worker.
   *
   * @throws ConductorException NOT_FOUND, INVALID (verb, state, driver, parameters), LOCKED, BUSY
   */
  public void changeProvisionState(String ident, ProvisionAction action) throws ConductorException {
    if (!action.supported()) {
      throw ConductorException.invalid(
          "The provision action \"" + action.value() + "\" is not supported by this conductor.");
    }
    Node node = node(ident);
    Transition transition = checkTransition(node, action);
    BareMetalDriver driver =
        transition.target() == null
            ? drivers.find(node.driver()).orElse(null)
            : drivers.require(node);
    Task task = locks.exclusive(node, driver);
    releaseOnFailure(
        task,
        () -> {
          Node current = task.node();
          Transition t = checkTransition(current, action);
          if (action == ProvisionAction.ACTIVE || action == ProvisionAction.REBUILD) {
            driver.power().validate(task);
            driver.deploy().validate(task);
          }
          java.util.function.UnaryOperator<Node> accepted =
              n ->
                  n.toBuilder()
                      .provisionState(t.next())
                      .targetProvisionState(t.target())
                      .lastError(null)
                      .build();
          if (t.target() == null) {
            task.complete(accepted);
          } else {
            Runnable work =
                switch (t.next()) {
                  case VERIFYING -> () -> verify(task);
                  case CLEANING -> () -> clean(task);
                  case DEPLOYING -> () -> deploy(task);
                  case DELETING -> () -> tearDown(task);
                  default -> throw new IllegalStateException("No work for " + t.next());
                };
            start(task, accepted, work);
          }
          LOG.info(
              "Node {}: {} -> {} ({})",
              current.uuid(),
              current.provisionState(),
              t.next(),
              action.value());
        });
  }

  private static Transition checkTransition(Node node, ProvisionAction action)
      throws ConductorException {
    return ProvisionStateMachine.transition(node.provisionState(), action)
        .orElseThrow(
            () ->
                ConductorException.invalid(
                    "The requested action \""
                        + action.value()
                        + "\" can not be performed on node \""
                        + node.uuid()
                        + "\" while it is in state \""
                        + node.provisionState()
                        + "\"."));
  }

  private void verify(Task task) {
    try {
      BareMetalDriver driver = task.driver();
      driver.power().validate(task);
      driver.management().validate(task);
      PowerState power = driver.power().getPowerState(task);
      finish(task, ProvisionState.MANAGEABLE, n -> n.powerState(power));
    } catch (DriverException | RuntimeException e) {
      fail(task, "Failed to verify node: " + messageOf(e), false);
    }
  }

  private void clean(Task task) {
    // NOTE: this driver family has no clean steps (Kilo's pxe_amt had none); cleaning only passes
    // through, so that the states and the API are Ironic's.
    finish(task, ProvisionState.AVAILABLE, b -> b);
  }

  private void deploy(Task task) {
    try {
      BareMetalDriver driver = task.driver();
      driver.deploy().prepare(task);
      DeployState state = driver.deploy().deploy(task);
      if (state == DeployState.WAIT_CALLBACK) {
        awaitCallback(task);
      } else {
        finish(task, ProvisionState.ACTIVE, b -> b);
      }
    } catch (DriverException | RuntimeException e) {
      fail(task, "Failed to deploy: " + messageOf(e), false);
    }
  }

  /** Leaves the deploy in wait call-back, its lock released, until the ramdisk calls back. */
  private static void awaitCallback(Task task) {
    task.complete(
        n ->
            n.toBuilder()
                .provisionState(ProvisionState.WAIT_CALLBACK)
                .targetProvisionState(ProvisionState.ACTIVE)
                .build());
    LOG.info("Node {}: waiting for the deploy ramdisk to call back", task.node().uuid());
  }

  private void tearDown(Task task) {
    try {
      BareMetalDriver driver = task.driver();
      driver.deploy().cleanUp(task);
      driver.deploy().tearDown(task);
      task.update(
          n ->
              n.toBuilder()
                  .provisionState(ProvisionState.CLEANING)
                  .targetProvisionState(ProvisionState.AVAILABLE)
                  .powerState(PowerState.POWER_OFF)
                  .instanceInfo(Map.of())
                  .instanceUuid(null)
                  .build());
    } catch (DriverException | RuntimeException e) {
      fail(task, "Failed to tear down: " + messageOf(e), false);
      return;
    }
    clean(task);
  }

  private void finish(
      Task task, ProvisionState reached, java.util.function.UnaryOperator<Node.Builder> extra) {
    task.complete(
        n ->
            extra
                .apply(
                    n.toBuilder()
                        .provisionState(reached)
                        .targetProvisionState(null)
                        .lastError(null))
                .build());
    LOG.info("Node {}: provision state is now {}", task.node().uuid(), reached);
  }

  /**
   * Moves a node under an exclusive lock to the failure state of its current state, records why,
   * and for deploys optionally cleans up and powers off (best effort; their failures are appended
   * to last_error).
   */
  private void fail(Task task, String message, boolean cleanUpAndPowerOff) {
    Node node = task.node();
    ProvisionState failed = ProvisionStateMachine.failureState(node.provisionState());
    LOG.warn("Node {}: {} -> {}: {}", node.uuid(), node.provisionState(), failed, message);
    StringBuilder error = new StringBuilder(message);
    if (cleanUpAndPowerOff) {
      try {
        task.driver().deploy().cleanUp(task);
      } catch (DriverException | RuntimeException e) {
        error.append("; clean-up failed: ").append(messageOf(e));
      }
      try {
        task.driver().power().setPowerState(task, PowerState.POWER_OFF, null);
        recordFailure(task, n -> n.toBuilder().powerState(PowerState.POWER_OFF).build(), false);
      } catch (DriverException | RuntimeException e) {
        error.append("; power off failed: ").append(messageOf(e));
      }
    }
    recordFailure(
        task,
        n ->
            n.toBuilder()
                .provisionState(failed)
                .targetProvisionState(null)
                .lastError(error.toString())
                .build(),
        true);
  }

  private static void recordFailure(
      Task task, java.util.function.UnaryOperator<Node> change, boolean last) {
    try {
      if (last) {
        task.complete(change);
      } else {
        task.update(change);
      }
    } catch (StoreException e) {
      LOG.error("Node {}: cannot record a failure: {}", task.node().uuid(), e.getMessage());
    }
  }

  // ---- the deploy ramdisk: lookup and callback ----

  /**
   * The one answer to a ramdisk request that is refused before it is trusted: an unknown node, a
   * node not waiting for its callback, a token or address that does not match. Being the same
   * whatever the cause, it tells a stranger nothing about the nodes.
   */
  public static final String RAMDISK_REFUSED =
      "No deploy is waiting for this ramdisk: the node is unknown, is not waiting for its"
          + " callback, or the agent token or the address does not match the node's lookup.";

  /** The most MAC addresses one lookup may name. */
  public static final int MAX_LOOKUP_ADDRESSES = 16;

  /** What a deploy ramdisk's lookup gives it: its node and its one-time agent token. */
  public record AgentLookup(String nodeUuid, String token) {}

  /**
   * Whether the method is a deploy callback of any loaded driver (the route needs no Basic auth).
   */
  public boolean isDeployCallback(String method) {
    return method != null
        && drivers.all().values().stream()
            .anyMatch(d -> d.deploy().callbackMethods().contains(method));
  }

  /**
   * Gives a booted deploy ramdisk its agent token, after Ironic's lookup: the node is found by the
   * MAC addresses the ramdisk booted from, must be waiting for its callback, and must not have
   * given a token in this deploy yet; the first lookup wins, atomically and without a node lock.
   * The address the lookup came from is recorded: the callback is accepted only from it, and the
   * deploy's "done" goes to it.
   *
   * @param macs the ramdisk's MAC addresses
   * @param nodeUuid the node the ramdisk was booted for (from its kernel command line), or null
   * @param clientAddress the address the request came from
   * @throws ConductorException INVALID for malformed MAC addresses; NOT_FOUND with {@link
   *     #RAMDISK_REFUSED} for every other refusal
   */
  public AgentLookup lookup(List<String> macs, String nodeUuid, String clientAddress)
      throws ConductorException {
    if (macs.isEmpty() || macs.size() > MAX_LOOKUP_ADDRESSES) {
      throw ConductorException.invalid(
          "A lookup names 1 to "
              + MAX_LOOKUP_ADDRESSES
              + " MAC addresses in addresses=, comma-separated.");
    }
    Set<String> nodes = new java.util.TreeSet<>();
    for (String address : macs) {
      store.findPortByAddress(mac(address)).ifPresent(p -> nodes.add(p.nodeUuid()));
    }
    if (nodes.size() != 1
        || nodeUuid != null && !nodes.contains(nodeUuid)
        || clientAddress == null) {
      throw ConductorException.notFound(RAMDISK_REFUSED);
    }
    String uuid = nodes.iterator().next();
    String token = tokens.newToken();
    if (!store.issueAgentToken(uuid, AgentTokens.hash(token), clientAddress)) {
      throw ConductorException.notFound(RAMDISK_REFUSED);
    }
    LOG.info("Node {}: agent token given to the deploy ramdisk at {}", uuid, clientAddress);
    return new AgentLookup(uuid, token);
  }

  /**
   * Accepts a deploy ramdisk's callback. Before anything is locked or written, the ramdisk is
   * authenticated by the agent token its lookup received and by the address that lookup came from;
   * then the method, the state and the driver's validation of the body are checked under the lock,
   * and the deploy continues on a worker. The driver sees {@code address} = the lookup's address,
   * whatever the body says.
   *
   * @param token the agent token the ramdisk presented, or null
   * @param clientAddress the address the request came from
   * @throws ConductorException NOT_FOUND with {@link #RAMDISK_REFUSED} for an unknown node, a node
   *     not waiting for its callback, a wrong token or address; INVALID for an unknown method or
   *     bad parameters (nothing changes); LOCKED; BUSY
   */
  public void vendorPassthru(
      String ident, String method, Map<String, Object> body, String token, String clientAddress)
      throws ConductorException {
    String agentAddress = authenticateAgent(ident, token, clientAddress);
    Node node = node(ident);
    BareMetalDriver driver = drivers.require(node);
    Set<String> callbacks = driver.deploy().callbackMethods();
    if (method == null || !callbacks.contains(method)) {
      throw ConductorException.invalid(
          "Unsupported vendor passthru method \""
              + method
              + "\" for driver "
              + node.driver()
              + "; supported methods: "
              + callbacks
              + ".");
    }
    Map<String, Object> trusted = new LinkedHashMap<>(body);
    trusted.put("address", agentAddress);
    Task task = locks.exclusive(node, driver);
    releaseOnFailure(
        task,
        () -> {
          requireWaitCallback(task.node());
          driver.deploy().validateCallback(task, method, trusted);
          start(
              task,
              n ->
                  n.toBuilder()
                      .provisionState(ProvisionState.DEPLOYING)
                      .targetProvisionState(ProvisionState.ACTIVE)
                      .build(),
              () -> continueDeploy(task, method, trusted));
        });
  }

  /**
   * Checks a ramdisk's token and address against its node's lookup, reading one row and taking no
   * lock.
   *
   * @return the address of the lookup
   * @throws ConductorException NOT_FOUND with {@link #RAMDISK_REFUSED}
   */
  private String authenticateAgent(String ident, String token, String clientAddress)
      throws ConductorException {
    String uuid = ident;
    if (!Identifiers.isUuid(ident)) {
      uuid = store.findNodeByName(ident).map(Node::uuid).orElse(null);
    }
    NodeStore.AgentCredentials credentials =
        uuid == null ? null : store.agentCredentials(uuid).orElse(null);
    boolean valid =
        credentials != null
            && credentials.provisionState() == ProvisionState.WAIT_CALLBACK
            && AgentTokens.matches(token, credentials.tokenHash())
            && credentials.address() != null
            && credentials.address().equals(clientAddress);
    if (!valid) {
      throw ConductorException.notFound(RAMDISK_REFUSED);
    }
    return credentials.address();
  }

  private static void requireWaitCallback(Node node) throws ConductorException {
    if (node.provisionState() != ProvisionState.WAIT_CALLBACK) {
      throw ConductorException.invalid(
          "Node "
              + node.uuid()
              + " is in provision state \""
              + node.provisionState()
              + "\"; a deploy callback is only accepted in \""
              + ProvisionState.WAIT_CALLBACK
              + "\".");
    }
  }

  private void continueDeploy(Task task, String method, Map<String, Object> body) {
    try {
      DeployState state = task.driver().deploy().continueDeploy(task, method, body);
      if (state == DeployState.WAIT_CALLBACK) {
        awaitCallback(task);
      } else {
        finish(task, ProvisionState.ACTIVE, b -> b.powerState(PowerState.POWER_ON));
      }
    } catch (DriverException | RuntimeException e) {
      fail(task, "Deploy failed after the ramdisk called back: " + messageOf(e), true);
    }
  }

  /**
   * Fails every node that has waited for its deploy callback longer than the timeout: deploy
   * failed, last_error {@value #CALLBACK_TIMEOUT_ERROR}, then the deploy's clean-up and power off.
   * Nodes locked by someone else are left for the next check.
   *
   * @return the number of nodes failed
   */
  public int failExpiredCallbacks(Duration timeout) {
    if (timeout.isZero() || timeout.isNegative()) {
      return 0;
    }
    Instant deadline = store.now().minus(timeout);
    int failed = 0;
    for (Node node :
        store.listNodes(
            new NodeQuery(ProvisionState.WAIT_CALLBACK, null, null, null, null, "uuid", false))) {
      if (node.provisionUpdatedAt() == null || node.provisionUpdatedAt().isAfter(deadline)) {
        continue;
      }
      BareMetalDriver driver = drivers.find(node.driver()).orElse(null);
      try (Task task = locks.exclusive(node, driver)) {
        Node current = task.node();
        if (current.provisionState() != ProvisionState.WAIT_CALLBACK
            || current.provisionUpdatedAt().isAfter(deadline)) {
          continue;
        }
        if (driver == null) {
          recordFailure(
              task,
              n ->
                  n.toBuilder()
                      .provisionState(ProvisionState.DEPLOY_FAILED)
                      .targetProvisionState(null)
                      .lastError(
                          CALLBACK_TIMEOUT_ERROR
                              + "; driver "
                              + n.driver()
                              + " is not loaded, so no clean-up or power off was done")
                      .build(),
              true);
        } else {
          fail(task, CALLBACK_TIMEOUT_ERROR, true);
        }
        failed++;
      } catch (ConductorException e) {
        LOG.debug("Callback timeout check skips node {}: {}", node.uuid(), e.getMessage());
      }
    }
    return failed;
  }

  // ---- ports ----

  /**
   * Creates a port on an existing node.
   *
   * @throws ConductorException INVALID (bad MAC, unknown node), CONFLICT (MAC or UUID taken)
   */
  public Port createPort(Port requested) throws ConductorException {
    if (!Identifiers.isUuid(requested.uuid())) {
      throw ConductorException.invalid("Expected a UUID for uuid but received " + requested.uuid());
    }
    if (store.findNode(requested.nodeUuid()).isEmpty()) {
      throw ConductorException.invalid(
          "Node " + requested.nodeUuid() + " could not be found; create the node first.");
    }
    Port port = requested.toBuilder().createdAt(null).updatedAt(null).build();
    try {
      return store.insertPort(port);
    } catch (DuplicateKeyException e) {
      throw duplicatePort(e, port);
    } catch (StoreException e) {
      if (store.findNode(requested.nodeUuid()).isEmpty()) {
        throw ConductorException.invalid(
            "Node " + requested.nodeUuid() + " could not be found; it was deleted meanwhile.");
      }
      throw e;
    }
  }

  private static MacAddress mac(String address) throws ConductorException {
    return MacAddress.tryParse(address)
        .orElseThrow(
            () ->
                ConductorException.invalid(
                    "Expected valid MAC address for address: "
                        + address
                        + " (six pairs of hex digits separated by : or -)"));
  }

  private static ConductorException duplicatePort(DuplicateKeyException e, Port port) {
    if ("uniq_ports_address".equals(e.constraint())) {
      return ConductorException.conflict(
          "A port with MAC address " + port.address() + " already exists.");
    }
    return ConductorException.conflict("A port with UUID " + port.uuid() + " already exists.");
  }

  /**
   * The port with this UUID.
   *
   * @throws ConductorException NOT_FOUND
   */
  public Port port(String uuid) throws ConductorException {
    return (Identifiers.isUuid(uuid) ? store.findPort(uuid) : Optional.<Port>empty())
        .orElseThrow(() -> ConductorException.notFound("Port " + uuid + " could not be found."));
  }

  /**
   * Ports, optionally only a node's or only the one with an address.
   *
   * @param node a node UUID or name, or null
   * @param address a MAC address, or null
   * @throws ConductorException NOT_FOUND for an unknown node, INVALID for a bad address
   */
  public List<Port> ports(String node, String address) throws ConductorException {
    List<Port> ports =
        node == null ? store.listPorts() : new ArrayList<>(store.portsOf(node(node).uuid()));
    if (address != null) {
      MacAddress mac = mac(address);
      ports = ports.stream().filter(p -> p.address().equals(mac)).toList();
    }
    return ports;
  }

  /**
   * Changes a port under its node's exclusive lock (both nodes when it moves).
   *
   * @throws ConductorException NOT_FOUND, INVALID, CONFLICT, LOCKED
   */
  public Port updatePort(String uuid, PortEditor editor) throws ConductorException {
    Port port = port(uuid);
    Node node = store.findNode(port.nodeUuid()).orElseThrow();
    try (Task task = locks.exclusive(node, null)) {
      Port current = port(uuid);
      Port edited = editor.edit(current);
      Port normalized =
          edited.toBuilder()
              .uuid(current.uuid())
              .createdAt(current.createdAt())
              .updatedAt(current.updatedAt())
              .build();
      if (!normalized.nodeUuid().equals(current.nodeUuid())) {
        if (!Identifiers.isUuid(normalized.nodeUuid())) {
          throw ConductorException.invalid("Expected UUID for node_uuid: " + normalized.nodeUuid());
        }
        Node target =
            store
                .findNode(normalized.nodeUuid())
                .orElseThrow(
                    () ->
                        ConductorException.invalid(
                            "Node " + normalized.nodeUuid() + " could not be found."));
        try (Task other = locks.exclusive(target, null)) {
          return savePort(normalized);
        }
      }
      return savePort(normalized);
    }
  }

  private Port savePort(Port port) throws ConductorException {
    try {
      return store
          .updatePort(port)
          .orElseThrow(
              () -> ConductorException.notFound("Port " + port.uuid() + " could not be found."));
    } catch (DuplicateKeyException e) {
      throw duplicatePort(e, port);
    }
  }

  /**
   * Deletes a port under its node's exclusive lock.
   *
   * @throws ConductorException NOT_FOUND, LOCKED
   */
  public void deletePort(String uuid) throws ConductorException {
    Port port = port(uuid);
    Node node = store.findNode(port.nodeUuid()).orElseThrow();
    try (Task task = locks.exclusive(node, null)) {
      if (!store.deletePort(uuid)) {
        throw ConductorException.notFound("Port " + uuid + " could not be found.");
      }
    }
  }

  // ---- drivers ----

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

  // ---- helpers ----

  /** The synchronous start of an operation that hands its locked task to a worker. */
  private interface Start {
    void run() throws DriverException, ConductorException;
  }

  /**
   * Runs the start of an operation under the task's lock; when it fails before handing the task to
   * a worker, releases the lock and turns a driver's error into a conductor error.
   */
  private static void releaseOnFailure(Task task, Start start) throws ConductorException {
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

  /**
   * Hands a locked task to a worker: reserves a worker first, then writes the state that says the
   * operation was accepted, then starts the work, which closes the task when it ends. A full pool
   * refuses before anything is written; an executor that refuses all the same (it is stopping) gets
   * the node's previous state back.
   *
   * @param accepted the change that records the accepted operation
   * @throws ConductorException BUSY when no worker is free
   */
  private void start(Task task, java.util.function.UnaryOperator<Node> accepted, Runnable work)
      throws ConductorException {
    Node before = task.node();
    try (Workers.Place place = workers.reserve("node " + before.uuid())) {
      task.update(accepted);
      try {
        place.start(
            () -> {
              try {
                work.run();
              } catch (Throwable e) {
                LOG.error(
                    "Node {}: unexpected failure in a conductor worker", task.node().uuid(), e);
                abandon(task, e);
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
            BUSY,
            "The conductor's workers are stopping; node "
                + before.uuid()
                + " was left as it was. Retry later.",
            e);
      }
    }
  }

  /**
   * Leaves a node whose operation broke unexpectedly in a defined state: the failure state of its
   * transient state, no power target, and last_error saying what broke.
   */
  private static void abandon(Task task, Throwable e) {
    if (task.isClosed()) {
      return;
    }
    String message =
        "Internal error in the conductor: "
            + (e.getMessage() == null || e.getMessage().isBlank()
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage());
    recordFailure(
        task,
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

  /** The one place where a driver's error becomes a conductor error. */
  static ConductorException fromDriver(Node node, DriverException e) {
    String message = messageOf(e);
    if (e instanceof NodeLockedException) {
      return new ConductorException(LOCKED, message, e);
    }
    if (e instanceof InvalidParameterValueException
        || e instanceof InvalidStateException
        || e instanceof UnsupportedDriverOperationException
        || e instanceof DriverUnavailableException) {
      return new ConductorException(INVALID, message, e);
    }
    return new ConductorException(FAILED, "Node " + node.uuid() + ": " + message, e);
  }

  static String messageOf(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
