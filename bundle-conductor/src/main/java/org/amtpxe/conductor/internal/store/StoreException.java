package org.amtpxe.conductor.internal.store;

/**
 * The database failed or refused a statement. Unchecked because no caller can repair it; the REST
 * API answers 500 and the shell prints the message.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
