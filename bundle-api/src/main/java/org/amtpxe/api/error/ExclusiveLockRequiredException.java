package org.amtpxe.api.error;

/** The operation changes the node and was called under a shared lock. */
public class ExclusiveLockRequiredException extends DriverException {
  private static final long serialVersionUID = 1L;

  public ExclusiveLockRequiredException(String message) {
    super(message);
  }

  public ExclusiveLockRequiredException(String message, Throwable cause) {
    super(message, cause);
  }
}
