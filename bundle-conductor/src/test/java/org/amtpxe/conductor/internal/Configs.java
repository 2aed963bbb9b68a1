package org.amtpxe.conductor.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Builds {@link ConductorConfig} instances as ConfigAdmin would: given values over defaults. Keys
 * are the configuration keys ({@code api_port}), as in the .cfg file.
 */
public final class Configs {
  private Configs() {}

  public static ConductorConfig of(Map<String, Object> values) {
    return (ConductorConfig)
        Proxy.newProxyInstance(
            ConductorConfig.class.getClassLoader(),
            new Class<?>[] {ConductorConfig.class},
            (proxy, method, args) -> {
              String key = method.getName().replace("__", "_");
              if (values.containsKey(key)) {
                Object value = values.get(key);
                if (value instanceof RuntimeException e) {
                  throw e; // how SCR reports a value it cannot convert
                }
                // SCR converts a value to the method's type: numbers to text for String methods.
                return method.getReturnType() == String.class ? String.valueOf(value) : value;
              }
              if (method.getName().equals("annotationType")) {
                return ConductorConfig.class;
              }
              return method.getDefaultValue();
            });
  }
}
