package org.amtpxe.api.error;

/** The node did not reach the requested power state. */
public class PowerStateFailureException extends DriverException {
  private static final long serialVersionUID = 1L;

  public PowerStateFailureException(String message) {
    super(message);
  }

  public PowerStateFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
