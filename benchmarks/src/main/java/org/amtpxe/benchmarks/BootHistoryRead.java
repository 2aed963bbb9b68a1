package org.amtpxe.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.amtpxe.amt.internal.AmtBootHistory;
import org.amtpxe.amt.internal.AmtConsole;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtInspect;
import org.amtpxe.amt.internal.AmtManagement;
import org.amtpxe.amt.internal.AmtPower;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.wsman.WakeLog;
import org.amtpxe.amt.internal.wsman.WakeProbe;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.BootHistory;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.pxe.internal.driver.PxeAmtComposition;
import org.amtpxe.virtualamt.NodeCounters;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.VirtualAmt;
import org.amtpxe.virtualamt.VirtualAmtNode;

/**
 * The cost of reading a node's boot history (AMT's event log) through the conductor's management
 * service, the real pxe_amt composition and AMT Boot History, from one virtual AMT: requests and
 * HTTP round trips per read, and the time per read, for a deploy's log (two boots) and for a full
 * firmware log (390 records). Arguments: {@code [reads]} (default 200).
 */
public final class BootHistoryRead {
  private static final String PASSWORD = "Bench-P@ss1";

  private BootHistoryRead() {}

  public static void main(String[] args) throws Exception {
    int reads = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path dbDir = Files.createTempDirectory("amtpxe-boots-bench");
    try (VirtualAmt amt =
        VirtualAmt.builder()
            .node(
                NodeSpec.builder("boots-bench")
                    .address("127.0.0.1")
                    .port(0)
                    .password(PASSWORD)
                    .build())
            .start()) {
      VirtualAmtNode vamt = amt.node("boots-bench");
      AmtGateway gateway =
          new AmtGateway(
              AmtSettings.defaults(), WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);
      AmtConsole console = new AmtConsole(gateway);
      BareMetalDriver driver =
          PxeAmtComposition.pxeAmt(
              new AmtPower(gateway, Map.of()),
              new AmtManagement(gateway, Map.of()),
              new AmtInspect(gateway),
              console,
              new AmtBootHistory(gateway));
      Database database = BenchConductors.h2(dbDir.resolve("conductor"), 8);
      try {
        Conductor conductor =
            BenchConductors.conductor(database, "bench-conductor", driver).conductor();
        Node node =
            conductor
                .nodes()
                .createNode(
                    Node.builder(UUID.randomUUID().toString(), driver.name())
                        .name("boots-bench")
                        .driverInfo(
                            Map.of(
                                "amt_address",
                                "127.0.0.1",
                                "amt_port",
                                vamt.port(),
                                "amt_username",
                                "admin",
                                "amt_password",
                                PASSWORD))
                        .build());
        // A deploy's boots: power-up into the network, then a reset into the instance.
        vamt.machine().powerOn();
        vamt.machine().reset();
        measure(conductor, node, vamt, reads, "a deploy's log");
        while (conductor.management().bootHistory(node.uuid()).events().size() < 390) {
          for (int i = 0; i < 20; i++) {
            vamt.machine().reset();
          }
        }
        measure(conductor, node, vamt, reads, "a full log");
      } finally {
        console.close();
        gateway.close();
        database.close();
      }
    }
  }

  private static void measure(
      Conductor conductor, Node node, VirtualAmtNode vamt, int reads, String what)
      throws Exception {
    for (int i = 0; i < 20; i++) {
      conductor.management().bootHistory(node.uuid()); // warm-up
    }
    vamt.resetCounters();
    long[] samples = new long[reads];
    BootHistory last = null;
    long requests = 0;
    for (int i = 0; i < reads; i++) {
      long t = System.nanoTime();
      last = conductor.management().bootHistory(node.uuid());
      samples[i] = System.nanoTime() - t;
      requests += last.requests();
    }
    NodeCounters c = vamt.counters();
    Arrays.sort(samples);
    System.out.printf(
        "%s: %d events; per read %.2f WS-Man requests (driver says %.2f), %.2f HTTP requests,"
            + " %.2f Digest challenges; time per read p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
            + " max %.2f ms (%d reads)%n",
        what,
        last.events().size(),
        c.wsmanRequests() / (double) reads,
        requests / (double) reads,
        c.httpRequests() / (double) reads,
        c.unauthorized() / (double) reads,
        samples[reads / 2] / 1e6,
        samples[reads * 9 / 10] / 1e6,
        samples[Math.min(reads - 1, reads * 99 / 100)] / 1e6,
        samples[reads - 1] / 1e6,
        reads);
  }
}
