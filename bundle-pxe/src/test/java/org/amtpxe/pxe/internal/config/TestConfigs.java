package org.amtpxe.pxe.internal.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Configurations for tests, as ConfigAdmin delivers them: only the keys a test sets (property
 * names, e.g. {@code tftp_port}); every other key gets its default from {@link PxeConfig} when the
 * configuration is read.
 */
public final class TestConfigs {
  private TestConfigs() {}

  public static Map<String, Object> config(Map<String, ?> keys) {
    return new HashMap<>(keys);
  }
}
