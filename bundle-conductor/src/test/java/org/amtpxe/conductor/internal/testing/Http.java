package org.amtpxe.conductor.internal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A small JSON HTTP client for API tests. */
public final class Http {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A response. */
  public record Resp(int status, HttpResponse<String> raw, JsonNode json) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    /** The faultstring inside Ironic's double-encoded error body. */
    public String fault() {
      try {
        JsonNode inner = MAPPER.readTree(json.get("error_message").asText());
        return inner.has("faultstring")
            ? inner.get("faultstring").asText()
            : inner.get("description").asText();
      } catch (Exception e) {
        throw new AssertionError("not an Ironic error body: " + raw.body(), e);
      }
    }
  }

  private final HttpClient client;
  private final String base;
  private final String version;
  private final String authorization;

  public Http(String base) {
    this(
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
        base,
        "latest",
        null);
  }

  /** A client of its own (TLS trust, timeouts) on that base URL. */
  public Http(HttpClient client, String base) {
    this(client, base, "latest", null);
  }

  private Http(HttpClient client, String base, String version, String authorization) {
    this.client = client;
    this.base = base;
    this.version = version;
    this.authorization = authorization;
  }

  /** A client that sends this API version (null: no version header). */
  public Http version(String v) {
    return new Http(client, base, v, authorization);
  }

  /** A client that sends these Basic credentials (null user: none). */
  public Http basic(String user, String password) {
    String auth =
        user == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new Http(client, base, version, auth);
  }

  public Resp get(String path) {
    return send("GET", path, null);
  }

  public Resp delete(String path) {
    return send("DELETE", path, null);
  }

  public Resp post(String path, String body) {
    return send("POST", path, body);
  }

  public Resp put(String path, String body) {
    return send("PUT", path, body);
  }

  public Resp patch(String path, String body) {
    return send("PATCH", path, body);
  }

  public Resp send(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (version != null) {
      b.header("X-OpenStack-Ironic-API-Version", version);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = r.body().isEmpty() ? null : MAPPER.readTree(r.body());
      return new Resp(r.statusCode(), r, json);
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }
}
