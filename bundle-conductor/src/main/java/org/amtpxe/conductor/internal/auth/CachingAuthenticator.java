package org.amtpxe.conductor.internal.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers verified credentials for a short time, so that a client sending HTTP Basic on every
 * request does not pay PBKDF2 (about 0.1 s of CPU) or an LDAP round trip each time. Only successes
 * are remembered, under an HMAC of user and password with a key made at start (never the password
 * itself); a changed password or removed user is honoured once the entry expires.
 */
public final class CachingAuthenticator implements Authenticator {
  /** Entries kept at most; the least recently used go first. */
  static final int MAX_ENTRIES = 4096;

  private record Entry(Caller caller, long expiresNanos) {}

  private final Authenticator delegate;
  private final long ttlNanos;
  private final LongSupplier nanos;
  private final byte[] key = new byte[32];
  private final Map<String, Entry> entries =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  public CachingAuthenticator(Authenticator delegate, Duration ttl) {
    this(delegate, ttl, System::nanoTime);
  }

  CachingAuthenticator(Authenticator delegate, Duration ttl, LongSupplier nanos) {
    this.delegate = delegate;
    this.ttlNanos = ttl.toNanos();
    this.nanos = nanos;
    new SecureRandom().nextBytes(key);
  }

  @Override
  public Optional<Caller> authenticate(String user, char[] password) {
    String id = fingerprint(user, password);
    long now = nanos.getAsLong();
    synchronized (entries) {
      Entry e = entries.get(id);
      if (e != null && now - e.expiresNanos() < 0) {
        Arrays.fill(password, '\0');
        return Optional.of(e.caller());
      }
      entries.remove(id);
    }
    Optional<Caller> caller = delegate.authenticate(user, password);
    if (caller.isPresent() && ttlNanos > 0) {
      synchronized (entries) {
        entries.put(id, new Entry(caller.get(), now + ttlNanos));
      }
    }
    return caller;
  }

  /** Forgets every remembered credential (after a user was changed). */
  public void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }

  private String fingerprint(String user, char[] password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(user.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
      mac.update(pw.duplicate());
      Arrays.fill(pw.array(), (byte) 0);
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks HmacSHA256", e);
    }
  }
}
