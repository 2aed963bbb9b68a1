package org.amtpxe.pxe.internal.driver;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.PowerState;

/** The pxe_amt power interface: forwards each call to the AMT power service present now. */
final class AmtPowerDelegate implements PowerInterface {
  private final AmtLookup<PowerInterface> services;
  private final Supplier<Optional<PowerInterface>> present;

  AmtPowerDelegate(AmtLookup<PowerInterface> services, Supplier<Optional<PowerInterface>> present) {
    this.services = services;
    this.present = present;
  }

  @Override
  public Map<String, String> properties() {
    return present.get().map(PowerInterface::properties).orElse(Map.of());
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
  public PowerState getPowerState(TaskContext task) throws DriverException {
    return services.call(amt -> amt.getPowerState(task));
  }

  @Override
  public void setPowerState(TaskContext task, PowerState target, Duration timeout)
      throws DriverException {
    services.call(
        amt -> {
          amt.setPowerState(task, target, timeout);
          return null;
        });
  }

  @Override
  public void reboot(TaskContext task, Duration timeout) throws DriverException {
    services.call(
        amt -> {
          amt.reboot(task, timeout);
          return null;
        });
  }

  @Override
  public Set<PowerState> supportedPowerStates(TaskContext task) throws DriverException {
    return services.call(amt -> amt.supportedPowerStates(task));
  }

  @Override
  public void injectNmi(TaskContext task) throws DriverException {
    services.call(
        amt -> {
          amt.injectNmi(task);
          return null;
        });
  }
}
