package org.amtpxe.api.driver;

import java.time.Duration;
import java.util.Set;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.amtpxe.api.model.PowerState;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Controls a node's power. Implementations are registered as OSGi services with the property
 * {@value #DRIVER_PROPERTY} naming the hardware they drive.
 */
@ProviderType
public interface PowerInterface extends DriverInterface {

  /** The service property that names the hardware, for example {@code amt}. */
  String DRIVER_PROPERTY = "driver";

  /**
   * Reads the node's power state from the hardware. Works under a shared lock.
   *
   * @param task the node
   * @return {@link PowerState#POWER_ON} or {@link PowerState#POWER_OFF} (sleeping counts as on), or
   *     {@link PowerState#ERROR} when the hardware reports something that is neither
   * @throws org.amtpxe.api.error.DeviceCommunicationException when the hardware cannot be reached
   * @throws org.amtpxe.api.error.OperationFailedException when it answers with an error
   * @throws DriverException for any other failure
   */
  PowerState getPowerState(TaskContext task) throws DriverException;

  /**
   * Moves the node to a power state and waits until it is reached. Needs an exclusive lock.
   *
   * @param task the node, locked exclusively
   * @param target {@link PowerState#POWER_ON}, {@link PowerState#POWER_OFF} or, where {@link
   *     #supportedPowerStates} lists them, the soft targets
   * @param timeout how long to wait for the state, or null for the driver's configured default
   * @throws org.amtpxe.api.error.ExclusiveLockRequiredException under a shared lock
   * @throws org.amtpxe.api.error.InvalidParameterValueException for a target that is not a state
   * @throws UnsupportedDriverOperationException for a target the hardware does not offer
   * @throws org.amtpxe.api.error.PowerStateFailureException when the state was not reached
   * @throws DriverException for any other failure
   */
  void setPowerState(TaskContext task, PowerState target, Duration timeout) throws DriverException;

  /**
   * Hard-reboots the node: a node that was off ends up on. Needs an exclusive lock.
   *
   * @param task the node, locked exclusively
   * @param timeout how long to wait for each state, or null for the configured default
   * @throws org.amtpxe.api.error.ExclusiveLockRequiredException under a shared lock
   * @throws org.amtpxe.api.error.PowerStateFailureException when a state was not reached
   * @throws DriverException for any other failure
   */
  void reboot(TaskContext task, Duration timeout) throws DriverException;

  /**
   * The power targets the node accepts: at least on, off and reboot; soft power off and soft reboot
   * where the hardware offers them.
   *
   * @param task the node
   * @return the targets
   * @throws DriverException when the hardware must be asked and cannot be
   */
  Set<PowerState> supportedPowerStates(TaskContext task) throws DriverException;

  /**
   * Sends a non-maskable interrupt to the node. Optional: the default refuses.
   *
   * @param task the node, locked exclusively
   * @throws UnsupportedDriverOperationException when the driver or hardware cannot do it
   * @throws DriverException for any other failure
   */
  default void injectNmi(TaskContext task) throws DriverException {
    throw new UnsupportedDriverOperationException(
        "Node " + task.node().displayName() + ": this power interface cannot inject an NMI.");
  }
}
