package org.amtpxe.virtualamt.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A minimal WS-Man client for tests: POSTs SOAP with HTTP Digest (MD5, qop auth or auth-int) the
 * way AMT clients do: one challenge, then the same nonce with an increasing nc.
 */
public final class DigestClient {
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final HttpClient http;
  private final URI uri;
  private final String username;
  private final String password;
  private boolean authInt;
  private String realm;
  private String nonce;
  private int nc;
  private int roundTrips;

  /** A client for plain HTTP. */
  public DigestClient(URI uri, String username, String password) {
    this(uri, username, password, null);
  }

  /** A client trusting the given TLS context (null for plain HTTP). */
  public DigestClient(URI uri, String username, String password, SSLContext tls) {
    this(newHttpClient(tls), uri, username, password);
  }

  /** A client sharing an HTTP client with others (one selector thread for many nodes). */
  public DigestClient(HttpClient http, URI uri, String username, String password) {
    this.http = http;
    this.uri = uri;
    this.username = username;
    this.password = password;
  }

  /** An HTTP/1.1 client with short timeouts, trusting {@code tls} when not null. */
  public static HttpClient newHttpClient(SSLContext tls) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3));
    if (tls != null) {
      b.sslContext(tls);
    }
    return b.build();
  }

  /** Use qop auth-int when the server offers it. */
  public DigestClient preferAuthInt() {
    this.authInt = true;
    return this;
  }

  /** An HTTP reply. */
  public record Reply(int status, Map<String, List<String>> headers, String body) {
    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** Sends a request, answering one 401 challenge; reuses the nonce for later calls. */
  public Reply send(String xml) throws IOException, InterruptedException {
    Reply reply = post(xml, nonce == null ? null : authorization(xml));
    if (reply.status() != 401) {
      return reply;
    }
    takeChallenge(reply.header("WWW-Authenticate"));
    return post(xml, authorization(xml));
  }

  /** POSTs with exactly this Authorization header (null for none). */
  public Reply post(String xml, String authorization) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/soap+xml; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(xml, StandardCharsets.UTF_8));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<String> response =
        http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    roundTrips++;
    return new Reply(response.statusCode(), response.headers().map(), response.body());
  }

  /** Reads realm and nonce from a challenge. */
  public void takeChallenge(String header) {
    Map<String, String> p = parameters(header);
    realm = p.get("realm");
    nonce = p.get("nonce");
    nc = 0;
    String qop = p.getOrDefault("qop", "auth");
    authInt = authInt && qop.contains("auth-int");
  }

  /** The next Authorization header for this body (increments nc). */
  public String authorization(String body) {
    nc++;
    String ncText = String.format("%08x", nc);
    String cnonce = Long.toHexString(System.nanoTime());
    String qop = authInt ? "auth-int" : "auth";
    String path = uri.getRawPath();
    String ha1 = md5(username + ":" + realm + ":" + password);
    String ha2 =
        authInt
            ? md5("POST:" + path + ":" + md5(body.getBytes(StandardCharsets.UTF_8)))
            : md5("POST:" + path);
    String response = md5(ha1 + ":" + nonce + ":" + ncText + ":" + cnonce + ":" + qop + ":" + ha2);
    return "Digest username=\""
        + username
        + "\", realm=\""
        + realm
        + "\", nonce=\""
        + nonce
        + "\", uri=\""
        + path
        + "\", qop="
        + qop
        + ", nc="
        + ncText
        + ", cnonce=\""
        + cnonce
        + "\", response=\""
        + response
        + "\", algorithm=MD5";
  }

  /** HTTP exchanges so far. */
  public int roundTrips() {
    return roundTrips;
  }

  public String nonce() {
    return nonce;
  }

  /** Parses the quoted parameters of a WWW-Authenticate header. */
  public static Map<String, String> parameters(String header) {
    Map<String, String> result = new HashMap<>();
    Matcher m = PARAM.matcher(header);
    while (m.find()) {
      result.put(m.group(1), m.group(2));
    }
    return result;
  }

  public static String md5(String text) {
    return md5(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
