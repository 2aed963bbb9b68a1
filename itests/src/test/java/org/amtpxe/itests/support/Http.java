package org.amtpxe.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * JSON over HTTP to one base URL: the conductor's REST API (with the Ironic version header) or the
 * virtual AMT's control API.
 */
public final class Http {

  /** One answer: the status and the body. */
  public record Reply(int status, String body) {
    /** The body as a JSON object. */
    public Map<String, Object> json() {
      return Json.object(body);
    }

    /** Throws unless the status is 2xx. */
    public Reply ok() {
      if (status / 100 != 2) {
        throw new AssertionError("HTTP " + status + ": " + body);
      }
      return this;
    }

    @Override
    public String toString() {
      return "HTTP " + status + " " + body;
    }
  }

  private final String base;
  private final Map<String, String> headers;
  private final HttpClient client;
  private final Duration timeout;

  private Http(String base, Map<String, String> headers, Duration timeout) {
    this.base = base;
    this.headers = headers;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** The conductor's REST API at {@code http://host:port}, microversion 1.31. */
  public static Http ironic(String host, int port) {
    return new Http(
        "http://" + host + ":" + port,
        Map.of("X-OpenStack-Ironic-API-Version", "1.31"),
        // Calls landing in a driver swap wait in the driver (amt_wait) before they answer.
        Duration.ofSeconds(90));
  }

  /** Any JSON API under this base URL. */
  public static Http of(String base) {
    return new Http(base, Map.of(), Duration.ofSeconds(30));
  }

  public String base() {
    return base;
  }

  public Reply get(String path) {
    return send("GET", path, null);
  }

  public Reply post(String path, Object body) {
    return send("POST", path, body);
  }

  public Reply put(String path, Object body) {
    return send("PUT", path, body);
  }

  public Reply patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  public Reply delete(String path) {
    return send("DELETE", path, null);
  }

  /**
   * Sends one request.
   *
   * @throws UncheckedIOException when nothing answers
   */
  public Reply send(String method, String path, Object body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(
                        body instanceof String s ? s : Json.write(body)));
    request.header("Content-Type", "application/json").header("Accept", "application/json");
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + base + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + method + " " + path, e);
    }
  }

  /** Whether anything answers HTTP at the base URL's root. */
  public boolean answers() {
    try {
      send("GET", "/", null);
      return true;
    } catch (UncheckedIOException e) {
      return false;
    }
  }
}
