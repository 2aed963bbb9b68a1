package org.amtpxe.conductor.internal.cluster;

import java.util.List;
import java.util.Optional;
import org.amtpxe.api.model.Node;

/**
 * Which conductor does a node's periodic work (power sync, callback timeouts) and answers for it as
 * the node's {@code conductor}: with several conductors on one database, the hash ring's owner.
 */
public interface Ownership {
  /** The conductor that owns the node now, or empty when no online conductor can have it. */
  Optional<String> owner(Node node);

  /** Whether this conductor owns the node now. */
  boolean mine(Node node);

  /** The conductors sharing the database as of the last heartbeat; empty for a conductor alone. */
  List<ConductorRegistry.Member> members();

  /** A conductor alone: it owns every node. */
  static Ownership solo(String host) {
    return new Ownership() {
      @Override
      public Optional<String> owner(Node node) {
        return Optional.of(host);
      }

      @Override
      public boolean mine(Node node) {
        return true;
      }

      @Override
      public List<ConductorRegistry.Member> members() {
        return List.of();
      }
    };
  }
}
