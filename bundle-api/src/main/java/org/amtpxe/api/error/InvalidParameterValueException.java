package org.amtpxe.api.error;

/**
 * A parameter (driver_info, instance_info, a boot device, a power target...) has a value the driver
 * cannot use.
 */
public class InvalidParameterValueException extends DriverException {
  private static final long serialVersionUID = 1L;

  public InvalidParameterValueException(String message) {
    super(message);
  }

  public InvalidParameterValueException(String message, Throwable cause) {
    super(message, cause);
  }
}
