package org.amtpxe.api.error;

/** A deploy step failed: image, boot configuration, ramdisk callback or the ramdisk's own error. */
public class DeployFailureException extends DriverException {
  private static final long serialVersionUID = 1L;

  public DeployFailureException(String message) {
    super(message);
  }

  public DeployFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
