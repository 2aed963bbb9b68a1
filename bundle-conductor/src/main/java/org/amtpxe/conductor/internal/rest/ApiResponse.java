package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What a resource answers.
 *
 * @param status the HTTP status
 * @param body the JSON body, written when the answer is sent, or null for none
 * @param headers extra headers (Location)
 * @param text a body that is not JSON (the metrics), or null; sent instead of {@code body}
 */
record ApiResponse(int status, JsonBody body, Map<String, String> headers, Text text) {
  /**
   * A body in another format than JSON.
   *
   * @param contentType its media type, with parameters
   * @param bytes the body
   */
  record Text(String contentType, byte[] bytes) {}

  ApiResponse(int status, JsonBody body, Map<String, String> headers) {
    this(status, body, headers, null);
  }

  static ApiResponse ok(JsonNode body) {
    return ok(JsonBody.of(body));
  }

  static ApiResponse ok(JsonBody body) {
    return new ApiResponse(200, body, Map.of());
  }

  /** An answer whose body is not JSON. */
  static ApiResponse text(int status, String contentType, byte[] bytes) {
    return new ApiResponse(status, null, Map.of(), new Text(contentType, bytes));
  }

  static ApiResponse status(int status) {
    return new ApiResponse(status, null, Map.of());
  }

  static ApiResponse accepted(String location) {
    return new ApiResponse(202, null, Map.of("Location", location));
  }

  static ApiResponse created(JsonNode body, String location) {
    return created(JsonBody.of(body), location);
  }

  static ApiResponse created(JsonBody body, String location) {
    return new ApiResponse(201, body, Map.of("Location", location));
  }
}
