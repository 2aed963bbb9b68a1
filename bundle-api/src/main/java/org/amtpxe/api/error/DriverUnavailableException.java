package org.amtpxe.api.error;

/**
 * The driver exists but cannot serve now, for example because the bundle that provides one of its
 * interfaces is not installed.
 */
public class DriverUnavailableException extends DriverException {
  private static final long serialVersionUID = 1L;

  public DriverUnavailableException(String message) {
    super(message);
  }

  public DriverUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
