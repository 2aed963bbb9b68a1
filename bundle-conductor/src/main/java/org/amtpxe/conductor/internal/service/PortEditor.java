package org.amtpxe.conductor.internal.service;

import org.amtpxe.api.model.Port;

/** Computes a port's new values from its current ones, under its node's exclusive lock. */
@FunctionalInterface
public interface PortEditor {
  /**
   * @param current the port as stored
   * @return the port to store
   * @throws ConductorException INVALID when the change is not allowed
   */
  Port edit(Port current) throws ConductorException;
}
