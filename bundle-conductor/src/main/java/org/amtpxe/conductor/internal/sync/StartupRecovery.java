package org.amtpxe.conductor.internal.sync;

import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.state.ProvisionStateMachine;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after a conductor that stopped in the middle of operations (crash, kill, bundle
 * update): nodes it had reserved or left in a transient state are moved to a defined state with a
 * last_error saying why, and its reservations are released. Nodes reserved by another conductor are
 * left alone.
 */
public final class StartupRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(StartupRecovery.class);

  private final TaskManager tasks;
  private final String host;

  public StartupRecovery(TaskManager tasks) {
    this.tasks = tasks;
    this.host = tasks.host();
  }

  /**
   * Recovers every node this conductor owned.
   *
   * @return the number of nodes changed
   */
  public int recover() {
    int changed = recover(host, false, "conductor restarted while ", " (conductor " + host + ")");
    int released = tasks.releaseAll();
    if (released > 0) {
      LOG.warn("Released {} node locks left by the previous run of conductor {}", released, host);
    }
    return changed;
  }

  /**
   * Takes over after a dead conductor: every node it had reserved is moved out of what it was
   * doing, with a last_error saying so, and its locks are released.
   *
   * @param dead the conductor whose heartbeat expired
   * @return the number of nodes changed
   */
  public int takeOver(String dead) {
    int changed =
        recover(
            dead,
            true,
            "conductor " + dead + " went offline while ",
            " (taken over by conductor " + host + ")");
    int released = tasks.releaseAll(dead);
    if (released > 0 || changed > 0) {
      LOG.warn(
          "Conductor {} took over from dead conductor {}: {} nodes recovered, {} locks released",
          host,
          dead,
          changed,
          released);
    }
    return changed;
  }

  /**
   * @param holder the conductor whose nodes are recovered
   * @param reservedOnly only the nodes it has reserved (a dead conductor's), not also the
   *     unreserved ones it may have left in a transient state (this conductor's own restart)
   */
  private int recover(String holder, boolean reservedOnly, String prefix, String suffix) {
    int changed = 0;
    for (Node node : tasks.store().read(h -> NodeDao.list(h, NodeQuery.all()))) {
      if (node.reservation() == null ? reservedOnly : !node.reservation().equals(holder)) {
        continue;
      }
      Node.Builder b = node.toBuilder();
      StringBuilder why = new StringBuilder();
      ProvisionState state = node.provisionState();
      if (state.isTransient()) {
        ProvisionState failed = ProvisionStateMachine.failureState(state);
        b.provisionState(failed).targetProvisionState(null);
        why.append(prefix).append(state.value());
        if (state == ProvisionState.INSPECTING) {
          why.append(" (the inspection did not finish: run 'baremetal node inspect ")
              .append(node.uuid())
              .append("' again)");
        }
      }
      if (node.targetPowerState() != null) {
        b.targetPowerState(null);
        why.append(why.length() == 0 ? "" : "; ")
            .append(prefix)
            .append("changing power state to ")
            .append(node.targetPowerState().value());
      }
      if (why.length() > 0) {
        String message = why + suffix;
        Node recovered = b.lastError(message).build();
        if (tasks.recover(node.uuid(), holder, n -> recovered).isPresent()) {
          LOG.warn("Node {}: {}", node.uuid(), message);
          changed++;
        }
      }
    }
    return changed;
  }
}
