package org.amtpxe.conductor.internal.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.LockDao;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.sync.StartupRecovery;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the live conductors do about a dead one, after each heartbeat: its locks are released and
 * the nodes it was working on leave the states it left them in, with a last_error saying so
 * (Ironic's takeover of an offline conductor's reservations). One live conductor does it, the first
 * by host name, so that two do not record the same recovery twice; the work is idempotent besides,
 * and costs one indexed count per dead conductor while there is nothing to do.
 *
 * <p>And what a conductor does about the nodes that became its own ({@link #adopt()}): a node
 * waiting for its deploy callback or active is served by the boot servers of the conductor whose
 * disk holds its files, recorded as {@value #AFFINITY} in its driver_internal_info (Ironic's
 * conductor affinity). When the ring gives such a node to another conductor (its owner died, or a
 * conductor joined), the new owner prepares the files on its own disk through the deploy's takeOver
 * and records itself.
 */
public final class Takeover {
  /** The driver_internal_info key naming the conductor whose boot servers serve the node. */
  public static final String AFFINITY = "conductor_affinity";

  private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);

  private final ConductorRegistry registry;
  private final TaskManager tasks;
  private final DriverRegistry drivers;
  private final StartupRecovery recovery;
  private Set<String> adoptedFor;
  private final Set<String> retry = new HashSet<>();

  public Takeover(ConductorRegistry registry, TaskManager tasks, DriverRegistry drivers) {
    this.registry = registry;
    this.tasks = tasks;
    this.drivers = drivers;
    this.recovery = new StartupRecovery(tasks);
  }

  /**
   * Recovers the nodes of every dead conductor that still holds locks, when this conductor is the
   * one that does it.
   *
   * @return the number of nodes changed
   */
  public int run() {
    List<ConductorRegistry.Member> members = registry.members();
    Optional<String> first =
        members.stream()
            .filter(ConductorRegistry.Member::alive)
            .map(m -> m.row().hostname())
            .sorted()
            .findFirst();
    if (!first.equals(Optional.of(registry.host()))) {
      return 0;
    }
    int changed = 0;
    for (ConductorRegistry.Member m : members) {
      String dead = m.row().hostname();
      if (!m.alive() && tasks.store().read(h -> LockDao.heldBy(h, dead)) > 0) {
        changed += recovery.takeOver(dead);
      }
    }
    return changed;
  }

  /**
   * Takes over the boot files of this conductor's nodes that another conductor served: after the
   * live conductors changed (and on the first call), or to retry nodes that were locked or failed.
   * A node that cannot be taken over keeps its state; the failure is its last_error.
   *
   * @return the number of nodes taken over
   */
  public synchronized int adopt() {
    Set<String> live = registry.ring().hosts();
    if (live.equals(adoptedFor) && retry.isEmpty()) {
      return 0;
    }
    adoptedFor = live;
    retry.clear();
    List<Node> candidates = new ArrayList<>();
    for (ProvisionState state : List.of(ProvisionState.WAIT_CALLBACK, ProvisionState.ACTIVE)) {
      candidates.addAll(
          tasks
              .store()
              .read(
                  h ->
                      NodeDao.list(
                          h, new NodeQuery(state, null, null, null, null, "uuid", false))));
    }
    int adopted = 0;
    for (Node node : candidates) {
      if (!registry.mine(node) || registry.host().equals(affinity(node))) {
        continue;
      }
      BareMetalDriver driver = drivers.find(node.driver()).orElse(null);
      if (driver == null) {
        continue;
      }
      try (Task task = tasks.acquire(node, driver)) {
        Node current = task.node();
        if (!registry.mine(current)
            || registry.host().equals(affinity(current))
            || (current.provisionState() != ProvisionState.WAIT_CALLBACK
                && current.provisionState() != ProvisionState.ACTIVE)) {
          continue;
        }
        try {
          driver.deploy().takeOver(task);
          task.putDriverInternalInfo(Map.of(AFFINITY, registry.host()));
          adopted++;
          LOG.info(
              "Conductor {} took over node {} ({}) from {}",
              registry.host(),
              current.displayName(),
              current.provisionState().value(),
              affinity(current));
        } catch (DriverException | RuntimeException e) {
          String why =
              "Conductor "
                  + registry.host()
                  + " could not take over the node's boot files: "
                  + TaskManager.messageOf(e);
          task.record(n -> n.toBuilder().lastError(why).build(), false);
          LOG.warn("Node {}: {}", current.displayName(), why);
          retry.add(node.uuid());
        }
      } catch (ConductorException e) {
        // Locked by an operation in progress: the next heartbeat tries again.
        retry.add(node.uuid());
      }
    }
    return adopted;
  }

  /** The conductor that serves the node's boot files, or null when none is recorded. */
  static String affinity(Node node) {
    Object host = node.driverInternalInfo().get(AFFINITY);
    return host instanceof String s ? s : null;
  }
}
