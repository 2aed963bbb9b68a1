package org.amtpxe.virtualamt.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.Switches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
  private static final Map<String, String> NO_ENV = Map.of();

  private static LaunchConfig parse(String... args) throws Exception {
    return CommandLine.parse(args, NO_ENV);
  }

  @Test
  void spreadsNodesOverConsecutiveAddressesOnTheSamePort() throws Exception {
    LaunchConfig c = parse("--nodes", "300", "--base-address", "127.0.1.250", "--password", "pw");

    assertThat(c.nodes()).hasSize(300);
    assertThat(c.nodes().get(0).name()).isEqualTo("amt-1");
    assertThat(c.nodes().get(0).address()).isEqualTo("127.0.1.250");
    assertThat(c.nodes().get(4).address()).isEqualTo("127.0.1.254");
    assertThat(c.nodes().get(5).address()).isEqualTo("127.0.2.1");
    assertThat(c.nodes()).allMatch(n -> n.port() == 16992 && !n.tlsEnabled());
    assertThat(c.controlAddress()).isEqualTo("127.0.0.1");
    assertThat(c.controlPort()).isEqualTo(16990);
  }

  @Test
  void sameAddressGivesConsecutivePorts() throws Exception {
    LaunchConfig c =
        parse(
            "--nodes",
            "3",
            "--same-address",
            "--base-address",
            "127.0.0.1",
            "--port",
            "20000",
            "--tls-port",
            "21000",
            "--password",
            "pw");

    assertThat(c.nodes()).extracting(NodeSpec::port).containsExactly(20000, 20001, 20002);
    assertThat(c.nodes()).extracting(NodeSpec::tlsPort).containsExactly(21000, 21001, 21002);
    assertThat(c.nodes()).extracting(NodeSpec::address).containsOnly("127.0.0.1");
  }

  @Test
  void nodeOptionsAndSwitchesAreApplied() throws Exception {
    LaunchConfig c =
        parse(
            "--password",
            "pw",
            "--username",
            "root",
            "--qop",
            "auth-int",
            "--power",
            "on",
            "--default-boot",
            "pxe",
            "--transition-ms",
            "250",
            "--firmware-version",
            "16.1.25.2124",
            "--switch",
            "latencyMs=40",
            "--switch",
            "concurrency=quota-fault",
            "--switch",
            "osAgent=true",
            "--no-control",
            "--workers",
            "8");
    NodeSpec n = c.nodes().get(0);

    assertThat(n.username()).isEqualTo("root");
    assertThat(n.qop()).isEqualTo(NodeSpec.Qop.AUTH_INT_AND_AUTH);
    assertThat(n.initialPowerState()).isEqualTo(HostPowerState.ON);
    assertThat(n.defaultBootDevice()).isEqualTo(BootDevice.PXE);
    assertThat(n.timing().powerOnDelay()).isEqualTo(Duration.ofMillis(250));
    assertThat(n.firmwareVersion()).isEqualTo("16.1.25.2124");
    assertThat(n.switches().latency()).isEqualTo(Duration.ofMillis(40));
    assertThat(n.switches().concurrency()).isEqualTo(Switches.Concurrency.QUOTA_FAULT);
    assertThat(n.switches().osAgent()).isTrue();
    assertThat(c.controlAddress()).isNull();
    assertThat(c.workerThreads()).isEqualTo(8);
  }

  @Test
  void passwordComesFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "from-file\n");

    assertThat(
            CommandLine.parse(new String[0], Map.of(CommandLine.PASSWORD_ENV, "from-env"))
                .nodes()
                .get(0)
                .password())
        .isEqualTo("from-env");
    assertThat(parse("--password-file", file.toString()).nodes().get(0).password())
        .isEqualTo("from-file");
  }

  @Test
  void missingPasswordIsExplained() {
    assertThatThrownBy(() -> parse("--nodes", "2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--password")
        .hasMessageContaining("VIRTUAL_AMT_PASSWORD");
  }

  @Test
  void badOptionsAreNamed() {
    assertThatThrownBy(() -> parse("--nodes", "0", "--password", "p"))
        .hasMessageContaining("--nodes must be at least 1");
    assertThatThrownBy(() -> parse("--port", "x", "--password", "p"))
        .hasMessageContaining("--port needs a number");
    assertThatThrownBy(() -> parse("--colour", "red"))
        .hasMessageContaining("Unknown option --colour");
    assertThatThrownBy(() -> parse("--password")).hasMessageContaining("--password needs a value");
    assertThatThrownBy(() -> parse("--switch", "latency=3", "--password", "p"))
        .hasMessageContaining("Unknown switch 'latency'");
    assertThatThrownBy(() -> parse("--qop", "none", "--password", "p"))
        .hasMessageContaining("Unknown qop");
    assertThatThrownBy(() -> parse("--base-address", "localhost", "--password", "p"))
        .hasMessageContaining("not an IPv4 address");
    assertThatThrownBy(() -> parse("--control", "16990", "--password", "p"))
        .hasMessageContaining("ADDRESS:PORT");
  }

  @Test
  void helpIsRequested() {
    assertThatThrownBy(() -> parse("--help")).isInstanceOf(CommandLine.HelpRequested.class);
  }

  @Test
  void configFileExcludesNodeOptions(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.json");
    Files.writeString(file, "{\"nodes\":[{\"name\":\"a\",\"password\":\"p\"}]}");

    assertThat(parse("--config", file.toString(), "--control", "127.0.0.1:0").controlPort())
        .isZero();
    assertThatThrownBy(() -> parse("--config", file.toString(), "--nodes", "3"))
        .hasMessageContaining("With --config, define nodes in the file");
  }
}
