package org.amtpxe.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.amtpxe.amt.internal.AmtConsole;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtInspect;
import org.amtpxe.amt.internal.AmtManagement;
import org.amtpxe.amt.internal.AmtPower;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.wsman.WakeLog;
import org.amtpxe.amt.internal.wsman.WakeProbe;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.console.ConsoleService;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.pxe.internal.driver.PxeAmtComposition;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.VirtualAmt;
import org.amtpxe.virtualamt.VirtualAmtNode;

/**
 * Keystroke latency and output throughput of a serial console through the whole chain: a socket on
 * the conductor's console port, the conductor's bridge, the real AMT Console (SOL client with
 * Digest) and the virtual AMT's redirection listener, whose in-memory machine echoes every key.
 * Arguments: {@code [keystrokes] [burst KiB]} (default 2000 and 512).
 */
public final class SolConsoleLatency {
  private static final String PASSWORD = "Bench-P@ss1";

  private SolConsoleLatency() {}

  public static void main(String[] args) throws Exception {
    int keystrokes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int burstKib = args.length > 1 ? Integer.parseInt(args[1]) : 512;
    Path dbDir = Files.createTempDirectory("amtpxe-sol-bench");
    try (VirtualAmt amt =
        VirtualAmt.builder()
            .node(
                NodeSpec.builder("sol-bench")
                    .address("127.0.0.1")
                    .port(0)
                    .redirectionPort(0)
                    .password(PASSWORD)
                    .build())
            .start()) {
      VirtualAmtNode vamt = amt.node("sol-bench");
      AmtGateway gateway =
          new AmtGateway(
              AmtSettings.defaults(), WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);
      AmtConsole console = new AmtConsole(gateway);
      BareMetalDriver driver =
          PxeAmtComposition.pxeAmt(
              new AmtPower(gateway, Map.of()),
              new AmtManagement(gateway, Map.of()),
              new AmtInspect(gateway),
              console);
      Database database = BenchConductors.h2(dbDir.resolve("conductor"), 8);
      try {
        Conductor conductor =
            BenchConductors.conductor(database, "bench-conductor", driver).conductor();
        Node node =
            conductor
                .nodes()
                .createNode(
                    Node.builder(UUID.randomUUID().toString(), driver.name())
                        .name("sol-bench")
                        .driverInfo(
                            Map.of(
                                "amt_address",
                                "127.0.0.1",
                                "amt_port",
                                vamt.port(),
                                "amt_redirection_port",
                                vamt.redirectionPort().orElseThrow(),
                                "amt_username",
                                "admin",
                                "amt_password",
                                PASSWORD))
                        .build());
        long t0 = System.nanoTime();
        conductor.consoles().setEnabled(node.uuid(), true);
        ConsoleService.Info info = conductor.consoles().info(node.uuid()).orElseThrow();
        System.out.printf(
            "console enabled in %d ms (WS-Man: listener and SOL enabled): %s%n",
            (System.nanoTime() - t0) / 1_000_000, info.url());
        try (Socket s = new Socket(info.host(), info.port())) {
          s.setTcpNoDelay(true);
          s.setSoTimeout(10_000);
          long open = System.nanoTime();
          while (!vamt.solSessionOpen()) {
            Thread.sleep(1);
          }
          System.out.printf(
              "SOL session open %d ms after the client connected (5 round trips, Digest)%n",
              (System.nanoTime() - open) / 1_000_000);
          Thread.sleep(300); // the emulator's pause before the first output (amtterm's quirk)
          latency(s, keystrokes);
          throughput(s, vamt, burstKib);
        }
        conductor.consoles().close();
      } finally {
        console.close();
        gateway.close();
        database.close();
      }
    }
  }

  private static void latency(Socket s, int keystrokes) throws IOException {
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    long[] samples = new long[keystrokes];
    for (int i = 0; i < keystrokes; i++) {
      byte key = (byte) ('a' + i % 26);
      long t = System.nanoTime();
      out.write(key);
      out.flush();
      int echo = in.read();
      samples[i] = System.nanoTime() - t;
      if (echo != (key & 0xFF)) {
        throw new IllegalStateException("echo " + echo + " for key " + key);
      }
    }
    int warm = Math.min(100, keystrokes / 10);
    long[] w = Arrays.copyOfRange(samples, warm, samples.length);
    Arrays.sort(w);
    System.out.printf(
        "keystroke round trip (port -> bridge -> SOL -> virtual AMT echo -> back), %d keys after"
            + " %d warm-up: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n",
        w.length,
        warm,
        w[w.length / 2] / 1e6,
        w[w.length * 9 / 10] / 1e6,
        w[w.length * 99 / 100] / 1e6,
        w[w.length - 1] / 1e6);
  }

  private static void throughput(Socket s, VirtualAmtNode vamt, int kib) throws IOException {
    byte[] chunk = new byte[1024];
    Arrays.fill(chunk, (byte) 'x');
    InputStream in = s.getInputStream();
    long total = (long) kib * 1024;
    long t = System.nanoTime();
    for (int i = 0; i < kib; i++) {
      vamt.serialWrite(chunk);
    }
    byte[] buffer = new byte[65536];
    long got = 0;
    while (got < total) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("the console closed after " + got + " bytes");
      }
      got += n;
    }
    double seconds = (System.nanoTime() - t) / 1e9;
    System.out.printf(
        "burst of %d KiB serial output: %.3f s, %.1f MiB/s (%.0fx a 115200-baud UART)%n",
        kib, seconds, total / seconds / (1 << 20), (total / seconds) / 11_520.0);
  }
}
