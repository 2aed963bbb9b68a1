package org.amtpxe.pxe.internal.config;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link PxeConfig} values for tests: the metatype defaults with some keys overridden. */
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
              if (values.containsKey(method.getName())) {
                return values.get(method.getName());
              }
              Object d = method.getDefaultValue();
              if (d == null) {
                throw new UnsupportedOperationException(method.getName());
              }
              return d;
            });
  }
}
