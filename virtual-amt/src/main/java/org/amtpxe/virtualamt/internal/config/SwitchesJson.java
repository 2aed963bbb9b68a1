package org.amtpxe.virtualamt.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.Switches;

/**
 * Switches as JSON, for the config file and the control API: durations in milliseconds ({@code
 * latencyMs}), enums in lower case with dashes ({@code quota-fault}). A partial object changes only
 * the keys it names.
 */
public final class SwitchesJson {
  /** Every key, in the order they are written. */
  public static final List<String> KEYS =
      List.of(
          "meIdleSleepMs",
          "meSleepMode",
          "meWakeTimeMs",
          "concurrency",
          "latencyMs",
          "dropRate",
          "http500Rate",
          "malformedRate",
          "slowRate",
          "slowDelayMs",
          "redirectionActive",
          "osAgent",
          "nonceLifetimeMs",
          "lockoutThreshold",
          "lockoutDurationMs",
          "faultHttpStatus",
          "keepBootSourceAfterBoot",
          "unsupportedClasses",
          "omittedProperties");

  private SwitchesJson() {}

  /** The switches as a JSON object. */
  public static ObjectNode toJson(Switches s) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("meIdleSleepMs", s.meIdleSleep().toMillis());
    o.put("meSleepMode", name(s.meSleepMode()));
    o.put("meWakeTimeMs", s.meWakeTime().toMillis());
    o.put("concurrency", name(s.concurrency()));
    o.put("latencyMs", s.latency().toMillis());
    o.put("dropRate", s.dropRate());
    o.put("http500Rate", s.http500Rate());
    o.put("malformedRate", s.malformedRate());
    o.put("slowRate", s.slowRate());
    o.put("slowDelayMs", s.slowDelay().toMillis());
    o.put("redirectionActive", s.redirectionActive());
    o.put("osAgent", s.osAgent());
    o.put("nonceLifetimeMs", s.nonceLifetime().toMillis());
    o.put("lockoutThreshold", s.lockoutThreshold());
    o.put("lockoutDurationMs", s.lockoutDuration().toMillis());
    o.put("faultHttpStatus", s.faultHttpStatus());
    o.put("keepBootSourceAfterBoot", s.keepBootSourceAfterBoot());
    s.unsupportedClasses().stream().sorted().forEach(o.putArray("unsupportedClasses")::add);
    s.omittedProperties().stream().sorted().forEach(o.putArray("omittedProperties")::add);
    return o;
  }

  /**
   * Applies the keys of a JSON object to switches.
   *
   * @param base the switches to start from
   * @param json an object with some of {@link #KEYS}
   * @return the new switches
   * @throws IllegalArgumentException naming the key for an unknown key or a bad value
   */
  public static Switches apply(Switches base, JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("Switches must be a JSON object with keys among " + KEYS);
    }
    Switches.Builder b = base.toBuilder();
    Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String key = f.getKey();
      JsonNode v = f.getValue();
      switch (key) {
        case "meIdleSleepMs" -> b.meIdleSleep(millis(key, v));
        case "meSleepMode" -> b.meSleepMode(enumValue(key, v, Switches.SleepMode.class));
        case "meWakeTimeMs" -> b.meWakeTime(millis(key, v));
        case "concurrency" -> b.concurrency(enumValue(key, v, Switches.Concurrency.class));
        case "latencyMs" -> b.latency(millis(key, v));
        case "dropRate" -> b.dropRate(number(key, v));
        case "http500Rate" -> b.http500Rate(number(key, v));
        case "malformedRate" -> b.malformedRate(number(key, v));
        case "slowRate" -> b.slowRate(number(key, v));
        case "slowDelayMs" -> b.slowDelay(millis(key, v));
        case "redirectionActive" -> b.redirectionActive(bool(key, v));
        case "osAgent" -> b.osAgent(bool(key, v));
        case "nonceLifetimeMs" -> b.nonceLifetime(millis(key, v));
        case "lockoutThreshold" -> b.lockoutThreshold((int) integer(key, v));
        case "lockoutDurationMs" -> b.lockoutDuration(millis(key, v));
        case "faultHttpStatus" -> b.faultHttpStatus((int) integer(key, v));
        case "keepBootSourceAfterBoot" -> b.keepBootSourceAfterBoot(bool(key, v));
        case "unsupportedClasses" -> b.unsupportedClasses(strings(key, v));
        case "omittedProperties" -> b.omittedProperties(strings(key, v));
        default ->
            throw new IllegalArgumentException(
                "Unknown switch '" + key + "': known switches are " + KEYS);
      }
    }
    return b.build();
  }

  /** The JSON name of an enum constant: lower case with dashes. */
  public static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses an enum constant from its JSON name.
   *
   * @throws IllegalArgumentException listing the allowed names
   */
  public static <E extends Enum<E>> E parseEnum(String key, String text, Class<E> type) {
    for (E constant : type.getEnumConstants()) {
      if (name(constant).equalsIgnoreCase(text.trim())) {
        return constant;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(name(constant));
    }
    throw new IllegalArgumentException(key + " must be one of " + allowed + ", not '" + text + "'");
  }

  private static <E extends Enum<E>> E enumValue(String key, JsonNode v, Class<E> type) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException(key + " must be a string");
    }
    return parseEnum(key, v.asText(), type);
  }

  private static Duration millis(String key, JsonNode v) {
    return Duration.ofMillis(integer(key, v));
  }

  private static long integer(String key, JsonNode v) {
    if (!v.isIntegralNumber()) {
      throw new IllegalArgumentException(key + " must be a whole number, not " + v);
    }
    return v.asLong();
  }

  private static double number(String key, JsonNode v) {
    if (!v.isNumber()) {
      throw new IllegalArgumentException(key + " must be a number, not " + v);
    }
    return v.asDouble();
  }

  private static Set<String> strings(String key, JsonNode v) {
    if (v.isTextual()) {
      // --switch unsupportedClasses=CIM_Chip,CIM_Card on the command line
      Set<String> result = new LinkedHashSet<>();
      for (String part : v.asText().split(",")) {
        if (!part.isBlank()) {
          result.add(part.trim());
        }
      }
      return result;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(
          key + " must be a list of strings (or one comma-separated string), not " + v);
    }
    Set<String> result = new LinkedHashSet<>();
    for (JsonNode e : v) {
      if (!e.isTextual() || e.asText().isBlank()) {
        throw new IllegalArgumentException(key + " must be a list of strings, not " + v);
      }
      result.add(e.asText().trim());
    }
    return result;
  }

  private static boolean bool(String key, JsonNode v) {
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(key + " must be true or false, not " + v);
    }
    return v.asBoolean();
  }
}
