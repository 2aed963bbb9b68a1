package org.amtpxe.conductor.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds {@link ConductorConfig} instances as ConfigAdmin would: given values over defaults. */
public final class Configs {
  private Configs() {}

  public static ConductorConfig of(Map<String, Object> values) {
    return (ConductorConfig)
        Proxy.newProxyInstance(
            ConductorConfig.class.getClassLoader(),
            new Class<?>[] {ConductorConfig.class},
            (proxy, method, args) -> {
              if (values.containsKey(method.getName())) {
                return values.get(method.getName());
              }
              if (method.getName().equals("annotationType")) {
                return ConductorConfig.class;
              }
              return method.getDefaultValue();
            });
  }
}
