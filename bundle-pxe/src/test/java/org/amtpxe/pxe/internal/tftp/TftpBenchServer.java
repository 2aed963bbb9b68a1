package org.amtpxe.pxe.internal.tftp;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the TFTP server alone, for the measurements in BENCHMARKS.md: {@code TftpBenchServer ROOT
 * ADDRESS PORT}. Stops on Ctrl-C.
 */
public final class TftpBenchServer {
  private TftpBenchServer() {}

  public static void main(String[] args) throws Exception {
    TftpServer server =
        TftpServer.start(
            Path.of(args[0]),
            new InetSocketAddress(args[1], Integer.parseInt(args[2])),
            new TftpServerOptions(
                65464,
                64,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                5,
                Duration.ofSeconds(300),
                64,
                64));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    Thread.currentThread().join();
  }
}
