package org.amtpxe.conductor.internal.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import org.amtpxe.conductor.internal.auth.Caller;
import org.amtpxe.conductor.internal.auth.Role;

/**
 * Calls between conductors: an API request for a node another conductor owns is carried out by the
 * owner, the way Ironic's conductors call each other over JSON-RPC. The forwarding conductor
 * authenticated and authorized the client already; it sends the owner the same request (method,
 * path and query, body, API version) with the client's user, roles and address, signed with
 * HMAC-SHA256 under the secret every conductor of the database shares ({@code
 * cluster_secret_file}). The owner accepts those headers only with a valid, fresh signature it has
 * not seen before, and never forwards such a request again, so a request crosses at most one hop.
 */
public final class Forwarder {
  public static final String FROM = "X-Amtpxe-Forwarded-From";
  public static final String USER = "X-Amtpxe-Forwarded-User";
  public static final String ROLES = "X-Amtpxe-Forwarded-Roles";
  public static final String CLIENT = "X-Amtpxe-Forwarded-Client";
  public static final String DATE = "X-Amtpxe-Forwarded-Date";
  public static final String SIGNATURE = "X-Amtpxe-Forwarded-Signature";

  /** A signature older or newer than this is refused, and remembered this long against replay. */
  static final Duration WINDOW = Duration.ofSeconds(30);

  /** The shortest secret accepted: 256 bits. */
  public static final int MIN_SECRET_BYTES = 32;

  /** The most an owner's answer may be; an API answer for one node is a few KiB. */
  static final int MAX_ANSWER = 4 * 1024 * 1024;

  /**
   * Who a verified forwarded request comes from.
   *
   * @param from the forwarding conductor
   * @param caller the client's user and roles, or null for a route served without credentials
   * @param client the client's address as the forwarding conductor saw it
   */
  public record Forwarded(String from, Caller caller, String client) {}

  /** The owner's answer; header names in lower case. */
  public record Answer(int status, Map<String, String> headers, byte[] body) {}

  /**
   * Thrown for a forwarded request whose signature does not hold; answered like bad credentials.
   */
  public static final class RefusedException extends Exception {
    public RefusedException(String message) {
      super(message);
    }
  }

  private final String host;
  private final byte[] secret;
  private final HttpClient client;
  private final Duration timeout;
  private final Clock clock;
  private final Map<String, Long> seen = new ConcurrentHashMap<>();

  /**
   * @param host this conductor's host name, sent as {@link #FROM}
   * @param secret the shared secret, at least {@value #MIN_SECRET_BYTES} bytes
   * @param tls the trust for owners serving HTTPS, or null for the JVM's default
   * @param timeout how long an owner may take to answer
   */
  public Forwarder(String host, byte[] secret, SSLContext tls, Duration timeout, Clock clock) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "The cluster secret must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.host = host;
    this.secret = secret.clone();
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      b.sslContext(tls);
    }
    this.client = b.build();
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Reads a cluster secret file: its bytes without surrounding white space.
   *
   * @throws IOException when it cannot be read or is too short, saying what to do
   */
  public static byte[] readSecret(Path file) throws IOException {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException(
          "Cannot read cluster_secret_file "
              + file
              + " ("
              + e.getMessage()
              + "); create it with the same content on every conductor, e.g."
              + " 'head -c 48 /dev/urandom | base64 > "
              + file
              + "'",
          e);
    }
    byte[] secret =
        new String(raw, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IOException(
          "cluster_secret_file "
              + file
              + " holds "
              + secret.length
              + " bytes; it needs at least "
              + MIN_SECRET_BYTES
              + " (e.g. 'head -c 48 /dev/urandom | base64 > "
              + file
              + "')");
    }
    return secret;
  }

  /**
   * Sends a request to the conductor that owns its node and returns what that conductor answered.
   *
   * @param ownerUrl the owner's API, e.g. {@code https://conductor-2:6385}
   * @param pathAndQuery the request's path and query as the client sent them (raw)
   * @param headers the request headers to carry (API version, media type)
   * @param caller the authenticated client, or null on a route served without credentials
   * @param clientAddress the client's address
   * @throws IOException when the owner cannot be reached or answers nothing usable in time
   */
  public Answer forward(
      String ownerUrl,
      String method,
      String pathAndQuery,
      byte[] body,
      Map<String, String> headers,
      Caller caller,
      String clientAddress)
      throws IOException, InterruptedException {
    String date = Long.toString(clock.millis());
    String user = caller == null ? "" : caller.user();
    String roles = caller == null ? "" : roles(caller.roles());
    String version = headers.getOrDefault("X-OpenStack-Ironic-API-Version", "");
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(ownerUrl + pathAndQuery))
            .timeout(timeout)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    b.header(FROM, host)
        .header(USER, user)
        .header(ROLES, roles)
        .header(CLIENT, clientAddress)
        .header(DATE, date)
        .header(
            SIGNATURE,
            sign(method, pathAndQuery, body, version, host, user, roles, clientAddress, date));
    HttpResponse<InputStream> response =
        client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    byte[] answer;
    try (InputStream in = response.body()) {
      answer = in.readNBytes(MAX_ANSWER + 1);
    }
    if (answer.length > MAX_ANSWER) {
      throw new IOException("the owner's answer exceeds " + MAX_ANSWER + " bytes");
    }
    Map<String, String> kept = new LinkedHashMap<>();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!values.isEmpty() && RELAYED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                kept.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0));
              }
            });
    return new Answer(response.statusCode(), kept, answer);
  }

  /** The answer headers relayed to the client; the rest (date, length, server) are the relay's. */
  private static final Set<String> RELAYED =
      Set.of(
          "content-type",
          "location",
          "retry-after",
          "www-authenticate",
          "x-openstack-ironic-api-version",
          "x-openstack-ironic-api-minimum-version",
          "x-openstack-ironic-api-maximum-version",
          "openstack-api-version");

  /**
   * Checks a request that says it was forwarded by another conductor.
   *
   * @param header the request's header of this name, or null
   * @return empty when the request carries no signature (an ordinary client)
   * @throws RefusedException when it carries one that is wrong, stale or seen before
   */
  public Optional<Forwarded> verify(
      String method,
      String pathAndQuery,
      byte[] body,
      java.util.function.UnaryOperator<String> header)
      throws RefusedException {
    String signature = header.apply(SIGNATURE);
    if (signature == null) {
      return Optional.empty();
    }
    String from = nonNull(header.apply(FROM));
    String user = nonNull(header.apply(USER));
    String roles = nonNull(header.apply(ROLES));
    String clientAddress = nonNull(header.apply(CLIENT));
    String date = nonNull(header.apply(DATE));
    String version = nonNull(header.apply("X-OpenStack-Ironic-API-Version"));
    String expected =
        sign(method, pathAndQuery, body, version, from, user, roles, clientAddress, date);
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII))) {
      throw new RefusedException("bad signature");
    }
    long at;
    try {
      at = Long.parseLong(date);
    } catch (NumberFormatException e) {
      throw new RefusedException("bad date");
    }
    long now = clock.millis();
    if (Math.abs(now - at) > WINDOW.toMillis()) {
      throw new RefusedException("stale signature (clocks apart by more than " + WINDOW + "?)");
    }
    seen.values().removeIf(t -> t < now - 2 * WINDOW.toMillis());
    if (seen.putIfAbsent(signature, at) != null) {
      throw new RefusedException("replayed signature");
    }
    Caller caller = null;
    if (!user.isEmpty()) {
      Set<Role> parsed = new TreeSet<>();
      for (String r : roles.split(",")) {
        Role.of(r).ifPresent(parsed::add);
      }
      caller = new Caller(user, parsed);
    }
    return Optional.of(new Forwarded(from, caller, clientAddress));
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  private static String roles(Set<Role> roles) {
    return roles.stream().map(Role::value).sorted().collect(Collectors.joining(","));
  }

  String sign(
      String method,
      String pathAndQuery,
      byte[] body,
      String version,
      String from,
      String user,
      String roles,
      String clientAddress,
      String date) {
    try {
      String text =
          String.join(
              "\n",
              method,
              pathAndQuery,
              HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)),
              version,
              from,
              user,
              roles,
              clientAddress,
              date);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every Java platform has SHA-256 and HmacSHA256", e);
    }
  }
}
