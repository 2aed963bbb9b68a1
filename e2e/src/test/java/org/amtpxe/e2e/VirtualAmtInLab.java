package org.amtpxe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The virtual AMT emulator as a process inside the namespace, with one QEMU-backed node per test
 * machine. Its control API listens on the namespace's loopback and is read with curl there.
 */
final class VirtualAmtInLab {
  static final String CONTROL = "127.0.0.1:16990";

  private final ObjectMapper mapper = new ObjectMapper();
  private final Lab lab;
  private final Path dir;
  private final ArrayNode nodes = mapper.createArrayNode();
  private Process process;

  /** One machine: its AMT and the QEMU guest behind it. */
  record Machine(
      String name, String amtAddress, String mac, String tap, String firmware, Path disk) {
    Path serialLog(Path dir) {
      return dir.resolve(name + "-serial.log");
    }
  }

  VirtualAmtInLab(Lab lab, Path dir) {
    this.lab = lab;
    this.dir = dir;
  }

  /** Adds a node whose host is a QEMU machine. */
  void add(Machine m, String password) {
    ObjectNode node = nodes.addObject();
    node.put("name", m.name());
    node.put("address", m.amtAddress());
    node.put("port", 16992);
    node.put("redirectionPort", 16994);
    node.put("username", "admin");
    node.put("password", password);
    ObjectNode machine = node.putObject("machine");
    machine.put("type", "qemu");
    machine.put("firmware", m.firmware());
    machine.put("memoryMb", 512);
    machine.put("disk", m.disk().toString());
    machine.put("mac", m.mac());
    machine.put("tap", m.tap());
    machine.put("serialLog", m.serialLog(dir).toString());
    machine.put("stateDir", dir.resolve("state").toString());
    machine.put("maxRunSeconds", 600);
  }

  /** Writes the config file and starts the emulator; waits for its control API. */
  void start() throws IOException, InterruptedException {
    ObjectNode config = mapper.createObjectNode();
    ObjectNode control = config.putObject("control");
    control.put("address", "127.0.0.1");
    control.put("port", 16990);
    config.set("nodes", nodes);
    Path file = dir.resolve("virtual-amt.json");
    // It holds the AMT passwords: readable by the owner only, from the start.
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.add("-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=warn");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("org.amtpxe.virtualamt.Main");
    command.add("--config");
    command.add(file.toString());
    process = lab.start(dir.resolve("virtual-amt.log"), Map.of(), command);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "the virtual AMT exited: " + Files.readString(dir.resolve("virtual-amt.log")));
      }
      if (get("/api/nodes").isArray()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the virtual AMT's control API did not come up within 60 s");
  }

  /** GET on the control API; a missing node on empty JSON. */
  JsonNode get(String path) throws IOException {
    Lab.Result r =
        lab.nsResult(
            Duration.ofSeconds(20),
            Map.of(),
            List.of("curl", "-s", "--max-time", "10", "http://" + CONTROL + path));
    if (!r.ok() || r.out().isBlank()) {
      return mapper.createObjectNode();
    }
    return mapper.readTree(r.out());
  }

  /** The node's boot history. */
  JsonNode boots(String node) throws IOException {
    return get("/api/nodes/" + node + "/boots");
  }

  /** The boot devices in the history, e.g. [pxe, pxe]. */
  List<String> bootDevices(String node) throws IOException {
    List<String> devices = new ArrayList<>();
    boots(node).forEach(b -> devices.add(b.path("device").asText()));
    return devices;
  }

  /** The node's detail: power state, machine (QEMU pid, running). */
  JsonNode node(String node) throws IOException {
    return get("/api/nodes/" + node);
  }
}
