package org.amtpxe.api.driver;

import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Inspection;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads a node's hardware out of band, without booting it. Implementations are registered as OSGi
 * services with the property {@value PowerInterface#DRIVER_PROPERTY}.
 *
 * <p>The interface only reads: it never changes the node. The conductor turns the {@link
 * Inspection} into the node's properties and ports, after Ironic's inspection rules.
 */
@ProviderType
public interface InspectInterface extends DriverInterface {

  /**
   * Reads the hardware. Works with the host in any power state.
   *
   * <p>A part the hardware cannot report (a class the firmware does not know, a property it leaves
   * out) does not fail the inspection: it is named in {@link Inspection#missing()}. Failing to
   * reach the hardware at all, or being refused by it, does.
   *
   * @param task the node
   * @return what was read
   * @throws org.amtpxe.api.error.AuthenticationFailedException when the hardware refuses the
   *     credentials; callers must not retry with the same ones
   * @throws DriverException when the hardware cannot be reached or read
   */
  Inspection inspectHardware(TaskContext task) throws DriverException;
}
