package org.amtpxe.conductor.internal.service;

import java.time.Duration;
import java.util.Set;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Power: starts a power change on a worker and records where it ended; the driver is not called
 * when the node is already in the requested state (except for reboots).
 */
public final class PowerService {
  private static final Logger LOG = LoggerFactory.getLogger(PowerService.class);

  private final TaskManager tasks;
  private final NodeService nodes;
  private final DriverRegistry drivers;

  public PowerService(TaskManager tasks, NodeService nodes, DriverRegistry drivers) {
    this.tasks = tasks;
    this.nodes = nodes;
    this.drivers = drivers;
  }

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
    Node node = nodes.node(ident);
    BareMetalDriver driver = drivers.require(node);
    Task task = tasks.acquire(node, driver);
    TaskManager.startOrRelease(
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
          task.spawn(
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
      String message =
          "Failed to change power state to '" + target + "'. Error: " + TaskManager.messageOf(e);
      LOG.warn("Node {}: {}", uuid, message);
      task.record(n -> n.toBuilder().targetPowerState(null).lastError(message).build(), true);
    }
  }
}
