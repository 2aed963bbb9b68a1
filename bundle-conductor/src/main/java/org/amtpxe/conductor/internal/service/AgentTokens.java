package org.amtpxe.conductor.internal.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Deploy ramdisk agent tokens (after Ironic's agent token): 32 random bytes, URL-safe base64 (43
 * characters), of which the conductor keeps only the SHA-256.
 */
final class AgentTokens {
  /** The longest token accepted for checking; anything longer is refused without hashing. */
  static final int MAX_LENGTH = 128;

  private final SecureRandom random;

  AgentTokens(SecureRandom random) {
    this.random = random;
  }

  /** A new token. */
  String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The hash the store keeps of a token. */
  static String hash(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
  }

  /** Whether a presented token matches a stored hash, in time independent of where they differ. */
  static boolean matches(String presented, String storedHash) {
    if (presented == null || storedHash == null || presented.length() > MAX_LENGTH) {
      return false;
    }
    return MessageDigest.isEqual(
        hash(presented).getBytes(StandardCharsets.US_ASCII),
        storedHash.getBytes(StandardCharsets.US_ASCII));
  }
}
