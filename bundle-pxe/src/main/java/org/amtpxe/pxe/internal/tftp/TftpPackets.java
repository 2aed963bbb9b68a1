package org.amtpxe.pxe.internal.tftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Encodes and decodes TFTP packets (RFC 1350, with the option extension of RFC 2347). */
final class TftpPackets {
  static final int RRQ = 1;
  static final int WRQ = 2;
  static final int DATA = 3;
  static final int ACK = 4;
  static final int ERROR = 5;
  static final int OACK = 6;

  static final int ERR_UNDEFINED = 0;
  static final int ERR_NOT_FOUND = 1;
  static final int ERR_ACCESS = 2;
  static final int ERR_ILLEGAL = 4;
  static final int ERR_UNKNOWN_TID = 5;
  static final int ERR_OPTIONS = 8;

  private TftpPackets() {}

  /** A read or write request: file name, mode and options (names in lower case). */
  record Request(int opcode, String filename, String mode, Map<String, String> options) {}

  static int opcode(byte[] data, int length) {
    return length < 2 ? -1 : ((data[0] & 0xff) << 8) | (data[1] & 0xff);
  }

  /**
   * Parses a RRQ or WRQ.
   *
   * @throws IllegalArgumentException when the packet is malformed
   */
  static Request parseRequest(byte[] data, int length) {
    int opcode = opcode(data, length);
    if (opcode != RRQ && opcode != WRQ) {
      throw new IllegalArgumentException("not a request, opcode " + opcode);
    }
    List<String> fields = new ArrayList<>();
    int start = 2;
    for (int i = 2; i < length; i++) {
      if (data[i] == 0) {
        // NOTE: RFC 1350 names are netascii; firmware sends plain ASCII. Decode bytes 1:1 so
        // that no byte sequence becomes a path separator by decoding.
        fields.add(new String(data, start, i - start, StandardCharsets.ISO_8859_1));
        start = i + 1;
      }
    }
    if (start != length || fields.size() < 2 || fields.size() % 2 != 0) {
      throw new IllegalArgumentException("malformed request");
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 2; i < fields.size(); i += 2) {
      options.putIfAbsent(fields.get(i).toLowerCase(Locale.ROOT), fields.get(i + 1));
    }
    return new Request(opcode, fields.get(0), fields.get(1).toLowerCase(Locale.ROOT), options);
  }

  /**
   * Writes a DATA packet into {@code packet}: the 4-byte header, then up to {@code blockSize} bytes
   * read from {@code in}.
   *
   * @return the number of data bytes, less than {@code blockSize} only at the end of the file
   */
  static int fillData(byte[] packet, int block, InputStream in, int blockSize) throws IOException {
    packet[0] = 0;
    packet[1] = DATA;
    packet[2] = (byte) (block >> 8);
    packet[3] = (byte) block;
    return in.readNBytes(packet, 4, blockSize);
  }

  static byte[] ack(int block) {
    return new byte[] {0, ACK, (byte) (block >> 8), (byte) block};
  }

  static int block(byte[] data) {
    return ((data[2] & 0xff) << 8) | (data[3] & 0xff);
  }

  static byte[] error(int code, String message) {
    byte[] text = message.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(5 + text.length);
    b.putShort((short) ERROR).putShort((short) code).put(text).put((byte) 0);
    return b.array();
  }

  static byte[] oack(Map<String, String> options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(OACK);
    options.forEach(
        (k, v) -> {
          out.writeBytes(k.getBytes(StandardCharsets.US_ASCII));
          out.write(0);
          out.writeBytes(v.getBytes(StandardCharsets.US_ASCII));
          out.write(0);
        });
    return out.toByteArray();
  }

  static String errorMessage(byte[] data, int length) {
    int end = 4;
    while (end < length && data[end] != 0) {
      end++;
    }
    return length < 4 ? "" : new String(data, 4, end - 4, StandardCharsets.US_ASCII);
  }
}
