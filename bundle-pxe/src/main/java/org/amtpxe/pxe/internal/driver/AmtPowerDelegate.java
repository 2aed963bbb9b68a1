package org.amtpxe.pxe.internal.driver;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.PowerState;

/** The pxe_amt power interface: forwards each call to the AMT power service present now. */
final class AmtPowerDelegate extends AmtDelegate<PowerInterface> implements PowerInterface {
  AmtPowerDelegate(AmtLookup<PowerInterface> services, Supplier<Optional<PowerInterface>> present) {
    super(services, present);
  }

  @Override
  public PowerState getPowerState(TaskContext task) throws DriverException {
    return services.call(amt -> amt.getPowerState(task));
  }

  @Override
  public void setPowerState(TaskContext task, PowerState target, Duration timeout)
      throws DriverException {
    services.run(amt -> amt.setPowerState(task, target, timeout));
  }

  @Override
  public void reboot(TaskContext task, Duration timeout) throws DriverException {
    services.run(amt -> amt.reboot(task, timeout));
  }

  @Override
  public Set<PowerState> supportedPowerStates(TaskContext task) throws DriverException {
    return services.call(amt -> amt.supportedPowerStates(task));
  }

  @Override
  public void injectNmi(TaskContext task) throws DriverException {
    services.run(amt -> amt.injectNmi(task));
  }
}
