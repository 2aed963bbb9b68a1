package org.amtpxe.pxe.internal.driver;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.amtpxe.api.driver.DriverInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;

/**
 * What the pxe_amt power and management interfaces share: each call goes to the AMT service of the
 * same type present now.
 *
 * @param <S> the AMT service type
 */
abstract class AmtDelegate<S extends DriverInterface> implements DriverInterface {
  /** The AMT services, for one call each. */
  protected final AmtLookup<S> services;

  private final Supplier<Optional<S>> present;

  /**
   * Creates the delegate.
   *
   * @param services finds the service for a call, waiting for one during a bundle update
   * @param present the service present now, without waiting (for {@link #properties()})
   */
  AmtDelegate(AmtLookup<S> services, Supplier<Optional<S>> present) {
    this.services = services;
    this.present = present;
  }

  /** The present AMT service's parameters; none while it is missing. */
  @Override
  public Map<String, String> properties() {
    return present.get().map(DriverInterface::properties).orElse(Map.of());
  }

  @Override
  public void validate(TaskContext task) throws DriverException {
    services.run(amt -> amt.validate(task));
  }
}
