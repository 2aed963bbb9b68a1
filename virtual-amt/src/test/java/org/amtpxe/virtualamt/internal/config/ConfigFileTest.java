package org.amtpxe.virtualamt.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.Switches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
  private static LaunchConfig parse(String json) throws Exception {
    return ConfigFile.parse(
        new ObjectMapper().readTree(json), Path.of("/etc/vamt"), Map.of("AMT_PW", "env-secret"));
  }

  @Test
  void defaultsSeriesAndNodesCombine() throws Exception {
    LaunchConfig c =
        parse(
            """
            {
              "control": {"address": "127.0.0.1", "port": 17000},
              "workerThreads": 16,
              "defaults": {"username": "admin", "passwordEnv": "AMT_PW", "port": 16992,
                           "switches": {"latencyMs": 50, "osAgent": true}},
              "series": [{"count": 3, "namePrefix": "rack1-", "baseAddress": "127.0.5.1", "tlsPort": 16993,
                          "switches": {"concurrency": "quota-fault"}}],
              "nodes": [{"name": "odd", "address": "127.0.9.9", "password": "own", "powerState": "on",
                         "qop": "auth-int", "timing": {"powerOnDelayMs": 1500}}]
            }
            """);

    assertThat(c.nodes())
        .extracting(NodeSpec::name)
        .containsExactly("rack1-1", "rack1-2", "rack1-3", "odd");
    NodeSpec first = c.nodes().get(0);
    assertThat(first.address()).isEqualTo("127.0.5.1");
    assertThat(first.password()).isEqualTo("env-secret");
    assertThat(first.tlsPort()).isEqualTo(16993);
    assertThat(first.switches().latency()).isEqualTo(Duration.ofMillis(50));
    assertThat(first.switches().osAgent()).isTrue();
    assertThat(first.switches().concurrency()).isEqualTo(Switches.Concurrency.QUOTA_FAULT);
    assertThat(first.realm()).isEqualTo(NodeSpec.defaultRealm("rack1-1"));
    NodeSpec odd = c.nodes().get(3);
    assertThat(odd.password()).isEqualTo("own");
    assertThat(odd.initialPowerState()).isEqualTo(HostPowerState.ON);
    assertThat(odd.qop()).isEqualTo(NodeSpec.Qop.AUTH_INT_AND_AUTH);
    assertThat(odd.timing().powerOnDelay()).isEqualTo(Duration.ofMillis(1500));
    assertThat(odd.switches().concurrency()).isEqualTo(Switches.Concurrency.QUEUE);
    assertThat(c.controlPort()).isEqualTo(17000);
    assertThat(c.workerThreads()).isEqualTo(16);
  }

  @Test
  void controlFalseDisablesTheControlApiAndKeyStoreResolvesNextToTheFile() throws Exception {
    LaunchConfig c =
        parse(
            "{\"control\": false, \"tls\": {\"keystore\": \"amt.p12\", \"password\": \"x\"}, \"nodes\": [{\"name\": \"a\", \"password\": \"p\"}]}");

    assertThat(c.controlAddress()).isNull();
    assertThat(c.keyStore()).isEqualTo(Path.of("/etc/vamt/amt.p12"));
  }

  @Test
  void mistakesAreNamedWithTheirPlace() {
    assertThatThrownBy(() -> parse("{\"nodez\": []}")).hasMessageContaining("Unknown key 'nodez'");
    assertThatThrownBy(
            () -> parse("{\"nodes\": [{\"name\": \"a\", \"password\": \"p\", \"prot\": 1}]}"))
        .hasMessageContaining("nodes[0].prot");
    assertThatThrownBy(() -> parse("{\"nodes\": [{\"password\": \"p\"}]}"))
        .hasMessageContaining("nodes[0] needs a name");
    assertThatThrownBy(() -> parse("{\"nodes\": [{\"name\": \"a\"}]}"))
        .hasMessageContaining("nodes[0]")
        .hasMessageContaining("password");
    assertThatThrownBy(() -> parse("{\"series\": [{\"password\": \"p\"}]}"))
        .hasMessageContaining("series[0] needs a count");
    assertThatThrownBy(() -> parse("{\"nodes\": [{\"name\": \"a\", \"passwordEnv\": \"NOPE\"}]}"))
        .hasMessageContaining("NOPE, which is not set");
    assertThatThrownBy(
            () ->
                parse("{\"nodes\": [{\"name\": \"a\", \"password\": \"p\", \"port\": \"16992\"}]}"))
        .hasMessageContaining("nodes[0].port must be a whole number");
    assertThatThrownBy(() -> parse("{}")).hasMessageContaining("defines no nodes");
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigFile.read(dir.resolve("none.json"), Map.of()))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("none.json does not exist");
  }

  @Test
  void invalidJsonFileNamesTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\n  \"nodes\": [\n    {\"name\": }\n  ]\n}\n");

    assertThatThrownBy(() -> ConfigFile.read(file, Map.of()))
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 3");
  }
}
