package org.amtpxe.conductor.internal.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.amtpxe.conductor.internal.auth.Caller;

/**
 * The web page's server-side sessions: a random 256-bit id (the cookie's value) maps to the user
 * who logged in, with a per-session CSRF token. A session ends after {@link #idle} without use,
 * {@link #absolute} after the login whatever happens, or at logout. Memory is bounded: beyond
 * {@link #max} sessions the least recently used one ends.
 *
 * <p>The user's roles are those of the login; a change of role applies at the next login (at most
 * {@link #absolute} later).
 */
public final class Sessions {
  /** The cookie that carries the session id. */
  public static final String COOKIE = "amtpxe_session";

  /** The header every write through a session must carry, with the session's token. */
  public static final String CSRF_HEADER = "X-CSRF-Token";

  /** The defaults: 30 minutes idle, 12 hours in all, 10,000 sessions. */
  public static final Duration IDLE = Duration.ofMinutes(30);

  public static final Duration ABSOLUTE = Duration.ofHours(12);
  public static final int MAX = 10_000;

  /**
   * One login.
   *
   * @param id the cookie's value
   * @param caller the user and roles checked at login
   * @param csrf the token writes must send in {@link #CSRF_HEADER}
   * @param createdNanos when it was made (the clock's nanoseconds)
   */
  public record Session(String id, Caller caller, String csrf, long createdNanos) {
    @Override
    public String toString() {
      return "Session[" + caller.user() + "]"; // never the id or the token
    }

    /** Whether {@code token} is this session's CSRF token (compared in constant time). */
    public boolean csrfMatches(String token) {
      return token != null
          && MessageDigest.isEqual(
              csrf.getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.UTF_8));
    }
  }

  private record Entry(Session session, long lastUsedNanos) {}

  private final SecureRandom random = new SecureRandom();
  private final long idle;
  private final long absolute;
  private final int max;
  private final LongSupplier nanos;
  private final Map<String, Entry> sessions = new LinkedHashMap<>(64, 0.75f, true);

  public Sessions() {
    this(IDLE, ABSOLUTE, MAX, System::nanoTime);
  }

  Sessions(Duration idle, Duration absolute, int max, LongSupplier nanos) {
    this.idle = idle.toNanos();
    this.absolute = absolute.toNanos();
    this.max = max;
    this.nanos = nanos;
  }

  /** Starts a session for a user who just logged in. */
  public synchronized Session create(Caller caller) {
    long now = nanos.getAsLong();
    Session s = new Session(token(), caller, token(), now);
    sessions.put(s.id(), new Entry(s, now));
    Iterator<Map.Entry<String, Entry>> eldest = sessions.entrySet().iterator();
    while (sessions.size() > max && eldest.hasNext()) {
      eldest.next();
      eldest.remove();
    }
    return s;
  }

  /** The live session of an id, touched; empty (and forgotten) when it is unknown or expired. */
  public synchronized Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Entry e = sessions.get(id);
    if (e == null) {
      return Optional.empty();
    }
    long now = nanos.getAsLong();
    if (now - e.lastUsedNanos() >= idle || now - e.session().createdNanos() >= absolute) {
      sessions.remove(id);
      return Optional.empty();
    }
    sessions.put(id, new Entry(e.session(), now));
    return Optional.of(e.session());
  }

  /**
   * Whether a session is live, without touching it: a terminal left open must not keep its session
   * alive.
   */
  public synchronized boolean alive(String id) {
    Entry e = id == null ? null : sessions.get(id);
    if (e == null) {
      return false;
    }
    long now = nanos.getAsLong();
    return now - e.lastUsedNanos() < idle && now - e.session().createdNanos() < absolute;
  }

  /** Ends a session (logout). */
  public synchronized void remove(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  /** Sessions held now, expired ones included until they are next looked up. */
  public synchronized int size() {
    return sessions.size();
  }

  /** How long a session lives at most, for the cookie's Max-Age. */
  public Duration absolute() {
    return Duration.ofNanos(absolute);
  }

  /** 256 random bits, URL-safe base64. */
  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
