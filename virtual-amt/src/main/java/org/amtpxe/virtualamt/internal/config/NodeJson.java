package org.amtpxe.virtualamt.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.MachineTiming;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.Switches;

/** Reads node settings from a JSON object of the config file onto a {@link NodeSpec.Builder}. */
final class NodeJson {
  static final List<String> KEYS =
      List.of(
          "name",
          "address",
          "port",
          "tlsPort",
          "redirectionPort",
          "username",
          "password",
          "passwordEnv",
          "realm",
          "qop",
          "firmwareVersion",
          "powerState",
          "defaultBootDevice",
          "timing",
          "switches",
          "hardware");

  private static final Set<String> TIMING_KEYS =
      Set.of(
          "powerOnDelayMs",
          "powerOffDelayMs",
          "resetDelayMs",
          "powerCycleOffTimeMs",
          "gracefulDelayMs");

  private NodeJson() {}

  /**
   * Applies the keys of {@code json} that are node settings.
   *
   * @param where names the object in error messages, e.g. {@code nodes[3]}
   * @param ignore keys the caller handles itself
   * @param env the environment, for {@code passwordEnv}
   * @param baseSwitches what a {@code switches} object changes
   * @throws IllegalArgumentException naming the key for an unknown key or a bad value
   */
  static void apply(
      NodeSpec.Builder b,
      JsonNode json,
      String where,
      Set<String> ignore,
      Map<String, String> env,
      Switches baseSwitches) {
    if (!json.isObject()) {
      throw new IllegalArgumentException(where + " must be a JSON object");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String key = f.getKey();
      JsonNode v = f.getValue();
      if (ignore.contains(key)) {
        continue;
      }
      String at = where + "." + key;
      switch (key) {
        case "name" -> b.name(text(at, v));
        case "address" -> b.address(text(at, v));
        case "port" -> b.port(integer(at, v));
        case "tlsPort" -> b.tlsPort(v.isNull() ? NodeSpec.NO_TLS : integer(at, v));
        case "redirectionPort" ->
            b.redirectionPort(v.isNull() ? NodeSpec.NO_REDIRECTION : integer(at, v));
        case "username" -> b.username(text(at, v));
        case "password" -> b.password(text(at, v));
        case "passwordEnv" -> {
          String variable = text(at, v);
          String password = env.get(variable);
          if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException(
                at + " names the environment variable " + variable + ", which is not set");
          }
          b.password(password);
        }
        case "realm" -> b.realm(text(at, v));
        case "qop" -> b.qop(NodeSpec.Qop.parse(text(at, v)));
        case "firmwareVersion" -> b.firmwareVersion(text(at, v));
        case "powerState" ->
            b.initialPowerState(SwitchesJson.parseEnum(at, text(at, v), HostPowerState.class));
        case "defaultBootDevice" -> b.defaultBootDevice(BootDevice.fromId(text(at, v)));
        case "timing" -> b.timing(timing(at, v));
        case "switches" -> b.switches(SwitchesJson.apply(baseSwitches, v));
        case "hardware" -> b.hardware(HardwareJson.apply(b.hardware(), v, at));
        case "machine" ->
            throw new IllegalArgumentException(
                at
                    + " is only allowed in an entry of \"nodes\": each machine has its own MAC and"
                    + " disk");
        default ->
            throw new IllegalArgumentException("Unknown key " + at + ": node keys are " + KEYS);
      }
    }
  }

  private static MachineTiming timing(String at, JsonNode v) {
    if (!v.isObject()) {
      throw new IllegalArgumentException(at + " must be an object with keys among " + TIMING_KEYS);
    }
    v.fieldNames()
        .forEachRemaining(
            k -> {
              if (!TIMING_KEYS.contains(k)) {
                throw new IllegalArgumentException(
                    "Unknown key " + at + "." + k + ": timing keys are " + TIMING_KEYS);
              }
            });
    return new MachineTiming(
        millis(at, v, "powerOnDelayMs"),
        millis(at, v, "powerOffDelayMs"),
        millis(at, v, "resetDelayMs"),
        millis(at, v, "powerCycleOffTimeMs"),
        millis(at, v, "gracefulDelayMs"));
  }

  private static Duration millis(String at, JsonNode v, String key) {
    JsonNode n = v.get(key);
    return n == null ? Duration.ZERO : Duration.ofMillis(integer(at + "." + key, n));
  }

  static String text(String at, JsonNode v) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException(at + " must be a string, not " + v);
    }
    return v.asText();
  }

  static int integer(String at, JsonNode v) {
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException(at + " must be a whole number, not " + v);
    }
    return v.asInt();
  }
}
