package org.amtpxe.conductor.internal.rest;

/** A request the REST layer itself rejects (bad JSON, bad query, unknown path), with its status. */
public class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  /** A feature newer than the requested API version, as Ironic answers it. */
  public static ApiException notAcceptable(String message) {
    return new ApiException(406, message);
  }
}
