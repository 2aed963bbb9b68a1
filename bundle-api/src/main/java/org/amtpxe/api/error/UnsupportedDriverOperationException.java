package org.amtpxe.api.error;

/**
 * The driver, or the hardware behind it, cannot do what was asked (for example NMI on firmware that
 * does not offer it).
 */
public class UnsupportedDriverOperationException extends DriverException {
  private static final long serialVersionUID = 1L;

  public UnsupportedDriverOperationException(String message) {
    super(message);
  }

  public UnsupportedDriverOperationException(String message, Throwable cause) {
    super(message, cause);
  }
}
