package org.amtpxe.pxe.internal.driver;

import java.util.Optional;
import java.util.function.Supplier;
import org.amtpxe.api.driver.ConsoleInterface;
import org.amtpxe.api.driver.ConsoleSession;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;

/**
 * The pxe_amt console interface: forwards each call to the AMT console service present now. A
 * session stays with the service that opened it; when that service stops (a bundle update) it
 * closes its sessions and the conductor opens new ones here, which reach the new service.
 */
final class AmtConsoleDelegate extends AmtDelegate<ConsoleInterface> implements ConsoleInterface {
  AmtConsoleDelegate(
      AmtLookup<ConsoleInterface> services, Supplier<Optional<ConsoleInterface>> present) {
    super(services, present);
  }

  @Override
  public void startConsole(TaskContext task) throws DriverException {
    services.run(amt -> amt.startConsole(task));
  }

  @Override
  public void stopConsole(TaskContext task) throws DriverException {
    services.run(amt -> amt.stopConsole(task));
  }

  @Override
  public ConsoleSession openSession(TaskContext task) throws DriverException {
    return services.call(amt -> amt.openSession(task));
  }
}
