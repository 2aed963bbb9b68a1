package org.amtpxe.pxe.internal.driver;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.PowerState;

/** The pxe_amt power interface: forwards each call to the AMT power service present now. */
final class AmtPowerDelegate implements PowerInterface {
  private final Supplier<AmtServices<PowerInterface>> services;

  AmtPowerDelegate(Supplier<AmtServices<PowerInterface>> services) {
    this.services = services;
  }

  private PowerInterface amt() throws DriverException {
    return services.get().best().orElseThrow(PxeAmtDriver::unavailable);
  }

  @Override
  public Map<String, String> properties() {
    return services.get().best().map(PowerInterface::properties).orElse(Map.of());
  }

  @Override
  public void validate(TaskContext task) throws DriverException {
    amt().validate(task);
  }

  @Override
  public PowerState getPowerState(TaskContext task) throws DriverException {
    return amt().getPowerState(task);
  }

  @Override
  public void setPowerState(TaskContext task, PowerState target, Duration timeout)
      throws DriverException {
    amt().setPowerState(task, target, timeout);
  }

  @Override
  public void reboot(TaskContext task, Duration timeout) throws DriverException {
    amt().reboot(task, timeout);
  }

  @Override
  public Set<PowerState> supportedPowerStates(TaskContext task) throws DriverException {
    return amt().supportedPowerStates(task);
  }

  @Override
  public void injectNmi(TaskContext task) throws DriverException {
    amt().injectNmi(task);
  }
}
