package org.amtpxe.itests.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Whether the stack's listeners answer on a port of 127.0.0.1. */
public final class Listeners {
  private Listeners() {}

  /** Whether a TFTP server answers a read request (an error packet counts). */
  public static boolean tftpAnswers(int port) {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(1000);
      byte[] rrq = "\0\1no-such-file\0octet\0".getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(rrq, rrq.length, new InetSocketAddress("127.0.0.1", port)));
      DatagramPacket reply = new DatagramPacket(new byte[516], 516);
      socket.receive(reply);
      return reply.getLength() >= 4;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the HTTP boot server answers (404 for a file it does not have). */
  public static boolean httpAnswers(int port) {
    try {
      return Http.of("http://127.0.0.1:" + port).get("/no-such-file").status() == 404;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
