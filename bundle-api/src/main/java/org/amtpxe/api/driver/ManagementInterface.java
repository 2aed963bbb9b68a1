package org.amtpxe.api.driver;

import java.util.Map;
import java.util.Set;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Manages a node's boot device. Implementations are registered as OSGi services with the property
 * {@value PowerInterface#DRIVER_PROPERTY}.
 */
@ProviderType
public interface ManagementInterface extends DriverInterface {

  /**
   * The boot devices this node can be set to.
   *
   * @param task the node
   * @return the devices
   * @throws DriverException when the hardware must be asked and cannot be
   */
  Set<BootDevice> supportedBootDevices(TaskContext task) throws DriverException;

  /**
   * Sets the boot device for the next boot, or for every boot. Needs an exclusive lock.
   *
   * @param task the node, locked exclusively
   * @param device the device
   * @param persistent true to use it for every boot, false for the next boot only
   * @throws org.amtpxe.api.error.ExclusiveLockRequiredException under a shared lock
   * @throws org.amtpxe.api.error.InvalidParameterValueException for an unsupported device
   * @throws DriverException for any other failure
   */
  void setBootDevice(TaskContext task, BootDevice device, boolean persistent)
      throws DriverException;

  /**
   * The boot device the node will use.
   *
   * @param task the node
   * @return the device and whether it is persistent
   * @throws DriverException when it cannot be determined
   */
  BootDeviceSetting getBootDevice(TaskContext task) throws DriverException;

  /**
   * Makes the next boot use the given device. Called right before anything that boots the node
   * which the platform does not drive through {@link PowerInterface}, for example a deploy ramdisk
   * that reboots itself. A no-op for hardware that keeps its boot device across boots (the
   * default).
   *
   * @param task the node, locked exclusively
   * @param device the device the next boot must use
   * @throws DriverException when the hardware refuses
   */
  default void ensureNextBootDevice(TaskContext task, BootDevice device) throws DriverException {}

  /**
   * Sensor readings. Optional: the default refuses.
   *
   * @param task the node
   * @return readings by sensor type and name
   * @throws UnsupportedDriverOperationException when the driver has no sensors
   * @throws DriverException for any other failure
   */
  default Map<String, Object> sensorsData(TaskContext task) throws DriverException {
    throw new UnsupportedDriverOperationException(
        "Node " + task.node().displayName() + ": this management interface reads no sensors.");
  }
}
