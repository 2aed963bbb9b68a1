package org.amtpxe.pxe.internal.driver;

import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.DriverUnavailableException;

/**
 * How a delegate finds the AMT service for one call: the best one present, waiting briefly (the
 * driver's {@code amt_wait}) while none is, so that a call landing in the gap of a bundle update is
 * served by the new bundle instead of failing.
 *
 * @param <S> the service type
 */
interface AmtLookup<S> {

  /**
   * The service to call now.
   *
   * @throws DriverUnavailableException when none appeared within {@code amt_wait}
   */
  S amt() throws DriverUnavailableException;

  /** One call on an AMT service. */
  @FunctionalInterface
  interface Call<S, T> {
    T on(S service) throws DriverException;
  }

  /** One call on an AMT service that returns nothing. */
  @FunctionalInterface
  interface Action<S> {
    void on(S service) throws DriverException;
  }

  /** Runs an action on the current service, like {@link #call}. */
  default void run(Action<S> action) throws DriverException {
    call(
        service -> {
          action.on(service);
          return null;
        });
  }

  /**
   * Runs a call on the current service. When that service refuses it as unavailable because it is
   * stopping (its bundle is being updated), the call goes once to the service that replaced it.
   */
  default <T> T call(Call<S, T> call) throws DriverException {
    S service = amt();
    try {
      return call.on(service);
    } catch (DriverUnavailableException e) {
      S replacement = amt();
      if (replacement == service) {
        throw e;
      }
      return call.on(replacement);
    }
  }
}
