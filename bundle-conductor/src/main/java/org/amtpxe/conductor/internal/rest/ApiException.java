package org.amtpxe.conductor.internal.rest;

import java.util.Map;

/** A request the REST layer itself rejects (bad JSON, bad query, unknown path), with its status. */
public class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final Map<String, String> headers;

  public ApiException(int status, String message) {
    this(status, message, Map.of());
  }

  private ApiException(int status, String message, Map<String, String> headers) {
    super(message);
    this.status = status;
    this.headers = headers;
  }

  public int status() {
    return status;
  }

  /** Headers the response carries besides the error body (Retry-After). */
  public Map<String, String> headers() {
    return headers;
  }

  /** 429: the client sends too much; it may retry after the given seconds. */
  public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
    return new ApiException(429, message, Map.of("Retry-After", Long.toString(retryAfterSeconds)));
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

  /** 503 with how long to wait before retrying. */
  static ApiException unavailable(String message, long retryAfterSeconds) {
    return new ApiException(503, message, Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }
}
