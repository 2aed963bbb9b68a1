package org.amtpxe.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports that are free now on loopback, for the listeners the tests configure. */
public final class FreePorts {
  private FreePorts() {}

  /** A TCP port free on 127.0.0.1. */
  public static int tcp() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port free for both UDP and TCP on 127.0.0.1. */
  public static int udp() {
    for (int i = 0; i < 20; i++) {
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        int port = s.getLocalPort();
        if (tcpFree(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free UDP port on 127.0.0.1");
  }

  /** Whether a TCP server could bind the port on 127.0.0.1 now. */
  public static boolean tcpFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether a UDP socket could bind the port on 127.0.0.1 now. */
  public static boolean udpFree(int port) {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
