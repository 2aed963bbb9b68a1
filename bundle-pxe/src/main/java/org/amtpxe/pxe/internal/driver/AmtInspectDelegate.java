package org.amtpxe.pxe.internal.driver;

import java.util.Optional;
import java.util.function.Supplier;
import org.amtpxe.api.driver.InspectInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Inspection;

/** The pxe_amt inspect interface: forwards each call to the AMT inspect service present now. */
final class AmtInspectDelegate extends AmtDelegate<InspectInterface> implements InspectInterface {
  AmtInspectDelegate(
      AmtLookup<InspectInterface> services, Supplier<Optional<InspectInterface>> present) {
    super(services, present);
  }

  @Override
  public Inspection inspectHardware(TaskContext task) throws DriverException {
    return services.call(amt -> amt.inspectHardware(task));
  }
}
