package org.amtpxe.pxe.internal.driver;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;

/** The pxe_amt management interface: forwards each call to the AMT management service now. */
final class AmtManagementDelegate implements ManagementInterface {
  private final Supplier<AmtServices<ManagementInterface>> services;

  AmtManagementDelegate(Supplier<AmtServices<ManagementInterface>> services) {
    this.services = services;
  }

  private ManagementInterface amt() throws DriverException {
    return services.get().best().orElseThrow(PxeAmtDriver::unavailable);
  }

  @Override
  public Map<String, String> properties() {
    return services.get().best().map(ManagementInterface::properties).orElse(Map.of());
  }

  @Override
  public void validate(TaskContext task) throws DriverException {
    amt().validate(task);
  }

  @Override
  public Set<BootDevice> supportedBootDevices(TaskContext task) throws DriverException {
    return amt().supportedBootDevices(task);
  }

  @Override
  public void setBootDevice(TaskContext task, BootDevice device, boolean persistent)
      throws DriverException {
    amt().setBootDevice(task, device, persistent);
  }

  @Override
  public BootDeviceSetting getBootDevice(TaskContext task) throws DriverException {
    return amt().getBootDevice(task);
  }

  @Override
  public void ensureNextBootDevice(TaskContext task, BootDevice device) throws DriverException {
    amt().ensureNextBootDevice(task, device);
  }

  @Override
  public Map<String, Object> sensorsData(TaskContext task) throws DriverException {
    return amt().sensorsData(task);
  }
}
