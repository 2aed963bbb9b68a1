package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeSpecTest {
  private static NodeSpec.Builder valid() {
    return NodeSpec.builder("n1").password("secret-pw");
  }

  @Test
  void defaultsAreAmtLike() {
    NodeSpec n = valid().build();

    assertThat(n.port()).isEqualTo(16992);
    assertThat(n.tlsEnabled()).isFalse();
    assertThat(n.username()).isEqualTo("admin");
    assertThat(n.realm()).matches("Digest:[0-9A-F]{32}").isEqualTo(NodeSpec.defaultRealm("n1"));
    assertThat(n.initialPowerState()).isEqualTo(HostPowerState.OFF);
    assertThat(n.firmwareMajor()).isEqualTo(11);
  }

  @Test
  void toStringHidesThePassword() {
    assertThat(valid().build().toString()).doesNotContain("secret-pw").contains("password=****");
  }

  @Test
  void invalidValuesAreExplained() {
    assertThatThrownBy(() -> NodeSpec.builder("bad name").password("p").build())
        .hasMessageContaining("not valid");
    assertThatThrownBy(() -> NodeSpec.builder("n").build())
        .hasMessageContaining("needs a password");
    assertThatThrownBy(() -> valid().port(70000).build()).hasMessageContaining("port must be 0");
    assertThatThrownBy(() -> valid().tlsPort(-2).build()).hasMessageContaining("or -1 (off)");
    assertThatThrownBy(() -> valid().realm("Digest:abc").build())
        .hasMessageContaining("32 upper-case hex");
    assertThatThrownBy(() -> valid().firmwareVersion("eleven").build())
        .hasMessageContaining("11.8.50.3425");
    assertThatThrownBy(() -> valid().defaultBootDevice(BootDevice.BIOS).build())
        .hasMessageContaining("pxe, disk or cdrom");
  }

  @Test
  void seriesSkipsNetworkAndBroadcastOctetsAndRenamesRealms() {
    List<NodeSpec> nodes = NodeSpec.series(3, "r-", "10.0.0.254", valid().build());

    assertThat(nodes)
        .extracting(NodeSpec::address)
        .containsExactly("10.0.0.254", "10.0.1.1", "10.0.1.2");
    assertThat(nodes).extracting(NodeSpec::name).containsExactly("r-1", "r-2", "r-3");
    assertThat(nodes.get(1).realm()).isEqualTo(NodeSpec.defaultRealm("r-2"));
  }

  @Test
  void seriesKeepsAnExplicitRealm() {
    String realm = "Digest:00000000000000000000000000000001";

    assertThat(NodeSpec.series(2, "r-", null, valid().realm(realm).build()))
        .extracting(NodeSpec::realm)
        .containsOnly(realm);
  }
}
