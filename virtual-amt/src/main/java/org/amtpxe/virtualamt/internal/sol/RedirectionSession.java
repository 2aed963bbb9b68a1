package org.amtpxe.virtualamt.internal.sol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.amtpxe.virtualamt.SolFault;
import org.amtpxe.virtualamt.internal.node.AmtNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a virtual AMT's redirection port, served as firmware does
 * (docs/amt-sol.md#emulator): start the session (refused when the listener or SOL is disabled, or
 * another SOL session is open), authenticate (user/password or Digest, wrong passwords counted
 * toward the account lockout), then SOL: the host's serial output as data messages, typed keys to
 * the machine, heartbeats at the interval the console asked for, and the session dropped when the
 * console stays silent longer than it said.
 */
final class RedirectionSession {
  private static final Logger LOG = LoggerFactory.getLogger(RedirectionSession.class);

  private static final int START_REDIRECTION_SESSION = 0x10;
  private static final int END_REDIRECTION_SESSION = 0x12;
  private static final int AUTHENTICATE_SESSION = 0x13;
  private static final int START_SOL_REDIRECTION = 0x20;
  private static final int END_SOL_REDIRECTION = 0x22;
  private static final int SOL_KEEP_ALIVE_PING = 0x24;
  private static final int SOL_KEEP_ALIVE_PONG = 0x25;
  private static final int SOL_DATA_TO_HOST = 0x28;
  private static final int SOL_DATA_FROM_HOST = 0x2A;
  private static final int SOL_HEARTBEAT = 0x2B;

  /** How long the handshake waits for the console's next message. */
  private static final int HANDSHAKE_TIMEOUT_MS = 30_000;

  /** The most authentication data accepted from a console. */
  private static final int MAX_AUTH_DATA = 1024;

  /** The most keys accepted in one data message. */
  private static final int MAX_DATA = 4096;

  /** Host output held for a slow console before it is dropped, as a UART overruns. */
  private static final int OUTPUT_QUEUE = 1024;

  /** The most host output one data message carries. */
  private static final int MAX_FRAME = 1024;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final AmtNode node;
  private final Socket socket;
  private final Object writeLock = new Object();
  private final BlockingQueue<byte[]> output = new ArrayBlockingQueue<>(OUTPUT_QUEUE);
  private final Consumer<byte[]> sink = this::hostOutput;
  private InputStream in;
  private OutputStream out;
  private boolean started;
  private boolean authenticated;
  private String nonce;
  private volatile boolean solRunning;
  private volatile boolean done;
  private SolFault fault;

  RedirectionSession(AmtNode node, Socket socket) {
    this.node = node;
    this.socket = socket;
  }

  void run() {
    try {
      in = socket.getInputStream();
      out = socket.getOutputStream();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
      if (!node.redirection().listenerEnabled()) {
        // NOTE: with ListenerEnabled false firmware serves no redirection; the emulator accepts
        // and closes at once, which clients see as a closed connection before any answer.
        LOG.debug("Node {}: redirection listener disabled, connection closed", name());
        return;
      }
      fault = node.takeSolFault();
      if (fault == SolFault.SILENT_HANDSHAKE) {
        while (in.read() >= 0) {
          // swallow everything, answer nothing
        }
        return;
      }
      serve();
    } catch (EOFException | SocketTimeoutException e) {
      LOG.debug("Node {}: redirection connection ended: {}", name(), e.toString());
    } catch (IOException e) {
      LOG.debug("Node {}: redirection connection failed: {}", name(), e.toString());
    } finally {
      done = true;
      if (solRunning) {
        node.detachSol(sink);
        LOG.info("Node {}: SOL session ended", name());
      }
      solRunning = false;
    }
  }

  private String name() {
    return node.spec().name();
  }

  private void serve() throws IOException {
    while (!done) {
      int type = in.read();
      if (type < 0) {
        return;
      }
      switch (type) {
        case START_REDIRECTION_SESSION -> startSession();
        case AUTHENTICATE_SESSION -> authenticate();
        case START_SOL_REDIRECTION -> startSol();
        case SOL_DATA_TO_HOST -> data();
        case SOL_HEARTBEAT, SOL_KEEP_ALIVE_PONG -> read(7);
        case SOL_KEEP_ALIVE_PING -> {
          byte[] rest = read(7);
          byte[] pong = new byte[8];
          pong[0] = SOL_KEEP_ALIVE_PONG;
          System.arraycopy(rest, 0, pong, 1, 7);
          send(pong);
        }
        case END_SOL_REDIRECTION -> {
          byte[] rest = read(7);
          byte[] reply = new byte[8];
          reply[0] = 0x23;
          System.arraycopy(rest, 3, reply, 4, 4);
          stopSol();
          send(reply);
        }
        case END_REDIRECTION_SESSION -> {
          read(3);
          return;
        }
        default -> {
          LOG.debug("Node {}: unknown redirection message 0x{}", name(), Integer.toHexString(type));
          return;
        }
      }
    }
  }

  private void startSession() throws IOException {
    byte[] rest = read(7);
    String type = new String(rest, 3, 4, StandardCharsets.US_ASCII);
    int status;
    if (!"SOL ".equals(type)) {
      status = "IDER".equals(type) ? 3 : 1;
    } else if (!node.redirection().solEnabled()) {
      status = 3;
    } else if (node.solSessionOpen()) {
      status = 2;
    } else {
      status = 0;
    }
    byte[] reply = new byte[13];
    reply[0] = 0x11;
    reply[1] = (byte) status;
    reply[4] = 1; // protocol version 1.0
    reply[6] = 11; // firmware 11.8
    reply[7] = 8;
    ByteBuffer.wrap(reply, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(343); // Intel's IANA number
    send(reply);
    if (status != 0) {
      LOG.debug("Node {}: redirection session '{}' refused with status {}", name(), type, status);
      done = true;
      return;
    }
    started = true;
  }

  private void authenticate() throws IOException {
    byte[] head = read(8);
    int authType = head[3] & 0xFF;
    long length = ByteBuffer.wrap(head, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
    if (!started || length > MAX_AUTH_DATA) {
      done = true;
      return;
    }
    byte[] data = read((int) length);
    if (fault == SolFault.OVERSIZED_AUTH_REPLY) {
      byte[] reply = new byte[9];
      reply[0] = 0x14;
      reply[4] = (byte) authType;
      ByteBuffer.wrap(reply, 5, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE);
      send(reply);
      return;
    }
    switch (authType) {
      case 0 -> authReply(0, 0, new byte[] {1, 4});
      case 1 -> {
        Fields f = new Fields(data);
        String user = f.next();
        String password = f.next();
        login(authType, user != null && password != null && credentialsMatch(user, password));
      }
      case 4 -> digest(data);
      default -> authReply(2, authType, new byte[0]);
    }
  }

  private void digest(byte[] data) throws IOException {
    Fields f = new Fields(data);
    String user = f.next();
    String realm = f.next();
    String sentNonce = f.next();
    String uri = f.next();
    String cnonce = f.next();
    String nc = f.next();
    String response = f.next();
    String qop = f.next();
    if (qop == null) {
      authReply(1, 4, new byte[0]);
      return;
    }
    if (realm.isEmpty()) {
      nonce = HexFormat.of().formatHex(randomBytes(16));
      authReply(1, 4, fields(node.spec().realm(), nonce, "auth"));
      return;
    }
    boolean ok = false;
    if (nonce != null && nonce.equals(sentNonce) && node.spec().realm().equals(realm)) {
      String ha1 = md5(user + ":" + realm + ":" + node.spec().password());
      String ha2 = md5("POST:" + uri);
      String expected = md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
      ok =
          node.spec().username().equals(user)
              && MessageDigest.isEqual(
                  expected.getBytes(StandardCharsets.US_ASCII),
                  response.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
    nonce = null;
    login(4, ok);
  }

  private boolean credentialsMatch(String user, String password) {
    return node.spec().username().equals(user)
        && MessageDigest.isEqual(
            node.spec().password().getBytes(StandardCharsets.UTF_8),
            password.getBytes(StandardCharsets.UTF_8));
  }

  private void login(int authType, boolean ok) throws IOException {
    long now = System.nanoTime();
    if (node.lockedOut(now)) {
      ok = false;
    } else if (ok) {
      node.loginSucceeded();
    } else {
      node.loginFailed(now);
    }
    authenticated = ok;
    LOG.debug("Node {}: redirection login {}", name(), ok ? "accepted" : "refused");
    authReply(ok ? 0 : 1, authType, new byte[0]);
  }

  private void authReply(int status, int authType, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(9 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x14).put((byte) status).putShort((short) 0).put((byte) authType);
    b.putInt(data.length).put(data);
    send(b.array());
  }

  private void startSol() throws IOException {
    byte[] rest = read(23);
    if (!authenticated) {
      done = true;
      return;
    }
    ByteBuffer settings = ByteBuffer.wrap(rest).order(ByteOrder.LITTLE_ENDIAN);
    int rxTimeout = settings.getShort(13) & 0xFFFF;
    int heartbeat = settings.getShort(17) & 0xFFFF;
    if (!node.attachSol(sink)) {
      byte[] busy = new byte[23];
      busy[0] = 0x21;
      busy[1] = 2;
      send(busy);
      done = true;
      return;
    }
    solRunning = true;
    byte[] reply = new byte[23];
    reply[0] = 0x21;
    ByteBuffer r = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN);
    r.putShort(8, (short) MAX_FRAME); // the AMT's transmit buffer
    r.putShort(10, (short) MAX_DATA); // its receive buffer
    send(reply);
    LOG.info("Node {}: SOL session started", name());
    // NOTE: the console's silence limit; 0 means none, bounded here so a vanished console cannot
    // hold the only SOL slot for ever.
    socket.setSoTimeout(rxTimeout == 0 ? 600_000 : rxTimeout);
    if (fault == SolFault.SILENCE) {
      node.detachSol(sink);
      solRunning = false;
      while (in.read() >= 0) {
        // ignore the console until it gives up
      }
      done = true;
      return;
    }
    startWriter(heartbeat);
    if (fault == SolFault.OVERSIZED_LENGTH) {
      byte[] header = new byte[10];
      header[0] = SOL_DATA_FROM_HOST;
      header[8] = (byte) 0xFF;
      header[9] = (byte) 0xFF;
      send(header);
    } else if (fault == SolFault.TRUNCATED_FRAME) {
      byte[] half = new byte[10 + 5];
      half[0] = SOL_DATA_FROM_HOST;
      half[8] = 10;
      send(half);
      done = true;
      socket.close();
    }
  }

  private void stopSol() {
    if (solRunning) {
      node.detachSol(sink);
      solRunning = false;
    }
  }

  private void data() throws IOException {
    byte[] head = read(9);
    int length = (head[7] & 0xFF) | (head[8] & 0xFF) << 8;
    if (!solRunning || length > MAX_DATA) {
      done = true;
      return;
    }
    node.solInput(read(length));
  }

  /** Called by the machine's thread: queued, never blocking it. */
  private void hostOutput(byte[] data) {
    for (int at = 0; at < data.length; at += MAX_FRAME) {
      int n = Math.min(MAX_FRAME, data.length - at);
      byte[] chunk = new byte[n];
      System.arraycopy(data, at, chunk, 0, n);
      if (!output.offer(chunk)) {
        LOG.debug("Node {}: SOL console too slow, {} bytes of serial output lost", name(), n);
      }
    }
  }

  /** The thread that sends queued host output and, when the console asked for them, heartbeats. */
  private void startWriter(int heartbeatMillis) {
    Thread t =
        new Thread(
            () -> {
              int sequence = 0;
              long nextBeat =
                  heartbeatMillis == 0
                      ? Long.MAX_VALUE
                      : System.nanoTime() + millis(heartbeatMillis);
              try {
                // NOTE: amtterm 1.4 treats whatever arrives with the StartSOLRedirection reply as
                // part of it; a short pause keeps the first output in a read of its own.
                Thread.sleep(100);
                while (!done) {
                  long wait = Math.max(1, (nextBeat - System.nanoTime()) / 1_000_000);
                  byte[] chunk = output.poll(Math.min(wait, 200), TimeUnit.MILLISECONDS);
                  if (chunk != null) {
                    ByteBuffer b =
                        ByteBuffer.allocate(10 + chunk.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.put((byte) SOL_DATA_FROM_HOST).put((byte) 0).putShort((short) 0);
                    b.putInt(sequence++).putShort((short) chunk.length).put(chunk);
                    send(b.array());
                  }
                  if (System.nanoTime() - nextBeat >= 0) {
                    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                    b.put((byte) SOL_HEARTBEAT)
                        .put((byte) 0)
                        .putShort((short) 0)
                        .putInt(sequence++);
                    send(b.array());
                    nextBeat = System.nanoTime() + millis(heartbeatMillis);
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (IOException e) {
                LOG.debug("Node {}: SOL output stopped: {}", name(), e.toString());
                RedirectionServer.closeQuietly(socket);
              }
            },
            "virtual-amt-sol-out-" + name());
    t.setDaemon(true);
    t.start();
  }

  private static long millis(int ms) {
    return TimeUnit.MILLISECONDS.toNanos(ms);
  }

  private void send(byte[] message) throws IOException {
    synchronized (writeLock) {
      out.write(message);
      out.flush();
    }
  }

  private byte[] read(int n) throws IOException {
    byte[] b = new byte[n];
    int done = 0;
    while (done < n) {
      int r = in.read(b, done, n - done);
      if (r < 0) {
        throw new EOFException("connection closed in the middle of a message");
      }
      done += r;
    }
    return b;
  }

  private static byte[] fields(String... values) {
    int size = 0;
    for (String v : values) {
      size += 1 + v.length();
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    for (String v : values) {
      b.put((byte) v.length()).put(v.getBytes(StandardCharsets.ISO_8859_1));
    }
    return b.array();
  }

  private static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Length-prefixed fields; {@code null} once the data runs out or a length overruns it. */
  private static final class Fields {
    private final byte[] data;
    private int at;

    Fields(byte[] data) {
      this.data = data;
    }

    String next() {
      if (at >= data.length) {
        return null;
      }
      int length = data[at++] & 0xFF;
      if (length > data.length - at) {
        at = data.length;
        return null;
      }
      String v = new String(data, at, length, StandardCharsets.UTF_8);
      at += length;
      return v;
    }
  }
}
