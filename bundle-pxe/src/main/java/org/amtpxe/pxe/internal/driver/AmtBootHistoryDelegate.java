package org.amtpxe.pxe.internal.driver;

import java.util.Optional;
import java.util.function.Supplier;
import org.amtpxe.api.driver.BootHistory;
import org.amtpxe.api.driver.BootHistoryInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;

/** The pxe_amt boot history: forwards each read to the AMT boot history service present now. */
final class AmtBootHistoryDelegate extends AmtDelegate<BootHistoryInterface>
    implements BootHistoryInterface {
  AmtBootHistoryDelegate(
      AmtLookup<BootHistoryInterface> services, Supplier<Optional<BootHistoryInterface>> present) {
    super(services, present);
  }

  @Override
  public BootHistory readBootHistory(TaskContext task) throws DriverException {
    return services.call(amt -> amt.readBootHistory(task));
  }
}
