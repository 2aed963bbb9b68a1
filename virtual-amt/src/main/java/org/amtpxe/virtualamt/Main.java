package org.amtpxe.virtualamt;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.amtpxe.virtualamt.internal.config.CommandLine;
import org.amtpxe.virtualamt.internal.config.LaunchConfig;

/** The standalone emulator: {@code java -jar virtual-amt-<version>-standalone.jar --help}. */
public final class Main {
  private static final int SHOWN_NODES = 10;

  private Main() {}

  /**
   * Starts the emulator and serves until the process is stopped.
   *
   * @param args see {@code --help}
   */
  public static void main(String[] args) throws InterruptedException {
    quietJetty();
    LaunchConfig config;
    try {
      config = CommandLine.parse(args, System.getenv());
    } catch (CommandLine.HelpRequested help) {
      System.out.print(CommandLine.USAGE);
      return;
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("virtual-amt: " + e.getMessage());
      System.exit(2);
      return;
    }
    VirtualAmt amt;
    try {
      amt = config.toBuilder().start();
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("virtual-amt: " + e.getMessage());
      System.exit(1);
      return;
    }
    printSummary(amt, System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  amt.close();
                  stopped.countDown();
                },
                "virtual-amt-shutdown"));
    stopped.await();
  }

  /** Jetty logs a line per connector at INFO: a thousand nodes would flood the console. */
  private static void quietJetty() {
    String key = "org.slf4j.simpleLogger.log.org.eclipse.jetty";
    if (System.getProperty(key) == null) {
      System.setProperty(key, "warn");
    }
  }

  /** Prints where the nodes listen, the control API and the TLS fingerprint. */
  static void printSummary(VirtualAmt amt, PrintStream out) {
    List<VirtualAmtNode> nodes = amt.nodes();
    NodeSpec first = nodes.get(0).spec();
    out.printf(
        "virtual-amt: %d virtual AMT%s, user %s, qop %s, firmware %s%n",
        nodes.size(),
        nodes.size() == 1 ? "" : "s",
        first.username(),
        first.qop().headerValue(),
        first.firmwareVersion());
    for (int i = 0; i < Math.min(SHOWN_NODES, nodes.size()); i++) {
      VirtualAmtNode n = nodes.get(i);
      Object machine = n.machine().describe().get("type");
      out.printf(
          "  %-12s %s%s%s%n",
          n.name(),
          n.wsmanUri(),
          n.wsmanTlsUri().map(u -> "  " + u).orElse(""),
          machine == null || "memory".equals(machine) ? "" : "  (" + machine + " machine)");
    }
    if (nodes.size() > SHOWN_NODES) {
      VirtualAmtNode last = nodes.get(nodes.size() - 1);
      out.printf(
          "  ... %d more, the last: %s %s%n",
          nodes.size() - SHOWN_NODES, last.name(), last.wsmanUri());
    }
    amt.controlUri().ifPresent(u -> out.println("control API: " + u));
    amt.tlsFingerprint().ifPresent(f -> out.println("TLS certificate SHA-256 fingerprint: " + f));
    out.println("Ready. Stop with Ctrl+C or SIGTERM.");
    out.flush();
  }
}
