package org.amtpxe.api.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one read path of a configuration: the raw properties ConfigAdmin delivers, read as the
 * metatype interface (the {@code @ObjectClassDefinition}) declares them. The interface is the only
 * place a key's type and default are written; the key is the method name mapped as DS and the
 * metatype annotations map it ({@code max__attempts} is {@code max_attempts}, {@code _x} is {@code
 * .x}).
 *
 * <p>Why components take the raw {@code Map} rather than the interface from SCR: Felix SCR 2.2.6
 * converts a value only when its method is called, and a value that is not a number then throws a
 * {@code ComponentException} whose message is the bare {@code NumberFormatException} ({@code For
 * input string: "ten"}): no key, and the validation stops at the first such value. SCR logs it as
 * "The modified method has thrown an exception" (or fails the activation). It also reads a boolean
 * {@code yes} as {@code false} without a word. Here a value that does not convert is a problem
 * named with its key and value in {@link ConfigProblems}, its method returns the default so that
 * the other keys are still checked, and the caller refuses the whole configuration with one report.
 *
 * <p>Conversions: {@code String} takes any single value; {@code int} and {@code long} take an
 * integral number or a decimal string (surrounding blanks ignored); {@code boolean} takes a Boolean
 * or {@code true}/{@code false} in any case. An absent key gets the default; an empty string is a
 * value (valid for {@code String} only).
 */
public final class TypedConfig {
  private TypedConfig() {}

  /**
   * Reads properties as the interface declares them.
   *
   * @param type the metatype interface
   * @param properties the configuration (other keys, such as {@code service.pid}, are ignored)
   * @param problems where values that do not convert are recorded
   * @return the interface, backed by the converted values and the defaults
   */
  public static <A extends Annotation> A read(
      Class<A> type, Map<String, ?> properties, ConfigProblems problems) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Method m : methods(type)) {
      String key = key(m.getName());
      Object raw = properties.get(key);
      Object value = m.getDefaultValue();
      if (raw != null) {
        try {
          value = convert(m.getReturnType(), raw);
        } catch (IllegalArgumentException | ArithmeticException e) {
          problems.unconverted(key, raw, requirement(m.getReturnType()));
        }
      }
      values.put(m.getName(), value);
    }
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "annotationType" -> type;
                  case "toString" -> describe(type, values);
                  case "hashCode" -> values.hashCode();
                  case "equals" -> proxy == args[0];
                  default -> values.get(method.getName());
                }));
  }

  /** Every key of the interface with its default (in no particular order). */
  public static Map<String, Object> defaults(Class<? extends Annotation> type) {
    Map<String, Object> defaults = new LinkedHashMap<>();
    for (Method m : methods(type)) {
      defaults.put(key(m.getName()), m.getDefaultValue());
    }
    return defaults;
  }

  /**
   * The configuration key of a method: {@code $_$} is {@code -}, {@code $$} is {@code $}, another
   * {@code $} is dropped, {@code __} is {@code _} and another {@code _} is {@code .} (OSGi DS
   * 112.8.2.1, Metatype 105.15.2.2).
   */
  public static String key(String method) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (c == '$') {
        if (method.startsWith("$_$", i)) {
          b.append('-');
          i += 2;
        } else if (method.startsWith("$$", i)) {
          b.append('$');
          i++;
        }
      } else if (c == '_') {
        if (method.startsWith("__", i)) {
          b.append('_');
          i++;
        } else {
          b.append('.');
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static List<Method> methods(Class<?> type) {
    List<Method> methods = new ArrayList<>();
    for (Method m : type.getDeclaredMethods()) {
      if (!Modifier.isStatic(m.getModifiers()) && !m.isSynthetic() && m.getParameterCount() == 0) {
        requirement(m.getReturnType()); // fails early for a type this reader does not know
        methods.add(m);
      }
    }
    return methods;
  }

  private static Object convert(Class<?> type, Object raw) {
    if (raw.getClass().isArray() || raw instanceof Collection) {
      throw new IllegalArgumentException("not a single value");
    }
    if (type == String.class) {
      return raw.toString();
    }
    if (type == int.class) {
      return Math.toIntExact(integral(raw));
    }
    if (type == long.class) {
      return integral(raw);
    }
    if (raw instanceof Boolean b) {
      return b;
    }
    String text = raw.toString().trim().toLowerCase(Locale.ROOT);
    if (text.equals("true") || text.equals("false")) {
      return Boolean.valueOf(text);
    }
    throw new IllegalArgumentException("not a boolean");
  }

  private static long integral(Object raw) {
    if (raw instanceof Integer
        || raw instanceof Long
        || raw instanceof Short
        || raw instanceof Byte) {
      return ((Number) raw).longValue();
    }
    return Long.parseLong(raw.toString().trim()); // NumberFormatException is an IAE
  }

  private static String requirement(Class<?> type) {
    if (type == String.class) {
      return "must be a single value";
    }
    if (type == int.class || type == long.class) {
      return "must be an integer";
    }
    if (type == boolean.class) {
      return "must be true or false";
    }
    throw new IllegalStateException("Configuration type " + type + " is not supported");
  }

  private static String describe(Class<?> type, Map<String, Object> values) {
    StringBuilder b = new StringBuilder(type.getSimpleName()).append('(');
    String sep = "";
    for (Map.Entry<String, Object> e : values.entrySet()) {
      String key = key(e.getKey());
      b.append(sep).append(key).append('=');
      b.append(
          key.toLowerCase(Locale.ROOT).contains("password")
              ? ConfigProblems.NOT_SHOWN
              : e.getValue());
      sep = ", ";
    }
    return b.append(')').toString();
  }
}
