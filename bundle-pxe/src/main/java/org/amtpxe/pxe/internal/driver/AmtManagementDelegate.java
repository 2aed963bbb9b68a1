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
final class AmtManagementDelegate implements ManagementInterface {
  private final AmtLookup<ManagementInterface> services;
  private final Supplier<Optional<ManagementInterface>> present;

  AmtManagementDelegate(
      AmtLookup<ManagementInterface> services, Supplier<Optional<ManagementInterface>> present) {
    this.services = services;
    this.present = present;
  }

  @Override
  public Map<String, String> properties() {
    return present.get().map(ManagementInterface::properties).orElse(Map.of());
  }

  @Override
  public void validate(TaskContext task) throws DriverException {
    services.call(
        amt -> {
          amt.validate(task);
          return null;
        });
  }

  @Override
  public Set<BootDevice> supportedBootDevices(TaskContext task) throws DriverException {
    return services.call(amt -> amt.supportedBootDevices(task));
  }

  @Override
  public void setBootDevice(TaskContext task, BootDevice device, boolean persistent)
      throws DriverException {
    services.call(
        amt -> {
          amt.setBootDevice(task, device, persistent);
          return null;
        });
  }

  @Override
  public BootDeviceSetting getBootDevice(TaskContext task) throws DriverException {
    return services.call(amt -> amt.getBootDevice(task));
  }

  @Override
  public void ensureNextBootDevice(TaskContext task, BootDevice device) throws DriverException {
    services.call(
        amt -> {
          amt.ensureNextBootDevice(task, device);
          return null;
        });
  }

  @Override
  public Map<String, Object> sensorsData(TaskContext task) throws DriverException {
    return services.call(amt -> amt.sensorsData(task));
  }
}
