package org.amtpxe.pxe.internal.tftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A byte-level TFTP client for tests: sends exactly the packets a test describes. */
final class RawTftpClient implements AutoCloseable {
  final DatagramSocket socket;
  final InetSocketAddress server;
  SocketAddress transferPeer;

  RawTftpClient(InetSocketAddress server) throws IOException {
    this(server, "127.0.0.1");
  }

  /** A client sending from {@code localAddress} (any 127.x.y.z works on Linux loopback). */
  RawTftpClient(InetSocketAddress server, String localAddress) throws IOException {
    this.server = server;
    this.socket = new DatagramSocket(new InetSocketAddress(localAddress, 0));
    socket.setSoTimeout(3000);
  }

  void request(int opcode, String file, String mode, String... options) throws IOException {
    send(requestPacket(opcode, file, mode, options), server);
  }

  static byte[] requestPacket(int opcode, String file, String mode, String... options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(opcode);
    for (String s : concat(file, mode, options)) {
      out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
      out.write(0);
    }
    return out.toByteArray();
  }

  /** Sends any bytes, well-formed or not, to {@code to}. */
  void send(byte[] p, SocketAddress to) throws IOException {
    socket.send(new DatagramPacket(p, p.length, to));
  }

  private static List<String> concat(String file, String mode, String... options) {
    List<String> all = new ArrayList<>(List.of(file, mode));
    all.addAll(List.of(options));
    return all;
  }

  /** Receives one packet; remembers the server's transfer ID. */
  byte[] receive() throws IOException {
    byte[] buf = new byte[70000];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    socket.receive(p);
    transferPeer = p.getSocketAddress();
    byte[] data = new byte[p.getLength()];
    System.arraycopy(buf, 0, data, 0, p.getLength());
    return data;
  }

  void ack(int block) throws IOException {
    byte[] p = TftpPackets.ack(block & 0xffff);
    socket.send(new DatagramPacket(p, p.length, transferPeer));
  }

  static int opcode(byte[] p) {
    return TftpPackets.opcode(p, p.length);
  }

  static int block(byte[] p) {
    return TftpPackets.block(p);
  }

  static Map<String, String> oackOptions(byte[] p) {
    Map<String, String> options = new LinkedHashMap<>();
    List<String> fields = new ArrayList<>();
    int start = 2;
    for (int i = 2; i < p.length; i++) {
      if (p[i] == 0) {
        fields.add(new String(p, start, i - start, StandardCharsets.US_ASCII));
        start = i + 1;
      }
    }
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      options.put(fields.get(i), fields.get(i + 1));
    }
    return options;
  }

  static String errorMessage(byte[] p) {
    return TftpPackets.errorMessage(p, p.length);
  }

  static int errorCode(byte[] p) {
    return TftpPackets.block(p);
  }

  /** Reads a whole file with one ACK per block (window 1), after an optional OACK. */
  byte[] readAll(int blockSize) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int expected = 1;
    while (true) {
      byte[] p = receive();
      int op = opcode(p);
      if (op == TftpPackets.OACK) {
        ack(0);
        continue;
      }
      if (op != TftpPackets.DATA) {
        throw new IOException("unexpected opcode " + op + ": " + errorMessage(p));
      }
      if (block(p) == (expected & 0xffff)) {
        out.write(p, 4, p.length - 4);
        ack(expected);
        expected++;
        if (p.length - 4 < blockSize) {
          return out.toByteArray();
        }
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
