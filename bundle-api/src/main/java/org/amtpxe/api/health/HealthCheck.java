package org.amtpxe.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One part of the system that can tell whether it works: registered as an OSGi service by the
 * bundle that owns the part (the PXE bundle's TFTP server, for example) and run by the conductor
 * for {@code GET /health} and {@code amtpxe:status}.
 *
 * <p>The conductor runs the checks concurrently, each with a timeout, and reports a check that does
 * not answer in time as DOWN; still, a check should answer in well under a second and must not wait
 * on the network for long.
 */
@ConsumerType
public interface HealthCheck {

  /**
   * The check's name, unique in the system: lowercase words separated by dots or dashes ({@code
   * pxe.tftp}).
   */
  String name();

  /**
   * Checks the part now.
   *
   * @return UP or DOWN with a reason an operator can act on; never null. An exception thrown here
   *     is reported as DOWN with its message.
   */
  Health check();
}
