package org.amtpxe.api.driver;

import org.amtpxe.api.error.DriverException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads the boots and power changes a node's management controller recorded by itself, for example
 * Intel AMT's event log that the BIOS writes at every boot. Read-only: it never changes the node.
 * Implementations are registered as OSGi services with the property {@value
 * PowerInterface#DRIVER_PROPERTY}.
 *
 * @since 1.3
 */
@ProviderType
public interface BootHistoryInterface extends DriverInterface {

  /**
   * Reads the whole log the hardware keeps, bounded in records, bytes and time by the driver. Needs
   * no lock beyond a shared one; may contact the hardware.
   *
   * @param task the node
   * @return the events, newest first
   * @throws org.amtpxe.api.error.AuthenticationFailedException when the hardware refuses the
   *     credentials
   * @throws org.amtpxe.api.error.ConnectionFailedException when the hardware cannot be reached
   * @throws org.amtpxe.api.error.DeviceTimeoutException when the hardware does not answer in time
   * @throws org.amtpxe.api.error.DeviceCommunicationException when the hardware's answer is
   *     malformed or exceeds the driver's bounds
   * @throws org.amtpxe.api.error.UnsupportedDriverOperationException when this hardware keeps no
   *     such log
   * @throws DriverException for any other failure
   */
  BootHistory readBootHistory(TaskContext task) throws DriverException;
}
