package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class VirtualAmtTest {
  private static NodeSpec node(String name) {
    return NodeSpec.builder(name).port(0).password("pw").build();
  }

  @Test
  void startRequiresNodesWithUniqueNamesAndEndpoints() {
    assertThatThrownBy(() -> VirtualAmt.builder().start())
        .hasMessageContaining("at least one node");
    assertThatThrownBy(() -> VirtualAmt.builder().node(node("a")).node(node("a")).start())
        .hasMessageContaining("Two nodes are named 'a'");
    NodeSpec fixed = NodeSpec.builder("a").port(23456).password("pw").build();
    assertThatThrownBy(
            () ->
                VirtualAmt.builder().node(fixed).node(fixed.toBuilder().name("b").build()).start())
        .hasMessageContaining("reuses 127.0.0.1:23456");
  }

  @Test
  void portInUseIsReportedWithTheNodeAndAddress() throws Exception {
    try (VirtualAmt first = VirtualAmt.builder().node(node("a")).start()) {
      int taken = first.node("a").port();
      NodeSpec clash = NodeSpec.builder("b").port(taken).password("pw").build();

      assertThatThrownBy(() -> VirtualAmt.builder().node(clash).start())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("node b")
          .hasMessageContaining("127.0.0.1:" + taken);
    }
  }

  @Test
  void unknownNodeNameIsExplained() throws Exception {
    try (VirtualAmt amt = VirtualAmt.builder().node(node("a")).start()) {
      assertThatThrownBy(() -> amt.node("zz"))
          .isInstanceOf(NoSuchElementException.class)
          .hasMessageContaining("'zz'");
    }
  }

  @Test
  void customMachineFactoryIsUsed() throws Exception {
    InMemoryMachine machine = new InMemoryMachine(HostPowerState.ON, MachineTiming.instant());
    try (VirtualAmt amt =
        VirtualAmt.builder().node(node("a")).machineFactory(spec -> machine).start()) {
      assertThat(amt.node("a").machine()).isSameAs(machine);
      assertThat(amt.node("a").powerState()).isEqualTo(HostPowerState.ON);
    }
  }

  @Test
  void summaryNamesNodesControlApiAndFingerprint() throws Exception {
    try (VirtualAmt amt =
        VirtualAmt.builder()
            .series(12, "s-", null, NodeSpec.builder("t").port(0).tlsPort(0).password("pw").build())
            .controlApi("127.0.0.1", 0)
            .start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Main.printSummary(amt, new PrintStream(out, true, StandardCharsets.UTF_8));
      String text = out.toString(StandardCharsets.UTF_8);

      assertThat(text)
          .contains("12 virtual AMTs")
          .contains(amt.node("s-1").wsmanUri().toString())
          .contains(amt.node("s-1").wsmanTlsUri().orElseThrow().toString())
          .contains("... 2 more, the last: s-12")
          .contains("control API: " + amt.controlUri().orElseThrow())
          .contains("TLS certificate SHA-256 fingerprint: " + amt.tlsFingerprint().orElseThrow())
          .doesNotContain("pw ");
    }
  }
}
