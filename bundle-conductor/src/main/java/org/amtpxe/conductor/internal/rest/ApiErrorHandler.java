package org.amtpxe.conductor.internal.rest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's own rejections (a bad request line or URI, an ambiguous path such as {@code %2e%2e} or
 * {@code %2f}, oversized or malformed headers, broken chunking) answered with Ironic's JSON error
 * body instead of Jetty's HTML page, and with a message saying what to send instead.
 */
final class ApiErrorHandler implements Request.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrorHandler.class);

  private final int headerLimit;

  /**
   * @param headerLimit the request line and header size limit in bytes, for the messages
   */
  ApiErrorHandler(int headerLimit) {
    this.headerLimit = headerLimit;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    String reason = (String) request.getAttribute(ErrorHandler.ERROR_MESSAGE);
    Object cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION);
    if (cause instanceof HttpException h) {
      status = h.getCode();
      if (reason == null) {
        reason = h.getReason();
      }
    }
    if (cause instanceof Throwable t && t.getCause() != null) {
      // Jetty's reason is often a bare "Bad Request"; its cause says what was wrong.
      String detail = t.getCause().getMessage();
      if (detail != null && detail.startsWith("!hex")) {
        detail = "invalid percent-escape in the path";
      }
      if (detail != null) {
        reason = (reason == null ? "" : reason + ": ") + detail;
      }
    }
    if (status == 505 || status == 501) {
      // NOTE: an HTTP version or transfer coding Jetty does not speak is the client's mistake;
      // no malformed request gets a 5xx from this API.
      status = 400;
    } else if (status < 400 || status > 599) {
      status = 500;
    }
    String message = explain(status, reason == null ? "" : ApiUri.printable(reason));
    LOG.debug("Rejected by Jetty with {}: {}", status, message);
    byte[] body = Json.write(ApiHandler.fault(status, message)).getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  /** Jetty's reason turned into what is wrong and what to send instead. */
  private String explain(int status, String reason) {
    String lower = reason.toLowerCase(Locale.ROOT);
    return switch (status) {
      case 400 -> {
        if (lower.contains("ambiguous") || lower.contains("bad uri") || lower.contains("path")) {
          yield "The request path is refused ("
              + reason
              + "): encoded separators (%2F), dot segments (. .. %2E), empty segments and"
              + " malformed escapes are not accepted; send the plain path, e.g."
              + " /v1/nodes/<uuid or name>.";
        }
        if (lower.contains("utf")) {
          yield "The request URI is not valid UTF-8 ("
              + reason
              + "); percent-encode non-ASCII characters as their UTF-8 bytes.";
        }
        if (lower.contains("version")) {
          yield "Unsupported HTTP version (" + reason + "); send HTTP/1.1.";
        }
        yield "Malformed HTTP request ("
            + (reason.isEmpty() ? "Bad Request" : reason)
            + "); check the request line, the header syntax (one Host, one Content-Length)"
            + " and the body framing (Content-Length or Transfer-Encoding: chunked, not both).";
      }
      case 408 -> "The request did not arrive in time; send it whole, at once.";
      case 413 -> "The request is too large (" + reason + "); send a smaller body.";
      case 414 ->
          "The request line is longer than "
              + headerLimit
              + " bytes; no resource of this API needs such a path or query.";
      case 431 ->
          "The request headers are larger than "
              + headerLimit
              + " bytes; send fewer or shorter headers.";
      default ->
          status >= 500
              ? "Internal error: " + (reason.isEmpty() ? "the request failed" : reason)
              : "The request was refused (" + status + " " + reason + ").";
    };
  }
}
