package org.amtpxe.api.error;

/** Another operation holds the node's exclusive lock; retry when it has finished. */
public class NodeLockedException extends DriverException {
  private static final long serialVersionUID = 1L;

  public NodeLockedException(String message) {
    super(message);
  }

  public NodeLockedException(String message, Throwable cause) {
    super(message, cause);
  }
}
