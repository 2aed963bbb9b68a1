package org.amtpxe.conductor.internal.service;

import java.util.Map;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.DeployState;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.cluster.Takeover;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.state.ProvisionStateMachine;
import org.amtpxe.conductor.internal.state.ProvisionStateMachine.Transition;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisioning: the verbs of Ironic's state machine (manage, provide, deploy, rebuild, undeploy,
 * inspect), checked and started synchronously, their work (verify, clean, deploy, tear down, and
 * {@link InspectionService}'s inspection) on a worker.
 */
public final class ProvisionService {
  private static final Logger LOG = LoggerFactory.getLogger(ProvisionService.class);

  private final TaskManager tasks;
  private final NodeService nodes;
  private final DriverRegistry drivers;
  private final InspectionService inspections;

  public ProvisionService(
      TaskManager tasks, NodeService nodes, DriverRegistry drivers, InspectionService inspections) {
    this.tasks = tasks;
    this.nodes = nodes;
    this.drivers = drivers;
    this.inspections = inspections;
  }

  /**
   * Starts a provisioning verb: manage, provide, active (deploy), rebuild, deleted (undeploy) or
   * inspect. Checks the transition, the lock and (for deploys) the driver synchronously; the work
   * runs on a worker.
   *
   * @throws ConductorException NOT_FOUND, INVALID (verb, state, driver, parameters), LOCKED, BUSY
   */
  public void changeProvisionState(String ident, ProvisionAction action) throws ConductorException {
    if (!action.supported()) {
      throw ConductorException.invalid(
          "The provision action \"" + action.value() + "\" is not supported by this conductor.");
    }
    Node node = nodes.node(ident);
    if (action == ProvisionAction.INSPECT) {
      // NOTE: Ironic checks the driver's inspect interface before the state
      // (ironic/conductor/manager.py, inspect_hardware).
      InspectionService.inspectInterface(drivers.require(node), node);
    }
    Transition transition = checkTransition(node, action);
    checkFlags(node, action);
    BareMetalDriver driver =
        transition.target() == null
            ? drivers.find(node.driver()).orElse(null)
            : drivers.require(node);
    Task task = tasks.acquire(node, driver);
    TaskManager.startOrRelease(
        task,
        () -> {
          Node current = task.node();
          Transition t = checkTransition(current, action);
          checkFlags(current, action);
          if (action == ProvisionAction.ACTIVE || action == ProvisionAction.REBUILD) {
            driver.power().validate(task);
            driver.deploy().validate(task);
          }
          if (action == ProvisionAction.INSPECT) {
            driver.power().validate(task);
            InspectionService.inspectInterface(driver, current).validate(task);
          }
          java.util.function.UnaryOperator<Node> accepted =
              action == ProvisionAction.INSPECT
                  ? InspectionService.started(tasks.store().now())
                  : n ->
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
                  case INSPECTING -> () -> inspections.inspect(task);
                  default -> throw new IllegalStateException("No work for " + t.next());
                };
            task.spawn(accepted, work);
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

  /**
   * Ironic's refusals by the node's own flags: a protected node is not undeployed or rebuilt (403),
   * a retired node is not provided (it stays out of service).
   */
  private static void checkFlags(Node node, ProvisionAction action) throws ConductorException {
    if (node.protectedNode()
        && (action == ProvisionAction.DELETED || action == ProvisionAction.REBUILD)) {
      throw NodeService.protectedNode(node);
    }
    if (node.retired() && action == ProvisionAction.PROVIDE) {
      throw ConductorException.invalid(
          "The providing operation can't be performed on node "
              + node.uuid()
              + " because it is retired; unset retired first (baremetal node unset --retired "
              + node.uuid()
              + ").");
    }
  }

  private void verify(Task task) {
    try {
      BareMetalDriver driver = task.driver();
      driver.power().validate(task);
      driver.management().validate(task);
      PowerState power = driver.power().getPowerState(task);
      task.finish(ProvisionState.MANAGEABLE, n -> n.powerState(power));
    } catch (DriverException | RuntimeException e) {
      task.fail("Failed to verify node: " + TaskManager.messageOf(e), false);
    }
  }

  private void clean(Task task) {
    // NOTE: this driver family has no clean steps (Kilo's pxe_amt had none); cleaning only passes
    // through, so that the states and the API are Ironic's. A retired node goes back to
    // manageable instead of available, as in Ironic.
    task.finish(
        task.node().retired() ? ProvisionState.MANAGEABLE : ProvisionState.AVAILABLE, b -> b);
  }

  private void deploy(Task task) {
    try {
      BareMetalDriver driver = task.driver();
      driver.deploy().prepare(task);
      // The boot files are on this conductor's disk now (docs/ironic-api.md#several-conductors).
      task.putDriverInternalInfo(Map.of(Takeover.AFFINITY, tasks.host()));
      DeployState state = driver.deploy().deploy(task);
      if (state == DeployState.WAIT_CALLBACK) {
        task.awaitCallback();
      } else {
        task.finish(ProvisionState.ACTIVE, b -> b);
      }
    } catch (DriverException | RuntimeException e) {
      task.fail("Failed to deploy: " + TaskManager.messageOf(e), false);
    }
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
      task.fail("Failed to tear down: " + TaskManager.messageOf(e), false);
      return;
    }
    clean(task);
  }
}
