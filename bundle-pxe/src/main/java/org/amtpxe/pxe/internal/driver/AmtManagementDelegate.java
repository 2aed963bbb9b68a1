package org.amtpxe.pxe.internal.driver;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;

/** The pxe_amt management interface: forwards each call to the AMT management service now. */
final class AmtManagementDelegate extends AmtDelegate<ManagementInterface>
    implements ManagementInterface {
  AmtManagementDelegate(
      AmtLookup<ManagementInterface> services, Supplier<Optional<ManagementInterface>> present) {
    super(services, present);
  }

  @Override
  public Set<BootDevice> supportedBootDevices(TaskContext task) throws DriverException {
    return services.call(amt -> amt.supportedBootDevices(task));
  }

  @Override
  public void setBootDevice(TaskContext task, BootDevice device, boolean persistent)
      throws DriverException {
    services.run(amt -> amt.setBootDevice(task, device, persistent));
  }

  @Override
  public BootDeviceSetting getBootDevice(TaskContext task) throws DriverException {
    return services.call(amt -> amt.getBootDevice(task));
  }

  @Override
  public void ensureNextBootDevice(TaskContext task, BootDevice device) throws DriverException {
    services.run(amt -> amt.ensureNextBootDevice(task, device));
  }

  @Override
  public Map<String, Object> sensorsData(TaskContext task) throws DriverException {
    return services.call(amt -> amt.sensorsData(task));
  }
}
