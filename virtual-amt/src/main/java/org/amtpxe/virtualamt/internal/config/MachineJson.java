package org.amtpxe.virtualamt.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.amtpxe.virtualamt.InMemoryMachine;
import org.amtpxe.virtualamt.MachineBackend;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.internal.qemu.QemuMachine;
import org.amtpxe.virtualamt.internal.qemu.QemuOptions;
import org.amtpxe.virtualamt.internal.simulated.SimulatedFirmwareMachine;
import org.amtpxe.virtualamt.internal.simulated.SimulatedFirmwareOptions;

/**
 * Reads a node's {@code machine} object of the config file: which machine sits behind the virtual
 * AMT. {@code "type": "memory"} (the default), {@code "qemu"} or {@code "simulated"}. Relative
 * paths resolve against the config file's directory.
 */
final class MachineJson {
  static final List<String> TYPES = List.of("memory", "qemu", "simulated");

  static final List<String> QEMU_KEYS =
      List.of(
          "type",
          "binary",
          "firmware",
          "memoryMb",
          "disk",
          "diskSizeMb",
          "mac",
          "tap",
          "netdev",
          "nicRom",
          "serialLog",
          "stateDir",
          "ovmfCode",
          "ovmfVars",
          "maxRunSeconds",
          "extraArgs");

  static final List<String> SIMULATED_KEYS =
      List.of(
          "type",
          "mac",
          "address",
          "bootUrl",
          "disk",
          "diskSizeMb",
          "diskDevice",
          "notifyTimeoutSeconds",
          "httpTimeoutSeconds");

  private MachineJson() {}

  /**
   * Parses a machine object into a factory that builds the machine for its node.
   *
   * @param at where the object is, for messages, e.g. {@code nodes[2].machine}
   * @param json the object
   * @param dir the config file's directory, null for the working directory
   * @throws IllegalArgumentException naming the key for an unknown key or a bad value
   */
  static Function<NodeSpec, MachineBackend> parse(String at, JsonNode json, Path dir) {
    if (!json.isObject()) {
      throw new IllegalArgumentException(at + " must be a JSON object with a \"type\"");
    }
    String type = json.has("type") ? NodeJson.text(at + ".type", json.get("type")) : "memory";
    try {
      return switch (type) {
        case "memory" -> {
          checkKeys(at, json, List.of("type"));
          yield spec -> new InMemoryMachine(spec.initialPowerState(), spec.timing());
        }
        case "qemu" -> qemu(at, json, dir);
        case "simulated" -> simulated(at, json, dir);
        default ->
            throw new IllegalArgumentException(
                at + ".type must be one of " + TYPES + ", not '" + type + "'");
      };
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(at)) {
        throw e;
      }
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  private static Function<NodeSpec, MachineBackend> qemu(String at, JsonNode j, Path dir) {
    checkKeys(at, j, QEMU_KEYS);
    Path disk = path(at, j, "disk", dir, null);
    if (disk == null) {
      throw new IllegalArgumentException(at + " needs a disk (a raw image file)");
    }
    QemuOptions.Firmware firmware = QemuOptions.Firmware.parse(text(at, j, "firmware", "bios"));
    Path stateDir = path(at, j, "stateDir", dir, disk.toAbsolutePath().getParent());
    List<String> extra = new ArrayList<>();
    if (j.has("extraArgs")) {
      JsonNode list = j.get("extraArgs");
      if (!list.isArray()) {
        throw new IllegalArgumentException(at + ".extraArgs must be a list of strings");
      }
      for (int i = 0; i < list.size(); i++) {
        extra.add(NodeJson.text(at + ".extraArgs[" + i + "]", list.get(i)));
      }
    }
    String defaultRom = firmware == QemuOptions.Firmware.UEFI ? "none" : "ipxe";
    Path serialLogGiven = path(at, j, "serialLog", dir, null);
    String binary = text(at, j, "binary", "qemu-system-x86_64");
    int memory = integer(at, j, "memoryMb", 512);
    int diskSize = integer(at, j, "diskSizeMb", 64);
    String mac = text(at, j, "mac", null);
    String tap = text(at, j, "tap", null);
    String netdev = text(at, j, "netdev", null);
    String rom = text(at, j, "nicRom", defaultRom);
    Path code = path(at, j, "ovmfCode", dir, QemuOptions.DEFAULT_OVMF_CODE);
    Path vars = path(at, j, "ovmfVars", dir, QemuOptions.DEFAULT_OVMF_VARS);
    Duration maxRun = Duration.ofSeconds(integer(at, j, "maxRunSeconds", 900));
    // The options of one node, whose name names its serial log unless the file gives one.
    Function<String, QemuOptions> options =
        name ->
            new QemuOptions(
                binary,
                firmware,
                memory,
                disk,
                diskSize,
                mac,
                tap,
                netdev,
                rom,
                serialLogGiven != null ? serialLogGiven : stateDir.resolve(name + "-serial.log"),
                stateDir,
                code,
                vars,
                maxRun,
                extra);
    // Validate now, so that a bad file is refused before anything starts.
    options.apply("node");
    return spec -> new QemuMachine(spec.name(), options.apply(spec.name()));
  }

  private static Function<NodeSpec, MachineBackend> simulated(String at, JsonNode j, Path dir) {
    checkKeys(at, j, SIMULATED_KEYS);
    Path disk = path(at, j, "disk", dir, null);
    if (disk == null) {
      throw new IllegalArgumentException(at + " needs a disk (a file that stands for the disk)");
    }
    String mac = text(at, j, "mac", null);
    String address = text(at, j, "address", null);
    URI bootUrl = uri(at + ".bootUrl", text(at, j, "bootUrl", "http://127.0.0.1:8080/boot.ipxe"));
    int diskSize = integer(at, j, "diskSizeMb", 0);
    String device = text(at, j, "diskDevice", "vda");
    Duration notify = Duration.ofSeconds(integer(at, j, "notifyTimeoutSeconds", 600));
    Duration httpTimeout = Duration.ofSeconds(integer(at, j, "httpTimeoutSeconds", 30));
    // The options of one node, whose address is the machine's unless the file gives one.
    Function<String, SimulatedFirmwareOptions> options =
        nodeAddress ->
            new SimulatedFirmwareOptions(
                mac,
                address == null ? nodeAddress : address,
                bootUrl,
                disk,
                diskSize,
                device,
                notify,
                httpTimeout);
    // Validate now (the node's own address is checked with the node).
    options.apply("127.0.0.1");
    return spec -> new SimulatedFirmwareMachine(spec.name(), options.apply(spec.address()));
  }

  private static void checkKeys(String at, JsonNode j, List<String> allowed) {
    Set<String> known = Set.copyOf(allowed);
    Iterator<Map.Entry<String, JsonNode>> fields = j.fields();
    while (fields.hasNext()) {
      String key = fields.next().getKey();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "Unknown key " + at + "." + key + ": keys of this machine type are " + allowed);
      }
    }
  }

  private static String text(String at, JsonNode j, String key, String fallback) {
    return j.has(key) ? NodeJson.text(at + "." + key, j.get(key)) : fallback;
  }

  private static int integer(String at, JsonNode j, String key, int fallback) {
    return j.has(key) ? NodeJson.integer(at + "." + key, j.get(key)) : fallback;
  }

  private static Path path(String at, JsonNode j, String key, Path dir, Path fallback) {
    if (!j.has(key)) {
      return fallback;
    }
    Path p = Path.of(NodeJson.text(at + "." + key, j.get(key)));
    return dir == null || p.isAbsolute() ? p : dir.resolve(p);
  }

  private static URI uri(String at, String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(at + " is not a URL: " + e.getMessage());
    }
  }
}
