package org.amtpxe.api.driver;

import org.amtpxe.api.error.DriverException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reaches a node's serial console out of band (Ironic's console interface). Implementations are
 * registered as OSGi services with the property {@value PowerInterface#DRIVER_PROPERTY}.
 *
 * <p>The conductor owns what an operator connects to (a TCP port per enabled console); the driver
 * only prepares the hardware ({@link #startConsole}) and opens {@linkplain ConsoleSession sessions}
 * that carry the bytes. A session outlives the task that opened it: the conductor keeps it while
 * the console is enabled and opens a new one when the hardware drops it.
 *
 * @since 1.2
 */
@ProviderType
public interface ConsoleInterface extends DriverInterface {

  /**
   * Prepares the hardware so that sessions can be opened, for example by enabling the controller's
   * serial-over-LAN listener. Idempotent; may contact the hardware.
   *
   * @param task the node
   * @throws org.amtpxe.api.error.AuthenticationFailedException when the hardware refuses the
   *     credentials; callers must not retry with the same ones
   * @throws DriverException when the hardware cannot be reached or refuses
   */
  void startConsole(TaskContext task) throws DriverException;

  /**
   * Undoes what {@link #startConsole} needs undone. Sessions are closed by their owner, not here.
   * The default does nothing: leaving a listener enabled harms nothing and other tools may use it.
   *
   * @param task the node
   * @throws DriverException when the hardware cannot be reached or refuses
   */
  default void stopConsole(TaskContext task) throws DriverException {}

  /**
   * Opens a session to the node's serial port: the hardware is connected, authenticated and
   * streaming when this returns. Only one session per node may exist at a time on most hardware.
   *
   * @param task the node
   * @return the open session; the caller closes it
   * @throws org.amtpxe.api.error.AuthenticationFailedException when the hardware refuses the
   *     credentials; callers must not retry with the same ones
   * @throws org.amtpxe.api.error.ConnectionFailedException when the hardware cannot be reached
   * @throws org.amtpxe.api.error.DeviceTimeoutException when a step is not answered in time
   * @throws org.amtpxe.api.error.OperationFailedException when the hardware refuses the session
   *     (console disabled, another session open)
   * @throws DriverException for any other failure
   */
  ConsoleSession openSession(TaskContext task) throws DriverException;
}
