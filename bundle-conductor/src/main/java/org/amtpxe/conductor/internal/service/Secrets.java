package org.amtpxe.conductor.internal.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hides secrets in node documents before they leave the conductor: any key containing "password",
 * and deploy keys, tokens and other secrets, at any depth.
 */
public final class Secrets {
  /** What a hidden value is shown as, like Ironic. */
  public static final String MASK = "******";

  private static final List<String> SECRET_WORDS =
      List.of("password", "deploy_key", "secret", "token", "private_key");

  private Secrets() {}

  /** Whether a key names a secret. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    for (String word : SECRET_WORDS) {
      if (k.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /** A copy of the map with every secret value replaced by {@link #MASK}. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> mask(Map<String, Object> map) {
    Map<String, Object> masked = new LinkedHashMap<>();
    map.forEach(
        (k, v) -> {
          if (isSecret(k) && v != null && !"".equals(v)) {
            masked.put(k, MASK);
          } else if (v instanceof Map<?, ?> m) {
            masked.put(k, mask((Map<String, Object>) m));
          } else {
            masked.put(k, v);
          }
        });
    return masked;
  }
}
