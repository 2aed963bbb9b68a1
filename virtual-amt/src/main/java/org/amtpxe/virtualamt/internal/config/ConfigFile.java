package org.amtpxe.virtualamt.internal.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.amtpxe.virtualamt.MachineBackend;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.Switches;

/**
 * Reads the emulator's JSON config file: {@code control}, {@code tls}, {@code workerThreads},
 * {@code defaults} (node settings every node starts from), {@code series} (groups of nodes on
 * consecutive addresses) and {@code nodes} (single nodes, each optionally with the {@code machine}
 * behind it: in memory, QEMU or simulated firmware). See README.md for an example.
 */
public final class ConfigFile {
  private static final List<String> TOP_KEYS =
      List.of("control", "tls", "workerThreads", "defaults", "series", "nodes");
  private static final Set<String> SERIES_KEYS = Set.of("count", "namePrefix", "baseAddress");

  private ConfigFile() {}

  /**
   * Reads a config file.
   *
   * @param file the JSON file
   * @param env the environment ({@code passwordEnv} keys read passwords from it)
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the key that is wrong
   */
  public static LaunchConfig read(Path file, Map<String, String> env) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new IOException("The config file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException("Cannot read the config file " + file + ": " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + " is not valid JSON: " + e.getOriginalMessage() + " at line " + line(e));
    }
    return parse(root, file.getParent(), env);
  }

  private static String line(JsonProcessingException e) {
    return e.getLocation() == null ? "?" : Integer.toString(e.getLocation().getLineNr());
  }

  /** Parses a config already read; relative key store paths resolve against {@code dir}. */
  static LaunchConfig parse(JsonNode root, Path dir, Map<String, String> env) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("The config file must hold a JSON object");
    }
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!TOP_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "Unknown key '" + key + "': top-level keys are " + TOP_KEYS);
      }
    }
    String controlAddress = LaunchConfig.DEFAULT_CONTROL_ADDRESS;
    int controlPort = LaunchConfig.DEFAULT_CONTROL_PORT;
    JsonNode control = root.get("control");
    if (control != null) {
      if (control.isNull() || (control.isBoolean() && !control.asBoolean())) {
        controlAddress = null;
      } else if (control.isObject()) {
        if (control.has("address")) {
          controlAddress = NodeJson.text("control.address", control.get("address"));
        }
        if (control.has("port")) {
          controlPort = NodeJson.integer("control.port", control.get("port"));
        }
      } else {
        throw new IllegalArgumentException(
            "control must be {\"address\":\"127.0.0.1\",\"port\":16990} or false");
      }
    }
    Path keyStore = null;
    String keyStorePassword = null;
    JsonNode tls = root.get("tls");
    if (tls != null) {
      if (!tls.isObject() || !tls.has("keystore") || !tls.has("password")) {
        throw new IllegalArgumentException(
            "tls must be {\"keystore\":\"file.p12\",\"password\":\"...\"} (PKCS#12); leave it out"
                + " to generate a self-signed certificate");
      }
      Path p = Path.of(NodeJson.text("tls.keystore", tls.get("keystore")));
      keyStore = dir == null || p.isAbsolute() ? p : dir.resolve(p);
      keyStorePassword = NodeJson.text("tls.password", tls.get("password"));
    }
    int workers =
        root.has("workerThreads")
            ? NodeJson.integer("workerThreads", root.get("workerThreads"))
            : LaunchConfig.DEFAULT_WORKERS;

    JsonNode defaults = root.path("defaults");
    Switches baseSwitches =
        defaults.has("switches")
            ? SwitchesJson.apply(Switches.defaults(), defaults.get("switches"))
            : Switches.defaults();

    List<NodeSpec> nodes = new ArrayList<>();
    JsonNode series = root.path("series");
    for (int i = 0; i < series.size(); i++) {
      JsonNode s = series.get(i);
      String at = "series[" + i + "]";
      NodeSpec.Builder b = template(defaults, env, baseSwitches, at);
      NodeJson.apply(b, s, at, SERIES_KEYS, env, baseSwitches);
      if (!s.has("count")) {
        throw new IllegalArgumentException(at + " needs a count");
      }
      int count = NodeJson.integer(at + ".count", s.get("count"));
      String prefix =
          s.has("namePrefix") ? NodeJson.text(at + ".namePrefix", s.get("namePrefix")) : "amt-";
      String base =
          s.has("baseAddress") ? NodeJson.text(at + ".baseAddress", s.get("baseAddress")) : null;
      nodes.addAll(NodeSpec.series(count, prefix, base, build(b, at)));
    }
    JsonNode list = root.path("nodes");
    Map<String, Function<NodeSpec, MachineBackend>> machines = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "nodes[" + i + "]";
      NodeSpec.Builder b = template(defaults, env, baseSwitches, at);
      NodeJson.apply(b, list.get(i), at, Set.of("machine"), env, baseSwitches);
      if (!list.get(i).has("name")) {
        throw new IllegalArgumentException(at + " needs a name");
      }
      NodeSpec spec = build(b, at);
      nodes.add(spec);
      if (list.get(i).has("machine")) {
        machines.put(
            spec.name(), MachineJson.parse(at + ".machine", list.get(i).get("machine"), dir));
      }
    }
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException(
          "The config file defines no nodes: add \"series\" or \"nodes\"");
    }
    return new LaunchConfig(
        nodes, controlAddress, controlPort, keyStore, keyStorePassword, workers, machines);
  }

  private static NodeSpec.Builder template(
      JsonNode defaults, Map<String, String> env, Switches baseSwitches, String at) {
    NodeSpec.Builder b = NodeSpec.builder("template");
    if (defaults.isObject()) {
      NodeJson.apply(b, defaults, "defaults", Set.of("name", "switches"), env, baseSwitches);
    }
    b.switches(baseSwitches);
    return b;
  }

  private static NodeSpec build(NodeSpec.Builder b, String at) {
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }
}
