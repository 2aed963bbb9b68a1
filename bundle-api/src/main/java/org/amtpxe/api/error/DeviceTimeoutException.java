package org.amtpxe.api.error;

/** The management controller accepted the connection but did not answer in time. */
public class DeviceTimeoutException extends DeviceCommunicationException {
  private static final long serialVersionUID = 1L;

  public DeviceTimeoutException(String message) {
    super(message);
  }

  public DeviceTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
