package org.amtpxe.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.amtpxe.itests.support.Conductor;
import org.amtpxe.itests.support.FreePorts;
import org.amtpxe.itests.support.Json;
import org.amtpxe.itests.support.KarafProcess;
import org.amtpxe.itests.support.Listeners;
import org.amtpxe.itests.support.Poll;
import org.amtpxe.itests.support.VirtualAmtProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our Karaf distribution as a process, as an operator runs it ({@code bin/start}, {@code bin/stop},
 * a crash), against a virtual AMT process: what survives a restart, how a crash in the middle of
 * operations is recovered, and the real {@code baremetal} CLI against it.
 */
class DistributionIT {
  private static final String HOST = "itest-conductor";
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration OP = Duration.ofSeconds(60);

  private static Path itDir;
  private static KarafProcess karaf;
  private static VirtualAmtProcess amt;
  private static Conductor conductor;
  private static int apiPort;
  private static int tftpPort;

  @BeforeAll
  static void startDistribution() throws Exception {
    itDir = Path.of(System.getProperty("amtpxe.itest.dir", "target/it"));
    amt =
        VirtualAmtProcess.start(
            new VirtualAmtProcess.Spec(
                Path.of(
                    System.getProperty(
                        "amtpxe.itest.virtualAmtJar",
                        itDir.resolve("virtual-amt-standalone.jar").toString())),
                itDir.resolve("distribution-run"),
                "virtual-amt",
                6,
                "d-",
                "127.0.73.1",
                16992,
                "127.0.73.250",
                FreePorts.tcp(),
                "Dist-P@ss1",
                200));
    karaf =
        KarafProcess.unpack(itDir.resolve("distribution.tar.gz"), itDir.resolve("distribution"));
    apiPort = FreePorts.tcp();
    tftpPort = FreePorts.udp();
    karaf
        .etc("org.amtpxe.conductor")
        .set(
            Map.of(
                "api_host",
                "127.0.0.1",
                "api_port",
                String.valueOf(apiPort),
                "host",
                HOST,
                "sync_interval",
                "2"));
    karaf
        .etc("org.amtpxe.amt")
        .set(Map.of("action_wait", "1", "awake_interval", "0", "drain_timeout", "5"));
    karaf
        .etc("org.amtpxe.pxe")
        .set(
            Map.of(
                "tftp_address", "127.0.0.1",
                "tftp_port", String.valueOf(tftpPort),
                "http_address", "127.0.0.1",
                "http_port", String.valueOf(FreePorts.tcp()),
                "amt_wait", "5"));
    // Karaf's own listeners off their defaults too: a developer's ./run or another test may hold
    // them.
    karaf.etc("org.apache.karaf.shell").set(Map.of("sshPort", String.valueOf(FreePorts.tcp())));
    karaf
        .etc("org.apache.karaf.management")
        .set(
            Map.of(
                "rmiRegistryPort", String.valueOf(FreePorts.tcp()),
                "rmiServerPort", String.valueOf(FreePorts.tcp())));
    conductor = new Conductor("127.0.0.1", apiPort);
    start();
  }

  @AfterAll
  static void stopDistribution() {
    try {
      if (karaf != null) {
        karaf.close();
      }
    } finally {
      if (amt != null) {
        amt.close();
      }
    }
  }

  @BeforeEach
  void running() throws Exception {
    if (!karaf.isRunning()) {
      start();
    }
  }

  private static void start() throws Exception {
    karaf.start();
    try {
      conductor.awaitUp(START);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nkaraf.log:\n" + karaf.logTail(40), e);
    }
  }

  private static String address(int machine) {
    return "127.0.73." + machine;
  }

  private static String enroll(String name, int machine) {
    String uuid =
        (String) conductor.createNode(name, address(machine), 16992, amt.password()).get("uuid");
    conductor.createPort(uuid, String.format("52:54:00:73:00:%02x", machine));
    return uuid;
  }

  private static void powerTo(String node, String target) {
    conductor.awaitUnlocked(node, OP);
    conductor.power(node, target).ok();
    Map<String, Object> done = conductor.awaitPowerDone(node, OP);
    assertThat(done.get("last_error")).as(node + " " + target).isNull();
    assertThat(done.get("power_state")).isEqualTo(target);
  }

  /** What an operator sees of the nodes and ports, by node name, without timestamps. */
  private static Map<String, Object> visibleState(List<String> names) {
    Map<String, Object> state = new TreeMap<>();
    for (String name : names) {
      Map<String, Object> n = new TreeMap<>(conductor.node(name));
      n.keySet().removeIf(k -> k.endsWith("_at") || k.equals("links") || k.equals("ports"));
      state.put(name, n);
    }
    List<String> ports = new ArrayList<>();
    for (Map<String, Object> p : conductor.ports()) {
      ports.add(p.get("uuid") + " " + p.get("address") + " " + p.get("node_uuid"));
    }
    ports.sort(null);
    state.put("ports", ports);
    return state;
  }

  @Test
  void restartKeepsNodesPortsRecordedBootDeviceAndStates() throws Exception {
    enroll("keep-1", 1);
    enroll("keep-2", 2);
    enroll("keep-3", 3);
    // keep-1: available and powered on; keep-2: manageable, off, PXE recorded for every boot;
    // keep-3: just enrolled.
    conductor.provision("keep-1", "manage").ok();
    conductor.awaitProvisionState("keep-1", "manageable", OP);
    conductor.provision("keep-1", "provide").ok();
    conductor.awaitProvisionState("keep-1", "available", OP);
    powerTo("keep-1", "power on");
    conductor.provision("keep-2", "manage").ok();
    conductor.awaitProvisionState("keep-2", "manageable", OP);
    conductor.bootDevice("keep-2", "pxe", true).ok();
    powerTo("keep-2", "power off");
    List<String> names = List.of("keep-1", "keep-2", "keep-3");
    Map<String, Object> before = visibleState(names);
    assertThat(Json.map(conductor.node("keep-2"), "driver_internal_info"))
        .containsEntry("amt_boot_device", "pxe")
        .containsEntry("amt_boot_persistent", true);

    karaf.stop();
    assertThat(conductor.isUp()).isFalse();
    start();

    assertThat(visibleState(names)).isEqualTo(before);
    assertThat(Listeners.tftpAnswers(tftpPort)).as("TFTP on " + tftpPort).isTrue();
    // The nodes work as before: the recorded PXE is armed at the next power-on.
    powerTo("keep-2", "power on");
    List<Map<String, Object>> boots = amt.boots("d-2");
    assertThat(boots).isNotEmpty();
    assertThat(boots.get(boots.size() - 1))
        .containsEntry("device", "pxe")
        .containsEntry("overrideUsed", true);
  }

  @Test
  void aKilledKarafLeavesNoNodeLockedOrHalfwayAndRecordsWhy() throws Exception {
    enroll("crash-1", 4);
    enroll("crash-2", 5);
    conductor.provision("crash-1", "manage").ok();
    conductor.awaitProvisionState("crash-1", "manageable", OP);
    powerTo("crash-1", "power off");
    // Slow AMTs, so that both operations are still running when Karaf dies.
    amt.switches("d-4", Map.of("latencyMs", 4000));
    amt.switches("d-5", Map.of("latencyMs", 4000));
    try {
      conductor.power("crash-1", "power on").ok();
      conductor.provision("crash-2", "manage").ok();
      assertThat(conductor.node("crash-1"))
          .containsEntry("target_power_state", "power on")
          .containsEntry("reservation", HOST);
      assertThat(conductor.node("crash-2"))
          .containsEntry("provision_state", "verifying")
          .containsEntry("reservation", HOST);

      karaf.killHard();
      start();

      Map<String, Object> powering = conductor.node("crash-1");
      Map<String, Object> verifying = conductor.node("crash-2");
      assertThat(powering)
          .as("crash-1 after the restart")
          .containsEntry("reservation", null)
          .containsEntry("target_power_state", null)
          .containsEntry("power_state", "power off")
          .containsEntry("provision_state", "manageable");
      assertThat(String.valueOf(powering.get("last_error")))
          .contains("conductor restarted while changing power state to power on")
          .contains(HOST);
      assertThat(verifying)
          .as("crash-2 after the restart")
          .containsEntry("reservation", null)
          .containsEntry("provision_state", "enroll")
          .containsEntry("target_provision_state", null);
      assertThat(String.valueOf(verifying.get("last_error")))
          .contains("conductor restarted while verifying");
    } finally {
      amt.switches("d-4", Map.of("latencyMs", 0));
      amt.switches("d-5", Map.of("latencyMs", 0));
    }
    // Both can simply be retried.
    powerTo("crash-1", "power on");
    conductor.provision("crash-2", "manage").ok();
    assertThat(conductor.awaitProvisionState("crash-2", "manageable", OP).get("last_error"))
        .isNull();
  }

  /**
   * An operator profiling the running conductor with Java Flight Recorder must not break it. Jdbi,
   * inside the conductor's bundle, registered a JFR event; once a recording starts, the JVM
   * rewrites that event class to call a generated class the bundle's class loader cannot see, and
   * every SQL statement failed (500 "The conductor's database failed") until the recording stopped.
   */
  @Test
  void aFlightRecordingLeavesTheDatabaseWorking() throws Exception {
    String uuid =
        (String) conductor.createNode("jfr-1", address(6), 16992, amt.password()).get("uuid");
    long mark = karaf.log().mark();
    jcmd("JFR.start", "name=amtpxe-it", "settings=profile");
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(conductor.node(uuid).get("uuid")).isEqualTo(uuid);
        assertThat(conductor.nodes()).isNotEmpty();
      }
      conductor.provision("jfr-1", "manage").ok();
      assertThat(conductor.awaitProvisionState("jfr-1", "manageable", OP).get("last_error"))
          .isNull();
    } finally {
      jcmd("JFR.stop", "name=amtpxe-it");
    }
    assertThat(karaf.log().find(mark, "failed in the database")).as("karaf.log").isEmpty();
    assertThat(karaf.log().find(mark, "NoClassDefFoundError")).as("karaf.log").isEmpty();
    conductor.http().delete("/v1/nodes/" + uuid).ok();
  }

  private static void jcmd(String... command) throws Exception {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    line.add(String.valueOf(karaf.pid()));
    line.addAll(List.of(command));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("jcmd " + line).isTrue();
    assertThat(p.exitValue()).as("jcmd " + line + ": " + out).isZero();
  }

  @Test
  void theBaremetalCliDrivesTheApiInKaraf() throws Exception {
    assumeTrue(
        onPath("baremetal"),
        "the baremetal CLI is not installed: apt-get install -y python3-ironicclient");
    Map<String, Object> created =
        Json.object(
            cli(
                "node",
                "create",
                "--driver",
                "pxe_amt",
                "--name",
                "cli-1",
                "--driver-info",
                "amt_address=" + address(6),
                "--driver-info",
                "amt_port=16992",
                "--driver-info",
                "amt_username=" + VirtualAmtProcess.USERNAME,
                "--driver-info",
                "amt_password=" + amt.password(),
                "--driver-info",
                "amt_protocol=http",
                "-f",
                "json"));
    String uuid = (String) created.get("uuid");
    assertThat(created).containsEntry("driver", "pxe_amt").containsEntry("name", "cli-1");
    assertThat(Json.map(created, "driver_info")).containsEntry("amt_password", "******");

    assertThat(cli("node", "list", "-f", "json")).contains(uuid).contains("cli-1");
    Map<String, Object> port =
        Json.object(cli("port", "create", "52:54:00:73:00:06", "--node", uuid, "-f", "json"));
    assertThat(port).containsEntry("node_uuid", uuid);

    cli("node", "power", "on", "cli-1");
    Poll.until(
        "cli-1 on",
        OP,
        () -> cli("node", "show", "cli-1", "-f", "value", "-c", "power_state").trim(),
        "power on"::equals);
    assertThat(amt.powerState("d-6")).isEqualTo("on");

    cli("node", "boot", "device", "set", "cli-1", "pxe");
    Map<String, Object> boot =
        Json.object(cli("node", "boot", "device", "show", "cli-1", "-f", "json"));
    assertThat(boot).containsEntry("boot_device", "pxe");

    cli("node", "power", "off", "cli-1");
    Poll.until(
        "cli-1 off",
        OP,
        () -> cli("node", "show", "cli-1", "-f", "value", "-c", "power_state").trim(),
        "power off"::equals);
    Map<String, Object> shown = Json.object(cli("node", "show", "cli-1", "-f", "json"));
    assertThat(shown).containsEntry("power_state", "power off").containsEntry("last_error", null);
    assertThat(Json.map(shown, "driver_internal_info")).containsEntry("amt_boot_device", "pxe");
  }

  /** Runs the baremetal CLI against the API and returns its standard output. */
  private static String cli(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "baremetal",
                "--os-endpoint",
                "http://127.0.0.1:" + apiPort,
                "--os-auth-type",
                "none"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(itDir, "baremetal", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.PIPE)
              .start();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
      }
      String stdout = Files.readString(out);
      Files.delete(out);
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "baremetal " + String.join(" ", args) + " exited with " + p.exitValue() + ": " + err);
      }
      return stdout;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
