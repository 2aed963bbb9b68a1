package org.amtpxe.api.error;

/** The node is in a state in which the operation is not allowed; nothing was changed. */
public class InvalidStateException extends DriverException {
  private static final long serialVersionUID = 1L;

  public InvalidStateException(String message) {
    super(message);
  }

  public InvalidStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
