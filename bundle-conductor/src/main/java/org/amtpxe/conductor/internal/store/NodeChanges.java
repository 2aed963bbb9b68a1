package org.amtpxe.conductor.internal.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.config.JdbiConfig;

/**
 * Tells listeners which nodes a transaction changed, once it has committed: the DAOs mark every
 * node they write ({@link #mark}), and the listeners (the web page's event stream) hear its UUID
 * after the commit, never for a change that was rolled back, and never before another connection
 * can read it.
 *
 * <p>A Jdbi configuration object, so that the static DAOs reach the listeners of their handle's
 * database without a field; every copy Jdbi makes for a handle shares the one listener list.
 */
public final class NodeChanges implements JdbiConfig<NodeChanges> {
  private final List<Consumer<String>> listeners;

  /** The configuration Jdbi creates on first use. */
  public NodeChanges() {
    this(new CopyOnWriteArrayList<>());
  }

  private NodeChanges(List<Consumer<String>> listeners) {
    this.listeners = listeners;
  }

  @Override
  public NodeChanges createCopy() {
    return new NodeChanges(listeners);
  }

  /** Adds a listener; it is called on the committing thread and must return at once. */
  public void listen(Consumer<String> listener) {
    listeners.add(listener);
  }

  public void unlisten(Consumer<String> listener) {
    listeners.remove(listener);
  }

  /**
   * Marks a node as changed by the handle's transaction: its listeners hear the UUID once the
   * transaction commits (nothing when it rolls back).
   */
  public static void mark(Handle h, String nodeUuid) {
    NodeChanges changes = h.getConfig(NodeChanges.class);
    if (changes.listeners.isEmpty() || nodeUuid == null) {
      return;
    }
    h.afterCommit(
        () -> {
          for (Consumer<String> l : changes.listeners) {
            l.accept(nodeUuid);
          }
        });
  }
}
