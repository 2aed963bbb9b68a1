package org.amtpxe.virtualamt.internal.node;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.amtpxe.virtualamt.NodeSpec.Qop;

/**
 * HTTP Digest authentication as AMT firmware does it (docs/amt-wsman.md#digest): MD5, {@code
 * qop="auth"} (or {@code "auth-int, auth"}), nonces with {@code +} and {@code /} that can be reused
 * with an increasing {@code nc} until they expire, then {@code stale="true"}. Holds the password;
 * never logs or shows it.
 */
public final class DigestAuth {

  /** The result of checking an Authorization header. */
  public enum Verdict {
    /** Authenticated. */
    OK,
    /** No Digest Authorization header. */
    MISSING,
    /** A Digest header that cannot be checked (a parameter missing or not supported). */
    MALFORMED,
    /** Wrong user name, realm or password. */
    WRONG_CREDENTIALS,
    /** Right credentials, but the nonce expired or was never issued (a new one is needed). */
    STALE,
    /** Right credentials and nonce, but the nonce count was already used. */
    REPLAY
  }

  private static final int MAX_NONCES = 1024;
  private static final int NC_WINDOW = 128;

  private final String username;
  private final String password;
  private final String realm;
  private final Qop qop;
  private final LongSupplier nanoTime;
  private final SecureRandom random;
  private final Map<String, NonceState> nonces = new ConcurrentHashMap<>();

  /** What the emulator remembers of an issued nonce. */
  private static final class NonceState {
    final long issuedNanos;
    final TreeSet<Long> usedCounts = new TreeSet<>();

    NonceState(long issuedNanos) {
      this.issuedNanos = issuedNanos;
    }

    /** Records a count; false when it was used before or is too old to tell. */
    synchronized boolean use(long nc) {
      if (!usedCounts.isEmpty() && nc <= usedCounts.last() - NC_WINDOW) {
        return false;
      }
      if (!usedCounts.add(nc)) {
        return false;
      }
      while (usedCounts.size() > NC_WINDOW) {
        usedCounts.pollFirst();
      }
      return true;
    }
  }

  /**
   * Creates the authenticator of one node.
   *
   * @param username the user name
   * @param password the password
   * @param realm the realm, {@code Digest:<32 hex>}
   * @param qop what the challenge offers
   * @param nanoTime the clock nonce lifetimes are measured with
   * @param random the source of nonces
   */
  public DigestAuth(
      String username,
      String password,
      String realm,
      Qop qop,
      LongSupplier nanoTime,
      SecureRandom random) {
    this.username = username;
    this.password = password;
    this.realm = realm;
    this.qop = qop;
    this.nanoTime = nanoTime;
    this.random = random;
  }

  /**
   * A new challenge with a fresh nonce, laid out exactly as firmware writes it: {@code Digest
   * realm="…", nonce="…",stale="false",qop="auth"} (a space after the first comma only).
   *
   * @param stale true to tell the client its credentials were right but the nonce is stale
   */
  public String challenge(boolean stale) {
    return "Digest realm=\""
        + realm
        + "\", nonce=\""
        + newNonce()
        + "\",stale=\""
        + stale
        + "\",qop=\""
        + qop.headerValue()
        + "\"";
  }

  private String newNonce() {
    byte[] bytes = new byte[18];
    random.nextBytes(bytes);
    // NOTE: firmware nonces are base64 and contain '+' and '/'; force both so that every client
    // test meets them: bytes 15..17 encode the last 4 characters, the first two being "+/".
    bytes[15] = (byte) 0xFB;
    bytes[16] = (byte) (0xF0 | (bytes[16] & 0x0F));
    String nonce = Base64.getEncoder().encodeToString(bytes);
    long now = nanoTime.getAsLong();
    if (nonces.size() >= MAX_NONCES) {
      evict(now);
    }
    nonces.put(nonce, new NonceState(now));
    return nonce;
  }

  private void evict(long now) {
    String oldest = null;
    long oldestTime = Long.MAX_VALUE;
    for (Iterator<Map.Entry<String, NonceState>> it = nonces.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, NonceState> e = it.next();
      if (now - e.getValue().issuedNanos > Duration.ofHours(1).toNanos()) {
        it.remove();
      } else if (e.getValue().issuedNanos < oldestTime) {
        oldestTime = e.getValue().issuedNanos;
        oldest = e.getKey();
      }
    }
    if (nonces.size() >= MAX_NONCES && oldest != null) {
      nonces.remove(oldest);
    }
  }

  /**
   * Checks a request's Authorization header.
   *
   * @param method the HTTP method
   * @param requestTarget the request's path and query, which the digest {@code uri} must name
   * @param authorization the header value, or null
   * @param body the request body (for auth-int)
   * @param nonceLifetime how long a nonce stays valid
   */
  public Verdict verify(
      String method,
      String requestTarget,
      String authorization,
      byte[] body,
      Duration nonceLifetime) {
    if (authorization == null
        || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Digest ", 0, 7)) {
      return Verdict.MISSING;
    }
    Map<String, String> p = parseParameters(authorization.substring(7));
    String user = p.get("username");
    String nonce = p.get("nonce");
    String uri = p.get("uri");
    String response = p.get("response");
    String requestQop = p.get("qop");
    String nc = p.get("nc");
    String cnonce = p.get("cnonce");
    String algorithm = p.get("algorithm");
    if (user == null
        || nonce == null
        || uri == null
        || response == null
        || p.get("realm") == null) {
      return Verdict.MALFORMED;
    }
    if (algorithm != null && !"MD5".equalsIgnoreCase(algorithm)) {
      return Verdict.MALFORMED;
    }
    boolean authInt = "auth-int".equals(requestQop);
    if (!"auth".equals(requestQop) && !(authInt && qop == Qop.AUTH_INT_AND_AUTH)) {
      return Verdict.MALFORMED;
    }
    if (nc == null || cnonce == null || !uriMatches(uri, requestTarget)) {
      return Verdict.MALFORMED;
    }
    long count;
    try {
      count = Long.parseLong(nc, 16);
    } catch (NumberFormatException e) {
      return Verdict.MALFORMED;
    }
    if (!username.equals(user) || !realm.equals(p.get("realm"))) {
      return Verdict.WRONG_CREDENTIALS;
    }
    String ha1 = md5Hex(username + ":" + realm + ":" + password);
    String ha2 =
        authInt ? md5Hex(method + ":" + uri + ":" + md5Hex(body)) : md5Hex(method + ":" + uri);
    String expected =
        md5Hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + requestQop + ":" + ha2);
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
      return Verdict.WRONG_CREDENTIALS;
    }
    NonceState state = nonces.get(nonce);
    if (state == null) {
      return Verdict.STALE;
    }
    if (nanoTime.getAsLong() - state.issuedNanos > nonceLifetime.toNanos()) {
      nonces.remove(nonce);
      return Verdict.STALE;
    }
    return state.use(count) ? Verdict.OK : Verdict.REPLAY;
  }

  private static boolean uriMatches(String uri, String requestTarget) {
    if (uri.equals(requestTarget)) {
      return true;
    }
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      try {
        URI parsed = URI.create(uri);
        String target =
            parsed.getRawQuery() == null
                ? parsed.getRawPath()
                : parsed.getRawPath() + "?" + parsed.getRawQuery();
        return requestTarget.equals(target);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return false;
  }

  /** Parses {@code name=value} pairs, values quoted or not; names in lower case. */
  static Map<String, String> parseParameters(String text) {
    Map<String, String> result = new HashMap<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == ',' || text.charAt(i) == '\t')) {
        i++;
      }
      int nameStart = i;
      while (i < n && text.charAt(i) != '=' && text.charAt(i) != ',') {
        i++;
      }
      String name = text.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
      if (i >= n || text.charAt(i) != '=') {
        continue;
      }
      i++;
      while (i < n && text.charAt(i) == ' ') {
        i++;
      }
      StringBuilder value = new StringBuilder();
      if (i < n && text.charAt(i) == '"') {
        i++;
        while (i < n && text.charAt(i) != '"') {
          char c = text.charAt(i);
          if (c == '\\' && i + 1 < n) {
            i++;
            c = text.charAt(i);
          }
          value.append(c);
          i++;
        }
        i++;
      } else {
        while (i < n && text.charAt(i) != ',') {
          value.append(text.charAt(i));
          i++;
        }
      }
      if (!name.isEmpty()) {
        result.put(
            name,
            name.equals("uri") || name.equals("username")
                ? value.toString()
                : value.toString().trim());
      }
    }
    return result;
  }

  static String md5Hex(String text) {
    return md5Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  static String md5Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no MD5", e);
    }
  }

  @Override
  public String toString() {
    return "DigestAuth[user=" + username + ", realm=" + realm + ", qop=" + qop + "]";
  }
}
