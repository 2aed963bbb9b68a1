package org.amtpxe.pxe.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.amtpxe.pxe.internal.http.HttpBootServer;
import org.amtpxe.pxe.internal.tftp.TftpServer;
import org.amtpxe.pxe.internal.tftp.TftpServerOptions;

/**
 * Runs our TFTP and HTTP servers in a separate JVM, for tests that need them inside a network
 * namespace: {@code LabServers ROOT ADDRESS TFTP_PORT HTTP_PORT}. Prints READY, stops when stdin
 * closes.
 */
public final class LabServers {
  private LabServers() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String address = args[1];
    try (TftpServer tftp =
            TftpServer.start(
                root,
                new InetSocketAddress(address, Integer.parseInt(args[2])),
                new TftpServerOptions(
                    1468,
                    16,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5),
                    5,
                    Duration.ofSeconds(300),
                    16,
                    16));
        HttpBootServer http =
            HttpBootServer.start(root, new InetSocketAddress(address, Integer.parseInt(args[3])))) {
      System.out.println("READY");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the parent to close our stdin
      }
      System.out.println("TFTP transfers completed: " + tftp.completedTransfers());
    }
  }
}
