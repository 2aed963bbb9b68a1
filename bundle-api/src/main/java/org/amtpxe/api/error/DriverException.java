package org.amtpxe.api.error;

/**
 * The root of every error a driver raises. Checked, so that callers decide what a failure means for
 * the node. Messages name the node and say what the operator can do; they never contain secrets.
 */
public class DriverException extends Exception {
  private static final long serialVersionUID = 1L;

  public DriverException(String message) {
    super(message);
  }

  public DriverException(String message, Throwable cause) {
    super(message, cause);
  }
}
