package org.amtpxe.conductor.internal.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.InspectInterface;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Inspection;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.state.ProvisionStateMachine;
import org.amtpxe.conductor.internal.store.PortDao;
import org.amtpxe.conductor.internal.store.StoreException;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Out-of-band inspection after Ironic's ({@code ironic/conductor/inspection.py}): reads a node's
 * hardware through its driver's {@link InspectInterface} on a worker, or takes an inspection read
 * elsewhere (bulk enrollment), and applies it ({@link InspectionRules}) in one transaction: the
 * properties, a port per new wired MAC address, the bounded inventory in {@code
 * driver_internal_info}, the history events and the end of {@code inspecting}.
 */
public final class InspectionService {
  private static final Logger LOG = LoggerFactory.getLogger(InspectionService.class);

  /** Ironic's history event type of inspections. */
  public static final String EVENT_TYPE = "introspection";

  /** The driver_internal_info key of the last inspection's inventory, missing lines and time. */
  public static final String INSPECTION = "inspection";

  /** The driver_internal_info key of when the last inspection started (ISO-8601, UTC). */
  public static final String STARTED_AT = "inspection_started_at";

  private static final int MAX_EVENT = 8000;

  private final TaskManager tasks;
  private final NodeService nodes;
  private final DriverRegistry drivers;

  public InspectionService(TaskManager tasks, NodeService nodes, DriverRegistry drivers) {
    this.tasks = tasks;
    this.nodes = nodes;
    this.drivers = drivers;
  }

  /**
   * Applies an inspection that was already read (bulk enrollment reads it while probing) to a node
   * in manageable: inspecting -> manageable, same writes and history as the verb, synchronous.
   *
   * @return the node as stored
   * @throws ConductorException NOT_FOUND, INVALID (a state from which Ironic does not inspect),
   *     LOCKED, FAILED (the database failed: the node is then in inspect failed)
   */
  public Node applyInspection(String nodeIdent, Inspection inspection) throws ConductorException {
    Node node = nodes.node(nodeIdent);
    checkTransition(node);
    BareMetalDriver driver = drivers.find(node.driver()).orElse(null);
    try (Task task = tasks.acquire(node, driver)) {
      checkTransition(task.node());
      try {
        task.update(started(tasks.store().now()));
        return apply(task, inspection);
      } catch (RuntimeException e) {
        task.fail(storeFailure(task.node(), e), false);
        throw new ConductorException(
            ConductorException.Kind.FAILED,
            "Node " + node.uuid() + ": " + storeFailure(node, e),
            e);
      }
    }
  }

  /**
   * The driver's inspect interface.
   *
   * @throws ConductorException INVALID when the driver has none, as Ironic words it
   */
  static InspectInterface inspectInterface(BareMetalDriver driver, Node node)
      throws ConductorException {
    Optional<InspectInterface> inspect = driver == null ? Optional.empty() : driver.inspect();
    return inspect.orElseThrow(
        () ->
            ConductorException.invalid(
                "Driver "
                    + node.driver()
                    + " does not support inspection (disabled or not implemented)."));
  }

  /** The change that records an inspection's start. */
  static java.util.function.UnaryOperator<Node> started(Instant now) {
    return n -> {
      Map<String, Object> dii = new LinkedHashMap<>(n.driverInternalInfo());
      dii.put(STARTED_AT, now.toString());
      return n.toBuilder()
          .provisionState(ProvisionState.INSPECTING)
          .targetProvisionState(ProvisionState.MANAGEABLE)
          .lastError(null)
          .driverInternalInfo(dii)
          .build();
    };
  }

  /** The verb's work, on a worker: reads the hardware and applies it, or fails the task. */
  void inspect(Task task) {
    Node node = task.node();
    Inspection inspection;
    try {
      inspection = inspectInterface(task.driver(), node).inspectHardware(task);
      if (inspection == null) {
        throw new IllegalStateException("the driver returned no inspection");
      }
    } catch (AuthenticationFailedException e) {
      task.fail(
          "Failed to inspect hardware. Reason: "
              + TaskManager.messageOf(e)
              + ". The credentials were refused and were not tried again (AMT locks an account"
              + " after repeated failures): correct them in driver_info, then run 'baremetal"
              + " node inspect "
              + node.uuid()
              + "' again.",
          false);
      return;
    } catch (DriverException | ConductorException | RuntimeException e) {
      task.fail(
          "Failed to inspect hardware. Reason: "
              + TaskManager.messageOf(e)
              + ". Check that the node's management controller is reachable and its driver_info"
              + " is right, then run 'baremetal node inspect "
              + node.uuid()
              + "' again.",
          false);
      return;
    }
    try {
      apply(task, inspection);
    } catch (StoreException e) {
      task.fail(storeFailure(node, e), false);
    }
  }

  private static String storeFailure(Node node, RuntimeException e) {
    return "Failed to inspect hardware. Reason: the conductor could not store the result: "
        + TaskManager.messageOf(e)
        + ". Run 'baremetal node inspect "
        + node.uuid()
        + "' again.";
  }

  /** Applies a read inspection to the task's node (in inspecting) and ends the task. */
  private Node apply(Task task, Inspection inspection) {
    InspectionRules.Bounded bounded = InspectionRules.bound(inspection);
    InspectionRules.Properties properties = InspectionRules.properties(bounded.inventory());
    List<MacAddress> macs = InspectionRules.wiredMacs(bounded.inventory());
    Instant now = tasks.store().now();
    List<String> missing = new ArrayList<>();
    List<String> created = new ArrayList<>();
    Node stored =
        task.complete(
            n -> {
              Map<String, Object> record = new LinkedHashMap<>();
              record.put("inventory", bounded.inventory());
              record.put("missing", List.copyOf(missing));
              record.put("finished_at", now.toString());
              Map<String, Object> dii = new LinkedHashMap<>(n.driverInternalInfo());
              dii.put(INSPECTION, record);
              return n.toBuilder()
                  .provisionState(ProvisionState.MANAGEABLE)
                  .targetProvisionState(null)
                  .lastError(null)
                  .properties(properties.mergeInto(n.properties()))
                  .driverInternalInfo(dii)
                  .build();
            },
            (h, current) -> {
              missing.clear();
              created.clear();
              missing.addAll(bounded.missing());
              missing.addAll(properties.notes());
              addPorts(h, current, macs, created, missing, now);
              task.history(h, "INFO", EVENT_TYPE, summary(properties, created, macs.size()));
              if (!missing.isEmpty()) {
                task.history(
                    h,
                    "WARNING",
                    EVENT_TYPE,
                    cut("Inspection incomplete: " + String.join("; ", missing)));
              }
            });
    LOG.info(
        "Node {}: inspected; {} ports created, {} parts missing",
        stored.uuid(),
        created.size(),
        missing.size());
    return stored;
  }

  /**
   * Creates a port for each MAC no port has, as Ironic's inspection does: never a duplicate, never
   * a removal; a MAC of another node's port is left there and noted.
   */
  private static void addPorts(
      Handle h,
      Node node,
      List<MacAddress> macs,
      List<String> created,
      List<String> missing,
      Instant now) {
    for (MacAddress mac : macs) {
      Optional<Port> existing = PortDao.findByAddress(h, mac);
      if (existing.isPresent()) {
        if (!existing.get().nodeUuid().equals(node.uuid())) {
          missing.add(
              "port "
                  + mac
                  + " not created: the MAC address belongs to a port of node "
                  + existing.get().nodeUuid());
        }
        continue;
      }
      PortDao.insert(
          h,
          Port.builder(UUID.randomUUID().toString(), mac, node.uuid())
              .pxeEnabled(true)
              .createdAt(now)
              .build());
      created.add(mac.toString());
    }
  }

  private static String summary(
      InspectionRules.Properties properties, List<String> created, int macs) {
    StringBuilder s = new StringBuilder("Inspection applied:");
    if (properties.properties().isEmpty() && properties.bootMode() == null) {
      s.append(" no properties");
    }
    properties.properties().forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
    if (properties.bootMode() != null) {
      s.append(" boot_mode=").append(properties.bootMode());
    }
    s.append("; ports created: ")
        .append(created.isEmpty() ? "none" : String.join(", ", created))
        .append(" (")
        .append(macs)
        .append(" wired MAC addresses found)");
    return cut(s.toString());
  }

  private static String cut(String s) {
    return s.length() <= MAX_EVENT ? s : s.substring(0, MAX_EVENT) + "...";
  }

  private static void checkTransition(Node node) throws ConductorException {
    if (ProvisionStateMachine.transition(node.provisionState(), ProvisionAction.INSPECT)
        .isEmpty()) {
      throw ConductorException.invalid(
          "The requested action \"inspect\" can not be performed on node \""
              + node.uuid()
              + "\" while it is in state \""
              + node.provisionState()
              + "\".");
    }
  }
}
