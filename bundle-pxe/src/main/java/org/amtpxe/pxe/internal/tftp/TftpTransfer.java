package org.amtpxe.pxe.internal.tftp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one file to one client: option negotiation, then DATA blocks in windows, each window
 * retransmitted from the last acknowledged block when its ACK does not come in time, all within the
 * transfer's lifetime.
 */
final class TftpTransfer {
  private static final Logger LOG = LoggerFactory.getLogger(TftpTransfer.class);
  private static final int DEFAULT_BLOCK_SIZE = 512;
  private static final int MIN_BLOCK_SIZE = 8;
  private static final int MAX_BLOCK_SIZE = 65464;

  /** Holds an ACK, or an ERROR with a 512-byte message; anything longer arrives cut. */
  private static final int RECEIVE_BUFFER = 4 + 512 + 1;

  /** Strangers get at most one ERROR 5 per this interval, however many datagrams they send. */
  private static final long STRANGER_REPLY_INTERVAL_NS = 100_000_000L;

  private static final byte[] UNKNOWN_TID =
      TftpPackets.error(TftpPackets.ERR_UNKNOWN_TID, "Unknown transfer ID");

  private final Path file;
  private final boolean netascii;
  private final TftpServerOptions options;
  private final InetSocketAddress client;
  private final TftpPackets.Request request;
  private final InetAddress localAddress;
  private final Set<DatagramSocket> openSockets;
  private long end;
  private long nextStrangerReply;
  private long bytesSent;
  private volatile long fileSize = -1;

  TftpTransfer(
      Path file,
      boolean netascii,
      TftpServerOptions options,
      InetSocketAddress client,
      TftpPackets.Request request,
      InetAddress localAddress,
      Set<DatagramSocket> openSockets) {
    this.file = file;
    this.netascii = netascii;
    this.options = options;
    this.client = client;
    this.request = request;
    this.localAddress = localAddress;
    this.openSockets = openSockets;
  }

  /** The file bytes sent in DATA packets so far, retransmissions included. */
  long bytesSent() {
    return bytesSent;
  }

  /** The size of the file served (once it was opened), -1 before. */
  long fileSize() {
    return fileSize;
  }

  /** Runs the transfer; returns true when the client acknowledged the last block. */
  boolean run() {
    long start = System.nanoTime();
    end = start + options.lifetime().toNanos();
    nextStrangerReply = start;
    // NOTE: the socket is not connected to the client. A connected socket has the kernel drop
    // datagrams from any other address or port, while RFC 1350 (section 4) wants the stranger told
    // with an ERROR 5 and the transfer left alone. The price: ICMP port unreachable is no longer
    // reported, so a client that vanishes without an ERROR holds its slot for timeout x retries.
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(localAddress, 0))) {
      openSockets.add(socket);
      try {
        return serve(socket);
      } finally {
        openSockets.remove(socket);
      }
    } catch (IOException e) {
      LOG.debug("TFTP transfer of {} to {} failed: {}", request.filename(), client, e.toString());
      return false;
    }
  }

  private boolean serve(DatagramSocket socket) throws IOException {
    long size;
    InputStream raw;
    try {
      size = Files.size(file);
      fileSize = size;
      raw = new BufferedInputStream(Files.newInputStream(file), 65536);
    } catch (IOException e) {
      LOG.debug("TFTP cannot open {} for {}: {}", file, client, e.toString());
      send(socket, TftpPackets.error(TftpPackets.ERR_NOT_FOUND, "File not found"));
      return false;
    }
    int blockSize = DEFAULT_BLOCK_SIZE;
    int window = 1;
    int timeoutMs = (int) options.timeout().toMillis();
    Map<String, String> accepted = new LinkedHashMap<>();
    Map<String, String> asked = request.options();
    Integer askedBlksize = number(asked.get("blksize"));
    if (askedBlksize != null && askedBlksize >= MIN_BLOCK_SIZE) {
      blockSize = Math.min(Math.min(askedBlksize, MAX_BLOCK_SIZE), options.maxBlockSize());
      accepted.put("blksize", Integer.toString(blockSize));
    }
    Integer askedTimeout = number(asked.get("timeout"));
    if (askedTimeout != null && askedTimeout >= 1 && askedTimeout <= 255) {
      if (askedTimeout * 1000L <= options.maxTimeout().toMillis()) {
        timeoutMs = askedTimeout * 1000;
        accepted.put("timeout", Integer.toString(askedTimeout));
      } else {
        // NOTE: RFC 2349 section "Timeout Interval Option": the timeout in an OACK "must match the
        // value specified by the client", so a shorter one cannot be offered instead. RFC 2347
        // lets a server leave out of the OACK an option it does not accept, and each side then
        // keeps its own timeout: we leave it out and retransmit at our own timeout, which
        // PxeSettings keeps within the cap. An ERROR 8 would be allowed too, but would fail the
        // boot of a client that merely asks a long timeout.
        LOG.debug(
            "TFTP client {} asked timeout {} s for {}, above the {} s allowed: not granted",
            client,
            askedTimeout,
            request.filename(),
            options.maxTimeout().toSeconds());
      }
    }
    // NOTE: the size of a netascii transfer is not the file size; RFC 2349 leaves it
    // undefined, so tsize is only answered in octet mode.
    if (asked.containsKey("tsize") && !netascii) {
      accepted.put("tsize", Long.toString(size));
    }
    Integer askedWindow = number(asked.get("windowsize"));
    if (askedWindow != null && askedWindow >= 1 && askedWindow <= 65535) {
      window = Math.min(askedWindow, options.maxWindowSize());
      accepted.put("windowsize", Integer.toString(window));
    }
    LOG.debug(
        "TFTP sending {} ({} bytes, {}) to {}, blksize {}, window {}, timeout {} ms",
        file,
        size,
        request.mode(),
        client,
        blockSize,
        window,
        timeoutMs);
    try (raw) {
      InputStream in = netascii ? new NetasciiInputStream(raw) : raw;
      if (!accepted.isEmpty() && !negotiate(socket, accepted, timeoutMs)) {
        return false;
      }
      return sendData(socket, in, blockSize, window, timeoutMs);
    }
  }

  /** Sends the OACK until block 0 is acknowledged. */
  private boolean negotiate(DatagramSocket socket, Map<String, String> accepted, int timeoutMs)
      throws IOException {
    byte[] oack = TftpPackets.oack(accepted);
    byte[] buf = new byte[RECEIVE_BUFFER];
    for (int attempt = 0; attempt <= options.retries(); attempt++) {
      send(socket, oack);
      long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
      while (true) {
        Reply reply = receive(socket, buf, deadline);
        if (reply == Reply.TIMEOUT) {
          break;
        }
        if (reply == Reply.ERROR) {
          return false;
        }
        if (reply == Reply.EXPIRED) {
          return abandon(socket, 0);
        }
        if (reply == Reply.ACK && TftpPackets.block(buf) == 0) {
          return true;
        }
      }
    }
    LOG.debug("TFTP client {} never acknowledged the options for {}", client, request.filename());
    return false;
  }

  private boolean sendData(
      DatagramSocket socket, InputStream in, int blockSize, int window, int timeoutMs)
      throws IOException {
    // Blocks are numbered from 1 as longs; the wire carries the low 16 bits (rollover to 0).
    // The window's packets are reused buffers: a 14 MB file is ~10,000 blocks, and allocating each
    // one showed up as GC pauses on a busy machine.
    byte[][] unacked = new byte[window][blockSize + 4];
    int[] lengths = new int[window];
    DatagramPacket outgoing = new DatagramPacket(unacked[0], 0, client);
    long firstUnacked = 1;
    long nextToRead = 1;
    long lastBlock = -1;
    byte[] buf = new byte[RECEIVE_BUFFER];
    int attempts = 0;
    while (true) {
      while (lastBlock < 0 && nextToRead < firstUnacked + window) {
        int slot = (int) (nextToRead % window);
        int n = TftpPackets.fillData(unacked[slot], (int) (nextToRead & 0xffff), in, blockSize);
        lengths[slot] = 4 + n;
        if (n < blockSize) {
          lastBlock = nextToRead;
        }
        nextToRead++;
      }
      for (long b = firstUnacked; b < nextToRead; b++) {
        int slot = (int) (b % window);
        outgoing.setData(unacked[slot], 0, lengths[slot]);
        socket.send(outgoing);
        bytesSent += lengths[slot] - 4;
      }
      long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
      boolean progressed = false;
      while (!progressed) {
        Reply reply = receive(socket, buf, deadline);
        if (reply == Reply.TIMEOUT) {
          break;
        }
        if (reply == Reply.ERROR) {
          return false;
        }
        if (reply == Reply.EXPIRED) {
          return abandon(socket, firstUnacked);
        }
        if (reply != Reply.ACK) {
          continue;
        }
        long acked = unwrap(TftpPackets.block(buf), firstUnacked - 1);
        if (acked >= firstUnacked && acked < nextToRead) {
          if (acked == lastBlock) {
            return true;
          }
          firstUnacked = acked + 1;
          progressed = true;
        }
        // An older or duplicate ACK: ignore it (no resend, or the Sorcerer's Apprentice bug).
      }
      if (progressed) {
        attempts = 0;
      } else if (++attempts > options.retries()) {
        LOG.debug(
            "TFTP client {} stopped acknowledging {} at block {}",
            client,
            request.filename(),
            firstUnacked);
        return false;
      }
    }
  }

  /** Ends a transfer that outlived its lifetime, telling the client why; returns false. */
  private boolean abandon(DatagramSocket socket, long block) throws IOException {
    String limit = seconds(options.lifetime().toMillis());
    LOG.info(
        "TFTP transfer of {} to {} abandoned at block {}: it took longer than {}; raise"
            + " tftp_transfer_lifetime_seconds if a legitimate client needs longer",
        file,
        client,
        block,
        limit);
    send(
        socket,
        TftpPackets.error(
            TftpPackets.ERR_UNDEFINED,
            "Transfer abandoned: it took longer than "
                + limit
                + "; ask for a larger blksize or windowsize"));
    return false;
  }

  private static String seconds(long millis) {
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + " s";
  }

  /** Maps a 16-bit block number onto the nearest long block at or after {@code base}. */
  private static long unwrap(int wire, long base) {
    long candidate = (base & ~0xffffL) | wire;
    if (candidate < base) {
      candidate += 0x10000;
    }
    return candidate;
  }

  private enum Reply {
    ACK,
    ERROR,
    OTHER,
    TIMEOUT,
    EXPIRED
  }

  /**
   * Waits for the client's next packet until {@code deadline}, and never past the transfer's end.
   * Packets from any other address or port are answered (rate-limited) and do not end the wait.
   */
  private Reply receive(DatagramSocket socket, byte[] buf, long deadline) throws IOException {
    while (true) {
      long now = System.nanoTime();
      if (now - end >= 0) {
        return Reply.EXPIRED;
      }
      long until = deadline - end < 0 ? deadline : end;
      if (until - now <= 0) {
        return Reply.TIMEOUT;
      }
      socket.setSoTimeout((int) Math.max(1, (until - now + 999_999) / 1_000_000L));
      DatagramPacket packet = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        continue; // the next round tells a timeout from the end of the lifetime
      }
      int opcode = TftpPackets.opcode(buf, packet.getLength());
      if (!client.equals(packet.getSocketAddress())) {
        answerStranger(socket, packet, opcode);
        continue;
      }
      if (opcode == TftpPackets.ERROR) {
        LOG.debug(
            "TFTP client {} aborted {}: {}",
            client,
            request.filename(),
            TftpPackets.errorMessage(buf, packet.getLength()));
        return Reply.ERROR;
      }
      return opcode == TftpPackets.ACK && packet.getLength() >= 4 ? Reply.ACK : Reply.OTHER;
    }
  }

  /**
   * RFC 1350 section 4: a packet from a wrong transfer ID gets an ERROR 5, and the transfer goes
   * on. An ERROR is never answered (two servers would bounce errors forever), and at most one
   * answer leaves per {@link #STRANGER_REPLY_INTERVAL_NS}, so that a flood of spoofed datagrams
   * does not turn this socket into a reflector.
   */
  private void answerStranger(DatagramSocket socket, DatagramPacket packet, int opcode)
      throws IOException {
    LOG.debug(
        "TFTP transfer to {} got opcode {} from {}", client, opcode, packet.getSocketAddress());
    long now = System.nanoTime();
    if (opcode == TftpPackets.ERROR || now - nextStrangerReply < 0) {
      return;
    }
    nextStrangerReply = now + STRANGER_REPLY_INTERVAL_NS;
    socket.send(new DatagramPacket(UNKNOWN_TID, UNKNOWN_TID.length, packet.getSocketAddress()));
  }

  private void send(DatagramSocket socket, byte[] packet) throws IOException {
    socket.send(new DatagramPacket(packet, packet.length, client));
  }

  private static Integer number(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
