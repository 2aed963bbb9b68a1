package org.amtpxe.virtualamt.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.amtpxe.virtualamt.InMemoryMachine;
import org.amtpxe.virtualamt.MachineBackend;
import org.amtpxe.virtualamt.NodeSpec;
import org.junit.jupiter.api.Test;

/** The {@code machine} object of a node in the config file. */
class MachineConfigTest {
  static LaunchConfig parse(String nodes) throws Exception {
    return ConfigFile.parse(
        new ObjectMapper()
            .readTree("{\"defaults\": {\"password\": \"pw\"}, \"nodes\": " + nodes + "}"),
        Path.of("/lab"),
        Map.of());
  }

  static MachineBackend machine(LaunchConfig c, String name) {
    NodeSpec spec = c.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    MachineBackend m = c.machines().get(name).apply(spec);
    m.close();
    return m;
  }

  @Test
  void qemuMachineWithDefaultsAndRelativePaths() throws Exception {
    LaunchConfig c =
        parse(
            """
            [{"name": "vm-1", "address": "127.0.0.2",
              "machine": {"type": "qemu", "disk": "disks/vm-1.img", "mac": "52:54:00:77:00:01",
                          "tap": "tap0", "firmware": "uefi"}}]
            """);

    Map<String, Object> d = machine(c, "vm-1").describe();
    assertThat(d)
        .containsEntry("type", "qemu")
        .containsEntry("firmware", "uefi")
        .containsEntry("mac", "52:54:00:77:00:01")
        .containsEntry("network", "tap tap0")
        .containsEntry("disk", "/lab/disks/vm-1.img")
        .containsEntry("serialLog", "/lab/disks/vm-1-serial.log")
        .containsEntry("running", false);
  }

  @Test
  void simulatedMachineListensOnTheNodesAddressUnlessToldOtherwise() throws Exception {
    LaunchConfig c =
        parse(
            """
            [{"name": "demo-1", "address": "127.0.0.11",
              "machine": {"type": "simulated", "mac": "52:54:00:00:00:01", "disk": "demo-1.img"}},
             {"name": "demo-2", "address": "127.0.0.12",
              "machine": {"type": "simulated", "mac": "52:54:00:00:00:02", "disk": "/d/demo-2.img",
                          "address": "127.0.0.22", "bootUrl": "http://127.0.0.1:9090/boot.ipxe"}},
             {"name": "plain", "address": "127.0.0.13"}]
            """);

    assertThat(machine(c, "demo-1").describe())
        .containsEntry("type", "simulated")
        .containsEntry("address", "127.0.0.11")
        .containsEntry("bootUrl", "http://127.0.0.1:8080/boot.ipxe")
        .containsEntry("disk", "/lab/demo-1.img")
        .containsEntry("diskDevice", "vda");
    assertThat(machine(c, "demo-2").describe())
        .containsEntry("address", "127.0.0.22")
        .containsEntry("bootUrl", "http://127.0.0.1:9090/boot.ipxe");
    assertThat(c.machines()).doesNotContainKey("plain");
    assertThat(c.toBuilder()).isNotNull();
  }

  @Test
  void memoryTypeIsTheInMemoryMachine() throws Exception {
    LaunchConfig c = parse("[{\"name\": \"m\", \"machine\": {\"type\": \"memory\"}}]");

    assertThat(machine(c, "m")).isInstanceOf(InMemoryMachine.class);
  }

  @Test
  void badMachinesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> parse("[{\"name\": \"a\", \"machine\": {\"type\": \"vmware\"}}]"))
        .hasMessageContaining("nodes[0].machine.type must be one of [memory, qemu, simulated]");
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"name\": \"a\", \"machine\": {\"type\": \"qemu\", \"disk\": \"d\","
                        + " \"mac\": \"52:54:00:77:00:01\", \"tap\": \"tap0\", \"cpus\": 2}}]"))
        .hasMessageContaining("Unknown key nodes[0].machine.cpus");
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"name\": \"a\", \"machine\": {\"type\": \"qemu\", \"disk\": \"d\","
                        + " \"mac\": \"52:54:00:77:00:01\"}}]"))
        .hasMessageContaining("nodes[0].machine: give either tap");
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"name\": \"a\", \"machine\": {\"type\": \"qemu\", \"disk\": \"d\","
                        + " \"mac\": \"52:54:00:77:00:01\", \"tap\": \"tap0\", \"nicRom\": \"none\"}}]"))
        .hasMessageContaining("BIOS machine without a PXE client");
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"name\": \"a\", \"machine\": {\"type\": \"simulated\", \"disk\": \"d\","
                        + " \"mac\": \"nope\"}}]"))
        .hasMessageContaining("nodes[0].machine: mac must look like 52:54:00:12:34:56");
    assertThatThrownBy(
            () ->
                ConfigFile.parse(
                    new ObjectMapper()
                        .readTree(
                            "{\"defaults\": {\"password\": \"pw\", \"machine\": {}},"
                                + " \"nodes\": [{\"name\": \"a\"}]}"),
                    null,
                    Map.of()))
        .hasMessageContaining("defaults.machine is only allowed in an entry of \"nodes\"");
  }
}
