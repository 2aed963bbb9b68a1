package org.amtpxe.conductor.internal.service;

import java.util.Set;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.BootHistory;
import org.amtpxe.api.driver.BootHistoryInterface;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Management: the boot device for the next boot or every boot, the NMI and the boot history. */
public final class ManagementService {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementService.class);

  private final TaskManager tasks;
  private final NodeService nodes;
  private final DriverRegistry drivers;

  public ManagementService(TaskManager tasks, NodeService nodes, DriverRegistry drivers) {
    this.tasks = tasks;
    this.nodes = nodes;
    this.drivers = drivers;
  }

  /**
   * Sets the boot device for the next boot or for every boot.
   *
   * @throws ConductorException NOT_FOUND, INVALID, LOCKED, FAILED
   */
  public void setBootDevice(String ident, BootDevice device, boolean persistent)
      throws ConductorException {
    underLock(
        ident,
        tasks::acquire,
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
        tasks::shared,
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
        ident, tasks::shared, (driver, task) -> driver.management().supportedBootDevices(task));
  }

  /**
   * The boots and power changes the node's management controller logged (AMT's event log), read
   * from the hardware now under a shared lock.
   *
   * @throws ConductorException NOT_FOUND, INVALID (the driver keeps no boot history, or is not
   *     loaded), FAILED (the hardware is unreachable, refuses or answers badly)
   */
  public BootHistory bootHistory(String ident) throws ConductorException {
    return underLock(
        ident,
        tasks::shared,
        (driver, task) -> {
          BootHistoryInterface history =
              driver
                  .bootHistory()
                  .orElseThrow(
                      () ->
                          ConductorException.invalid(
                              "Node "
                                  + task.node().uuid()
                                  + ": driver "
                                  + driver.name()
                                  + " reads no boot history from the hardware."));
          history.validate(task);
          return history.readBootHistory(task);
        });
  }

  /**
   * Sends a non-maskable interrupt.
   *
   * @throws ConductorException NOT_FOUND, INVALID (also when unsupported), LOCKED, FAILED
   */
  public void injectNmi(String ident) throws ConductorException {
    underLock(
        ident,
        tasks::acquire,
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
    Node node = nodes.node(ident);
    BareMetalDriver driver = drivers.require(node);
    try (Task task = locking.lock(node, driver)) {
      return call.call(driver, task);
    } catch (DriverException e) {
      throw TaskManager.fromDriver(node, e);
    }
  }
}
