package org.amtpxe.pxe.internal.tftp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.amtpxe.pxe.internal.PxeMeters;
import org.amtpxe.pxe.internal.ServedFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only TFTP server (RFC 1350 with options: RFC 2347 OACK, 2348 blksize, 2349 timeout and
 * tsize, 7440 windowsize). One thread receives requests on the well-known port and answers every
 * request it refuses itself; each admitted transfer runs as one task on a bounded pool, from its
 * own socket (its transfer ID), within a slot of its own and of its client address.
 */
public final class TftpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TftpServer.class);

  /** RFC 2347: "The maximum size of a request packet is 512 octets." */
  static final int MAX_REQUEST = 512;

  private final TftpRoot root;
  private final TftpServerOptions options;
  private final DatagramSocket socket;
  private final DatagramSocket replySocket;
  private final ExecutorService listener;
  private final ThreadPoolExecutor transfers;
  private final AtomicLong served = new AtomicLong();
  private final PxeMeters meters;
  private final ServedFiles servedFiles;
  private volatile boolean listening;
  private final Set<DatagramSocket> openSockets = ConcurrentHashMap.newKeySet();
  private final Object slots = new Object();
  private final Map<InetAddress, Integer> perClient = new HashMap<>(); // guarded by slots
  private int active; // guarded by slots
  private volatile boolean running = true;

  /** Why a request was not admitted. */
  private enum Admission {
    ADMITTED,
    SERVER_BUSY,
    CLIENT_BUSY
  }

  private TftpServer(
      Path root,
      InetSocketAddress bind,
      TftpServerOptions options,
      PxeMeters meters,
      ServedFiles servedFiles)
      throws SocketException {
    this.meters = meters;
    this.servedFiles = servedFiles;
    this.root = new TftpRoot(root);
    this.options = options;
    // NOTE: no SO_REUSEADDR: on Linux it lets a second UDP socket bind the same port, which would
    // hide a server still running on it.
    this.socket = new DatagramSocket(bind);
    try {
      // Refusals leave from one socket of their own: a new transfer ID, as RFC 1350 answers a
      // request, without a socket per refusal.
      this.replySocket = new DatagramSocket(new InetSocketAddress(socket.getLocalAddress(), 0));
    } catch (SocketException e) {
      socket.close();
      throw e;
    }
    AtomicInteger ids = new AtomicInteger();
    // NOTE: admission is counted in admit()/release(), not by the pool: a pool that rejects when
    // all its threads are busy also rejects while a finished transfer's thread is on its way back.
    // The queue therefore never holds more than the tasks of threads about to be free.
    this.transfers =
        new ThreadPoolExecutor(
            options.maxTransfers(),
            options.maxTransfers(),
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> daemon(r, "amtpxe-tftp-transfer-" + ids.incrementAndGet()));
    transfers.allowCoreThreadTimeOut(true);
    this.listener = Executors.newSingleThreadExecutor(r -> daemon(r, "amtpxe-tftp-listener"));
  }

  /**
   * Binds the socket and starts serving.
   *
   * @param root the directory to serve
   * @param bind the address and port to listen on
   * @param options block sizes, timeouts and limits
   * @return the running server
   * @throws SocketException when the port cannot be bound (in use, or privileged)
   */
  public static TftpServer start(Path root, InetSocketAddress bind, TftpServerOptions options)
      throws SocketException {
    return start(root, bind, options, PxeMeters.NONE);
  }

  /**
   * Binds the socket and starts serving, counting transfers in {@code meters}.
   *
   * @throws SocketException when the port cannot be bound (in use, or privileged)
   */
  public static TftpServer start(
      Path root, InetSocketAddress bind, TftpServerOptions options, PxeMeters meters)
      throws SocketException {
    return start(root, bind, options, meters, ServedFiles.NONE);
  }

  /**
   * Binds the socket and starts serving, counting transfers in {@code meters} and noting the boot
   * files sent whole to a node being deployed in {@code servedFiles}.
   *
   * @throws SocketException when the port cannot be bound (in use, or privileged)
   */
  public static TftpServer start(
      Path root,
      InetSocketAddress bind,
      TftpServerOptions options,
      PxeMeters meters,
      ServedFiles servedFiles)
      throws SocketException {
    TftpServer server = new TftpServer(root, bind, options, meters, servedFiles);
    server.listener.execute(server::listen);
    LOG.info("TFTP server serving {} on {}", server.root.root(), server.localAddress());
    return server;
  }

  /** The address and port actually bound (the port is chosen by the system when 0 was asked). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Whether the server still receives requests: its socket is open and its listener runs. */
  public boolean isListening() {
    return running && listening && !socket.isClosed();
  }

  /** Transfers completed since the start. */
  public long completedTransfers() {
    return served.get();
  }

  private void listen() {
    // One byte more than a request may have: a longer datagram arrives cut, at this length.
    byte[] buf = new byte[MAX_REQUEST + 1];
    listening = true;
    try {
      receive(buf);
    } finally {
      listening = false;
    }
  }

  private void receive(byte[] buf) {
    while (running) {
      DatagramPacket packet = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        if (running) {
          LOG.warn("TFTP server on {} stopped receiving: {}", localAddress(), e.toString());
        }
        return;
      }
      handle(packet);
    }
  }

  /**
   * Answers one datagram on the well-known port. Everything here is bounded by the 512 bytes of a
   * request: nothing but an admitted transfer takes a thread, a socket or a slot.
   */
  private void handle(DatagramPacket packet) {
    InetSocketAddress client = (InetSocketAddress) packet.getSocketAddress();
    int opcode = TftpPackets.opcode(packet.getData(), packet.getLength());
    if (opcode != TftpPackets.RRQ && opcode != TftpPackets.WRQ) {
      // DATA, ACK, ERROR or OACK belong on a transfer's port, anything else is junk: answering
      // them would let any spoofed datagram make us send one.
      LOG.debug("Ignoring a packet with opcode {} from {}", opcode, client);
      return;
    }
    if (packet.getLength() > MAX_REQUEST) {
      LOG.debug("Refused a request of more than {} bytes from {}", MAX_REQUEST, client);
      replyError(
          client,
          TftpPackets.ERR_ILLEGAL,
          "Illegal TFTP operation: request longer than " + MAX_REQUEST + " bytes (RFC 2347)");
      return;
    }
    TftpPackets.Request request;
    try {
      request = TftpPackets.parseRequest(packet.getData(), packet.getLength());
    } catch (IllegalArgumentException e) {
      LOG.debug("Refused a malformed request from {}: {}", client, e.getMessage());
      replyError(client, TftpPackets.ERR_ILLEGAL, "Illegal TFTP operation: malformed request");
      return;
    }
    if (request.opcode() == TftpPackets.WRQ) {
      LOG.debug("Refused a write of {} from {}", request.filename(), client);
      replyError(client, TftpPackets.ERR_ACCESS, "Access violation: this server is read-only");
      return;
    }
    boolean netascii;
    switch (request.mode()) {
      case "octet" -> netascii = false;
      case "netascii" -> netascii = true;
      default -> {
        replyError(
            client,
            TftpPackets.ERR_ILLEGAL,
            "Illegal TFTP operation: mode " + request.mode() + " not supported, use octet");
        return;
      }
    }
    Path file;
    try {
      file = root.resolve(request.filename());
    } catch (TftpRoot.Refused e) {
      LOG.debug("TFTP refused {} to {}: {}", request.filename(), client, e.getMessage());
      replyError(client, e.code, e.getMessage());
      return;
    }
    InetAddress address = client.getAddress();
    switch (admit(address)) {
      case CLIENT_BUSY -> {
        LOG.debug(
            "Refused {} from {}: {} transfers to that address running",
            request.filename(),
            client,
            options.maxTransfersPerClient());
        replyError(
            client,
            TftpPackets.ERR_UNDEFINED,
            "Too many transfers from your address, try again later");
        return;
      }
      case SERVER_BUSY -> {
        LOG.debug(
            "Refused {} from {}: {} transfers running",
            request.filename(),
            client,
            options.maxTransfers());
        replyError(client, TftpPackets.ERR_UNDEFINED, "Server busy, try again later");
        return;
      }
      case ADMITTED -> {
        // served below
      }
    }
    TftpTransfer transfer =
        new TftpTransfer(file, netascii, options, client, request, socketAddress(), openSockets);
    try {
      transfers.execute(
          () -> {
            long start = System.nanoTime();
            boolean ok = false;
            try {
              ok = transfer.run();
              if (ok) {
                served.incrementAndGet();
              }
            } finally {
              release(address);
              meters.transfer(
                  "tftp", ok ? PxeMeters.OK : PxeMeters.FAILED, transfer.bytesSent(), start);
              if (ok) {
                servedFiles.served(
                    "tftp", request.filename(), address.getHostAddress(), transfer.fileSize());
              }
            }
          });
    } catch (RejectedExecutionException e) {
      release(address); // closing
    }
  }

  /** Takes a transfer slot for one more transfer to {@code address}, if both limits allow it. */
  private Admission admit(InetAddress address) {
    synchronized (slots) {
      int mine = perClient.getOrDefault(address, 0);
      if (mine >= options.maxTransfersPerClient()) {
        return Admission.CLIENT_BUSY;
      }
      if (active >= options.maxTransfers()) {
        return Admission.SERVER_BUSY;
      }
      perClient.put(address, mine + 1);
      active++;
      return Admission.ADMITTED;
    }
  }

  private void release(InetAddress address) {
    synchronized (slots) {
      active--;
      // Addresses without a transfer leave the map: it never holds more than maxTransfers keys.
      perClient.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
    }
  }

  /** Refuses a request, from a transfer ID other than the well-known port's (RFC 1350). */
  private void replyError(InetSocketAddress client, int code, String message) {
    meters.transfer("tftp", PxeMeters.REFUSED, 0, System.nanoTime());
    try {
      byte[] p = TftpPackets.error(code, message);
      replySocket.send(new DatagramPacket(p, p.length, client));
    } catch (IOException e) {
      LOG.debug("Could not send a TFTP error to {}: {}", client, e.toString());
    }
  }

  private InetAddress socketAddress() {
    return socket.getLocalAddress();
  }

  @Override
  public void close() {
    running = false;
    socket.close();
    replySocket.close();
    listener.shutdownNow();
    transfers.shutdownNow();
    // NOTE: a thread blocked in DatagramSocket.receive is not woken by an interrupt; closing its
    // socket is what ends a running transfer promptly.
    openSockets.forEach(DatagramSocket::close);
    try {
      // NOTE: while a thread is blocked in receive, DatagramSocket.close only signals it; the JDK
      // releases the port when that thread leaves receive. A caller that binds the same port right
      // after close (a configuration change) needs the listener gone first.
      if (!listener.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("TFTP listener on {} did not stop within 5 s", root.root());
      }
      if (!transfers.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("TFTP transfers on {} did not stop within 5 s", socket.getLocalSocketAddress());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("TFTP server on {} stopped", root.root());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
