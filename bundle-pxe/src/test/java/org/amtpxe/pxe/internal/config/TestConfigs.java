package org.amtpxe.pxe.internal.config;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds {@link PxeConfig} values for tests: the metatype defaults with some keys (property names,
 * e.g. {@code tftp_port}) overridden.
 */
public final class TestConfigs {
  private TestConfigs() {}

  public static PxeConfig config(Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>(overrides);
    return (PxeConfig)
        Proxy.newProxyInstance(
            PxeConfig.class.getClassLoader(),
            new Class<?>[] {PxeConfig.class},
            (proxy, method, args) -> {
              if (method.getName().equals("annotationType")) {
                return PxeConfig.class;
              }
              String key = method.getName().replace("__", "_"); // the property name
              if (values.containsKey(key)) {
                return values.get(key);
              }
              Object d = method.getDefaultValue();
              if (d == null) {
                throw new UnsupportedOperationException(method.getName());
              }
              return d;
            });
  }
}
