package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.amtpxe.virtualamt.testing.Replies;
import org.amtpxe.virtualamt.testing.Wsman;
import org.amtpxe.virtualamt.testing.Wsman.Style;
import org.junit.jupiter.api.Test;

/** Many nodes in one process, each on its own loopback address, each answering its own client. */
class ScaleSmokeTest {
  private static final int NODES = 200;

  @Test
  void twoHundredNodesOnTheirOwnAddressesAnswerIndependently() throws Exception {
    NodeSpec template =
        NodeSpec.builder("t").port(0).username("admin").password("scale-P@ss").build();
    long startNanos = System.nanoTime();
    try (VirtualAmt amt =
        VirtualAmt.builder().series(NODES, "scale-", "127.0.2.1", template).start()) {
      long startedMillis = (System.nanoTime() - startNanos) / 1_000_000;
      List<VirtualAmtNode> nodes = amt.nodes();
      assertThat(nodes).hasSize(NODES);
      assertThat(nodes.get(0).spec().address()).isEqualTo("127.0.2.1");
      assertThat(nodes.get(NODES - 1).spec().address()).isEqualTo("127.0.2.200");
      assertThat(nodes.stream().map(n -> n.spec().realm()).distinct()).hasSize(NODES);

      HttpClient http = DigestClient.newHttpClient(null);
      String powerOn =
          Wsman.request(Style.INTEL, Wsman.PMS + "/RequestPowerStateChange", Wsman.PMS)
              .body(Wsman.requestPowerStateChange(Style.INTEL, 2))
              .build();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      long requestsStart = System.nanoTime();
      try {
        List<Future<String>> replies = new ArrayList<>();
        for (VirtualAmtNode n : nodes.subList(0, NODES / 2)) {
          replies.add(
              pool.submit(
                  () ->
                      new DigestClient(http, n.wsmanUri(), "admin", "scale-P@ss")
                          .send(powerOn)
                          .body()));
        }
        for (Future<String> f : replies) {
          assertThat(Replies.of(f.get()).text("//pms:ReturnValue")).isEqualTo("0");
        }
      } finally {
        pool.shutdownNow();
      }
      long requestsMillis = (System.nanoTime() - requestsStart) / 1_000_000;

      for (int i = 0; i < NODES; i++) {
        VirtualAmtNode n = nodes.get(i);
        boolean asked = i < NODES / 2;
        assertThat(n.powerState()).isEqualTo(asked ? HostPowerState.ON : HostPowerState.OFF);
        assertThat(n.counters().wsmanRequests()).isEqualTo(asked ? 1 : 0);
      }
      System.out.printf(
          "ScaleSmokeTest: %d nodes started in %d ms; %d nodes powered on (2 round trips each) in %d ms%n",
          NODES, startedMillis, NODES / 2, requestsMillis);
    }
  }
}
