package org.amtpxe.conductor.internal.service;

import org.amtpxe.conductor.internal.console.ConsoleService;
import org.amtpxe.conductor.internal.enroll.EnrollService;
import org.amtpxe.conductor.internal.metrics.ConductorMeters;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.amtpxe.conductor.internal.task.Workers;

/**
 * The conductor's services, made once per runtime and shared by the REST API and the shell: a
 * reader finds any behaviour by following names, from a REST resource to one of these services, to
 * a {@link org.amtpxe.conductor.internal.task.Task} and the driver interface it calls.
 *
 * @param nodes nodes, their maintenance and validation
 * @param ports ports
 * @param power power changes
 * @param management boot devices and NMI
 * @param provision provisioning verbs and their work
 * @param inspection hardware inspection: the verb's work, and applying an inspection read elsewhere
 * @param ramdisk the deploy ramdisk's lookup and callback, and callback timeouts
 * @param enroll bulk enrollment: probing addresses and enrolling what answers, inspected
 * @param consoles serial consoles: enabling, disabling and the TCP ports bridged to them
 * @param tasks the task manager they share
 * @param drivers the loaded drivers
 */
public record Conductor(
    NodeService nodes,
    PortService ports,
    PowerService power,
    ManagementService management,
    ProvisionService provision,
    InspectionService inspection,
    RamdiskService ramdisk,
    EnrollService enroll,
    ConsoleService consoles,
    TaskManager tasks,
    DriverRegistry drivers) {

  /** Makes the services over one store, for conductor {@code host}; consoles bind loopback. */
  public static Conductor create(
      Store store, String host, DriverRegistry drivers, Workers workers) {
    return create(store, host, drivers, workers, "127.0.0.1", ConductorMeters.standalone());
  }

  /** Makes the services over one store, for conductor {@code host}, measured by {@code meters}. */
  public static Conductor create(
      Store store, String host, DriverRegistry drivers, Workers workers, ConductorMeters meters) {
    return create(store, host, drivers, workers, "127.0.0.1", meters);
  }

  /**
   * Makes the services over one store, for conductor {@code host}, with console ports bound to
   * {@code consoleHost}, measured by {@code meters}.
   */
  public static Conductor create(
      Store store,
      String host,
      DriverRegistry drivers,
      Workers workers,
      String consoleHost,
      ConductorMeters meters) {
    TaskManager tasks = new TaskManager(store, host, workers, meters);
    NodeService nodes = new NodeService(tasks, drivers);
    InspectionService inspection = new InspectionService(tasks, nodes, drivers);
    return new Conductor(
        nodes,
        new PortService(tasks, nodes),
        new PowerService(tasks, nodes, drivers),
        new ManagementService(tasks, nodes, drivers),
        new ProvisionService(tasks, nodes, drivers, inspection),
        inspection,
        new RamdiskService(tasks, nodes, drivers),
        new EnrollService(nodes, drivers, tasks, inspection::applyInspection),
        new ConsoleService(tasks, nodes, drivers, consoleHost),
        tasks,
        drivers);
  }
}
