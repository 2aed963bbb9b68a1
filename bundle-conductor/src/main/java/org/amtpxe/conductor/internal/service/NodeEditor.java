package org.amtpxe.conductor.internal.service;

import org.amtpxe.api.model.Node;

/** Computes a node's new values from its current ones, under the node's exclusive lock. */
@FunctionalInterface
public interface NodeEditor {
  /**
   * @param current the node as stored
   * @return the node to store
   * @throws ConductorException INVALID when the change is not allowed
   */
  Node edit(Node current) throws ConductorException;
}
