package org.amtpxe.virtualamt.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.amtpxe.virtualamt.Hardware;

/**
 * A node's hardware as JSON, for the config file ({@code "hardware"} of a node, a series or the
 * defaults) and the control API. A partial object changes only the keys it names: a list ({@code
 * cpus}, {@code memory}, {@code disks}, {@code nics}) replaces the whole list, an object ({@code
 * chassis}, {@code baseboard}, {@code bios}) only the keys it names.
 */
public final class HardwareJson {
  /** The top-level keys. */
  public static final List<String> KEYS =
      List.of(
          "cpus",
          "memory",
          "disks",
          "nics",
          "chassis",
          "baseboard",
          "bios",
          "hostName",
          "domainName",
          "platformGuid",
          "bootMode");

  private static final List<String> CPU_KEYS =
      List.of("model", "cores", "threads", "maxSpeedMhz", "speedMhz");
  private static final List<String> MEMORY_KEYS =
      List.of(
          "bankLabel",
          "sizeMb",
          "sizeBytes",
          "speedMhz",
          "manufacturer",
          "partNumber",
          "serialNumber");
  private static final List<String> DISK_KEYS =
      List.of("model", "serialNumber", "sizeMb", "sizeBytes");
  private static final List<String> NIC_KEYS = List.of("mac", "wireless");
  private static final List<String> BOARD_KEYS =
      List.of("manufacturer", "model", "serialNumber", "version");
  private static final List<String> BIOS_KEYS = List.of("vendor", "version", "releaseDate");

  private HardwareJson() {}

  /** The hardware as a JSON object (sizes in bytes). */
  public static ObjectNode toJson(Hardware h) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode cpus = o.putArray("cpus");
    for (Hardware.Cpu c : h.cpus()) {
      ObjectNode j = cpus.addObject();
      j.put("model", c.model());
      j.put("cores", c.cores());
      j.put("threads", c.threads());
      j.put("maxSpeedMhz", c.maxSpeedMhz());
      j.put("speedMhz", c.speedMhz());
    }
    ArrayNode memory = o.putArray("memory");
    for (Hardware.MemoryBank m : h.memory()) {
      ObjectNode j = memory.addObject();
      j.put("bankLabel", m.bankLabel());
      j.put("sizeBytes", m.sizeBytes());
      j.put("speedMhz", m.speedMhz());
      j.put("manufacturer", m.manufacturer());
      j.put("partNumber", m.partNumber());
      j.put("serialNumber", m.serialNumber());
    }
    ArrayNode disks = o.putArray("disks");
    for (Hardware.Disk d : h.disks()) {
      ObjectNode j = disks.addObject();
      j.put("model", d.model());
      j.put("serialNumber", d.serialNumber());
      j.put("sizeBytes", d.sizeBytes());
    }
    ArrayNode nics = o.putArray("nics");
    for (Hardware.Nic n : h.nics()) {
      nics.addObject().put("mac", n.mac()).put("wireless", n.wireless());
    }
    o.set("chassis", board(h.chassis()));
    o.set("baseboard", board(h.baseboard()));
    ObjectNode bios = o.putObject("bios");
    bios.put("vendor", h.bios().vendor());
    bios.put("version", h.bios().version());
    bios.put("releaseDate", h.bios().releaseDate().toString());
    o.put("hostName", h.hostName());
    o.put("domainName", h.domainName());
    o.put("platformGuid", h.platformGuid());
    o.put("bootMode", h.bootMode());
    return o;
  }

  /**
   * Applies the keys of a JSON object to hardware.
   *
   * @param base the hardware to start from
   * @param json an object with some of {@link #KEYS}
   * @param at where the object is, for messages, e.g. {@code nodes[2].hardware}
   * @return the new hardware
   * @throws IllegalArgumentException naming the key for an unknown key or a bad value
   */
  public static Hardware apply(Hardware base, JsonNode json, String at) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException(at + " must be a JSON object with keys among " + KEYS);
    }
    List<Hardware.Cpu> cpus = base.cpus();
    List<Hardware.MemoryBank> memory = base.memory();
    List<Hardware.Disk> disks = base.disks();
    List<Hardware.Nic> nics = base.nics();
    Hardware.Board chassis = base.chassis();
    Hardware.Board baseboard = base.baseboard();
    Hardware.Bios bios = base.bios();
    String hostName = base.hostName();
    String domainName = base.domainName();
    String platformGuid = base.platformGuid();
    String bootMode = base.bootMode();
    Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
    try {
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String key = f.getKey();
        JsonNode v = f.getValue();
        String where = at + "." + key;
        switch (key) {
          case "cpus" -> cpus = list(where, v, HardwareJson::cpu);
          case "memory" -> memory = list(where, v, HardwareJson::memoryBank);
          case "disks" -> disks = list(where, v, HardwareJson::disk);
          case "nics" -> nics = list(where, v, HardwareJson::nic);
          case "chassis" -> chassis = board(where, v, chassis);
          case "baseboard" -> baseboard = board(where, v, baseboard);
          case "bios" -> bios = bios(where, v, bios);
          case "hostName" -> hostName = NodeJson.text(where, v);
          case "domainName" -> domainName = NodeJson.text(where, v);
          case "platformGuid" -> platformGuid = NodeJson.text(where, v);
          case "bootMode" -> bootMode = NodeJson.text(where, v);
          default ->
              throw new IllegalArgumentException(
                  "Unknown key " + where + ": hardware keys are " + KEYS);
        }
      }
      return new Hardware(
          cpus,
          memory,
          disks,
          nics,
          chassis,
          baseboard,
          bios,
          hostName,
          domainName,
          platformGuid,
          bootMode);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(at)) {
        throw e;
      }
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  private static <T> List<T> list(String at, JsonNode v, BiFunction<String, JsonNode, T> element) {
    if (!v.isArray()) {
      throw new IllegalArgumentException(at + " must be a list of objects");
    }
    List<T> result = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      result.add(element.apply(at + "[" + i + "]", v.get(i)));
    }
    return result;
  }

  private static Hardware.Cpu cpu(String at, JsonNode j) {
    checkKeys(at, j, CPU_KEYS);
    int cores = integer(at, j, "cores", 1);
    int speed = integer(at, j, "speedMhz", 2000);
    return new Hardware.Cpu(
        text(at, j, "model", null),
        cores,
        integer(at, j, "threads", cores),
        integer(at, j, "maxSpeedMhz", speed),
        speed);
  }

  private static Hardware.MemoryBank memoryBank(String at, JsonNode j) {
    checkKeys(at, j, MEMORY_KEYS);
    return new Hardware.MemoryBank(
        text(at, j, "bankLabel", null),
        size(at, j),
        integer(at, j, "speedMhz", 2400),
        text(at, j, "manufacturer", "0000"),
        text(at, j, "partNumber", "Unknown"),
        text(at, j, "serialNumber", null));
  }

  private static Hardware.Disk disk(String at, JsonNode j) {
    checkKeys(at, j, DISK_KEYS);
    return new Hardware.Disk(
        text(at, j, "model", null), text(at, j, "serialNumber", null), size(at, j));
  }

  private static Hardware.Nic nic(String at, JsonNode j) {
    checkKeys(at, j, NIC_KEYS);
    boolean wireless = false;
    if (j.has("wireless")) {
      if (!j.get("wireless").isBoolean()) {
        throw new IllegalArgumentException(at + ".wireless must be true or false");
      }
      wireless = j.get("wireless").asBoolean();
    }
    return new Hardware.Nic(text(at, j, "mac", null), wireless);
  }

  private static Hardware.Board board(String at, JsonNode j, Hardware.Board base) {
    checkKeys(at, j, BOARD_KEYS);
    return new Hardware.Board(
        text(at, j, "manufacturer", base.manufacturer()),
        text(at, j, "model", base.model()),
        j.has("serialNumber") && j.get("serialNumber").isNull()
            ? null
            : text(at, j, "serialNumber", base.serialNumber()),
        text(at, j, "version", base.version()));
  }

  private static Hardware.Bios bios(String at, JsonNode j, Hardware.Bios base) {
    checkKeys(at, j, BIOS_KEYS);
    LocalDate date = base.releaseDate();
    if (j.has("releaseDate")) {
      String text = NodeJson.text(at + ".releaseDate", j.get("releaseDate"));
      try {
        date = LocalDate.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            at + ".releaseDate must be a date like 2023-05-17, not '" + text + "'");
      }
    }
    return new Hardware.Bios(
        text(at, j, "vendor", base.vendor()), text(at, j, "version", base.version()), date);
  }

  private static ObjectNode board(Hardware.Board b) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("manufacturer", b.manufacturer());
    o.put("model", b.model());
    o.put("serialNumber", b.serialNumber());
    o.put("version", b.version());
    return o;
  }

  private static long size(String at, JsonNode j) {
    if (j.has("sizeBytes") == j.has("sizeMb")) {
      throw new IllegalArgumentException(at + " needs either sizeBytes or sizeMb");
    }
    if (j.has("sizeMb")) {
      return (long) NodeJson.integer(at + ".sizeMb", j.get("sizeMb")) * 1024 * 1024;
    }
    JsonNode v = j.get("sizeBytes");
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(at + ".sizeBytes must be a whole number, not " + v);
    }
    return v.asLong();
  }

  private static void checkKeys(String at, JsonNode j, List<String> allowed) {
    if (!j.isObject()) {
      throw new IllegalArgumentException(at + " must be an object with keys among " + allowed);
    }
    Set<String> known = Set.copyOf(allowed);
    j.fieldNames()
        .forEachRemaining(
            k -> {
              if (!known.contains(k)) {
                throw new IllegalArgumentException(
                    "Unknown key " + at + "." + k + ": keys are " + allowed);
              }
            });
  }

  private static String text(String at, JsonNode j, String key, String fallback) {
    return j.has(key) && !j.get(key).isNull()
        ? NodeJson.text(at + "." + key, j.get(key))
        : fallback;
  }

  private static int integer(String at, JsonNode j, String key, int fallback) {
    return j.has(key) ? NodeJson.integer(at + "." + key, j.get(key)) : fallback;
  }
}
