package org.amtpxe.api.error;

/**
 * The management controller could not be reached: wrong address, network down, a sleeping
 * controller that did not wake, or a TLS handshake that failed.
 */
public class ConnectionFailedException extends DeviceCommunicationException {
  private static final long serialVersionUID = 1L;

  public ConnectionFailedException(String message) {
    super(message);
  }

  public ConnectionFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
