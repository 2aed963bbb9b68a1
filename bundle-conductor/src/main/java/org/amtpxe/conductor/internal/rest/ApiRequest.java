package org.amtpxe.conductor.internal.rest;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One API request, independent of the HTTP server.
 *
 * @param method the HTTP method
 * @param path the path segments after {@code /v1}, decoded
 * @param query the query parameters (the last value of a repeated one)
 * @param version the negotiated API version
 * @param body the body text, possibly empty
 * @param baseUrl scheme, host and port as the client addressed us, for links
 * @param clientAddress the address the request came from (the TCP peer)
 */
record ApiRequest(
    String method,
    List<String> path,
    Map<String, String> query,
    ApiVersion version,
    String body,
    String baseUrl,
    String clientAddress) {

  String param(String name) {
    return query.get(name);
  }

  /**
   * Refuses query parameters this endpoint does not know.
   *
   * @throws ApiException 400 naming the unknown parameter
   */
  void allowParams(Set<String> allowed) throws ApiException {
    for (String name : query.keySet()) {
      if (!allowed.contains(name)) {
        throw ApiException.badRequest(
            "Unknown query parameter " + name + "; this endpoint accepts " + allowed + ".");
      }
    }
  }

  /**
   * A boolean query parameter.
   *
   * @return null when absent
   * @throws ApiException 400 for anything but true/false (any case), 1/0, yes/no
   */
  Boolean boolParam(String name) throws ApiException {
    String v = query.get(name);
    if (v == null) {
      return null;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default ->
          throw ApiException.badRequest(
              "Invalid value for " + name + ": " + v + "; use true or false.");
    };
  }
}
