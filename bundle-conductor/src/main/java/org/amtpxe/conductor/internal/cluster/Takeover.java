package org.amtpxe.conductor.internal.cluster;

import java.util.List;
import java.util.Optional;
import org.amtpxe.conductor.internal.store.LockDao;
import org.amtpxe.conductor.internal.sync.StartupRecovery;
import org.amtpxe.conductor.internal.task.TaskManager;

/**
 * What the live conductors do about a dead one, after each heartbeat: its locks are released and
 * the nodes it was working on leave the states it left them in, with a last_error saying so
 * (Ironic's takeover of an offline conductor's reservations). One live conductor does it, the first
 * by host name, so that two do not record the same recovery twice; the work is idempotent besides,
 * and costs one indexed count per dead conductor while there is nothing to do.
 */
public final class Takeover {
  private final ConductorRegistry registry;
  private final TaskManager tasks;
  private final StartupRecovery recovery;

  public Takeover(ConductorRegistry registry, TaskManager tasks) {
    this.registry = registry;
    this.tasks = tasks;
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
}
