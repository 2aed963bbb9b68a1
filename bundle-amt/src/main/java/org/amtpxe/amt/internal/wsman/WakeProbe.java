package org.amtpxe.amt.internal.wsman;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Wakes a sleeping management engine by sending it a packet. A Java service cannot usually send
 * ICMP (Ironic pinged); a TCP connection to the AMT port wakes it just as well
 * (docs/amt-wsman.md#sleep).
 */
@FunctionalInterface
public interface WakeProbe {

  /** Opens and closes a TCP connection to the AMT port. */
  WakeProbe TCP =
      (address, port, timeout) -> {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
        }
      };

  /**
   * Sends one wake-up.
   *
   * @throws IOException when the AMT did not answer
   */
  void probe(String address, int port, Duration timeout) throws IOException;
}
