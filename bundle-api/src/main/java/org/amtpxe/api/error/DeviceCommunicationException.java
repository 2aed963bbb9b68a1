package org.amtpxe.api.error;

/** Talking to the node's management controller failed before an answer could be used. */
public class DeviceCommunicationException extends DriverException {
  private static final long serialVersionUID = 1L;

  public DeviceCommunicationException(String message) {
    super(message);
  }

  public DeviceCommunicationException(String message, Throwable cause) {
    super(message, cause);
  }
}
