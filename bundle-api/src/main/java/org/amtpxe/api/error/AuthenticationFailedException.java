package org.amtpxe.api.error;

/**
 * The management controller refused the credentials. The driver does not retry further, to avoid
 * locking the account.
 */
public class AuthenticationFailedException extends DeviceCommunicationException {
  private static final long serialVersionUID = 1L;

  public AuthenticationFailedException(String message) {
    super(message);
  }

  public AuthenticationFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
