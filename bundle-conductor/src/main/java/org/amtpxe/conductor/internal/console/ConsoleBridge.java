package org.amtpxe.conductor.internal.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.api.driver.ConsoleSession;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.conductor.internal.console.ConsoleService.Viewer;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One enabled console: its TCP port (one client at a time) and its viewers (the TCP client and the
 * web page's terminals), all fed from one console session. The session is opened when the first
 * viewer attaches, opened again when the hardware drops it, with a growing pause between attempts,
 * and closed when the last viewer leaves; a refused login ends the attempts at once (AMT locks
 * accounts). Every viewer gets the same output through its own bounded queue: one that falls behind
 * is dropped, never waited for. When a token is set, the TCP client's first line must be it
 * (docs/console.md#access).
 */
final class ConsoleBridge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleBridge.class);

  /** Opens a session to the node's serial port. */
  @FunctionalInterface
  interface Opener {
    ConsoleSession open() throws Exception;
  }

  /** The console has as many viewers as it takes, or is closed. */
  static final class Full extends Exception {
    Full(String message) {
      super(message);
    }
  }

  /** How long a client has to send the token line. */
  static final Duration TOKEN_WAIT = Duration.ofSeconds(10);

  /** The longest token line read. */
  private static final int MAX_TOKEN_LINE = 256;

  /** Viewers of one console at once, the TCP client included. */
  static final int MAX_VIEWERS = 8;

  /** Output that may wait for the TCP client; beyond it the client is dropped. */
  static final int TCP_QUEUE_BYTES = 1024 * 1024;

  static final Duration FIRST_RETRY = Duration.ofMillis(500);
  static final Duration LAST_RETRY = Duration.ofSeconds(10);

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final String label;
  private final ServerSocket server;
  private final String token;
  private final Opener opener;
  private final Object lock = new Object();
  private volatile boolean closed;
  // Guarded by lock.
  private final Set<Viewer> viewers = new LinkedHashSet<>();
  private Socket client;
  private ConsoleSession session;
  private boolean pumping;

  /**
   * Binds the port and starts accepting.
   *
   * @param label the node, for logs and notices
   * @param host the address to bind
   * @param port the port, or 0 for any free one
   * @param token the line a client must send first, or null for none
   * @throws IOException when the port cannot be bound
   */
  ConsoleBridge(String label, String host, int port, String token, Opener opener)
      throws IOException {
    this.label = label;
    this.token = token;
    this.opener = opener;
    this.server = new ServerSocket();
    try {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 4);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    start("amtpxe-console-accept-" + server.getLocalPort(), this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  String token() {
    return token;
  }

  /** Viewers attached now. */
  int viewers() {
    synchronized (lock) {
      return viewers.size();
    }
  }

  /**
   * Adds a viewer; the session is opened if none is.
   *
   * @throws Full when the console has {@link #MAX_VIEWERS} already, or is closed
   */
  void attach(Viewer v) throws Full {
    synchronized (lock) {
      if (closed) {
        throw new Full(label + ": the console was disabled.");
      }
      if (viewers.size() >= MAX_VIEWERS) {
        throw new Full(
            label + "'s console has " + MAX_VIEWERS + " viewers already; detach one first.");
      }
      viewers.add(v);
      if (session != null) {
        v.connected();
      }
      if (pumping) {
        return;
      }
      pumping = true;
    }
    start("amtpxe-console-" + server.getLocalPort(), this::pump);
  }

  /** Removes a viewer (idempotent); the session is closed when it was the last. */
  void detach(Viewer v) {
    synchronized (lock) {
      if (!viewers.remove(v) || !viewers.isEmpty()) {
        return;
      }
      closeQuietly(session); // ends the pump's read; it then sees nobody and stops
    }
  }

  /**
   * Types keys into the session open now.
   *
   * @return false when no session is open (the keys are lost, as on a serial line)
   * @throws IOException when the session failed to take them
   */
  boolean type(byte[] keys) throws IOException {
    ConsoleSession current;
    synchronized (lock) {
      current = session;
    }
    if (current == null) {
      return false;
    }
    current.output().write(keys);
    current.output().flush();
    return true;
  }

  private static void start(String name, Runnable body) {
    Thread t = new Thread(body, name + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    t.start();
  }

  /** Sessions in turn, each copied to every viewer until it ends; until no viewer is left. */
  private void pump() {
    Duration pause = FIRST_RETRY;
    byte[] buffer = new byte[8192];
    while (true) {
      synchronized (lock) {
        if (closed || viewers.isEmpty()) {
          pumping = false;
          return;
        }
      }
      ConsoleSession current;
      try {
        current = opener.open();
      } catch (AuthenticationFailedException e) {
        LOG.warn("{}: console session refused, not retried: {}", label, e.getMessage());
        endAll("console unavailable: " + e.getMessage());
        continue;
      } catch (ConductorException e) {
        // The node is gone, its console disabled, or its driver has none: nothing to retry.
        endAll("console unavailable: " + e.getMessage());
        continue;
      } catch (Exception e) {
        broadcast(notice("cannot open the console session (" + e.getMessage() + "); retrying"));
        LOG.info(
            "{}: console session failed, retrying in {} ms: {}",
            label,
            pause.toMillis(),
            e.getMessage());
        if (!sleep(pause)) {
          endAll("the console closed");
          continue;
        }
        pause =
            pause.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : pause.multipliedBy(2);
        continue;
      }
      synchronized (lock) {
        if (closed || viewers.isEmpty()) {
          pumping = false;
          current.close();
          return;
        }
        session = current;
        viewers.forEach(Viewer::connected);
      }
      pause = FIRST_RETRY;
      String why = "ended";
      try {
        InputStream in = current.input();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          broadcast(Arrays.copyOf(buffer, n));
        }
      } catch (IOException e) {
        why = e.getMessage();
      }
      synchronized (lock) {
        session = null;
      }
      current.close();
      synchronized (lock) {
        if (closed || viewers.isEmpty()) {
          continue; // the loop's head stops
        }
      }
      broadcast(notice("console session " + why + "; reconnecting"));
      LOG.info("{}: console session {}; reconnecting", label, why);
    }
  }

  /** Hands bytes to every viewer; one whose queue is full is detached and told why. */
  private void broadcast(byte[] bytes) {
    List<Viewer> slow = new ArrayList<>();
    synchronized (lock) {
      for (Viewer v : viewers) {
        if (!v.offer(bytes)) {
          slow.add(v);
        }
      }
    }
    for (Viewer v : slow) {
      detach(v);
      v.end("too slow: more console output waited for it than it may queue");
    }
  }

  /** Ends every viewer with a reason (the session cannot be had). */
  private void endAll(String reason) {
    List<Viewer> all;
    synchronized (lock) {
      all = new ArrayList<>(viewers);
      viewers.clear();
    }
    for (Viewer v : all) {
      v.end(reason);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      synchronized (lock) {
        if (client != null) {
          refuse(s, "another client is attached to this console; only one at a time");
          continue;
        }
        client = s;
      }
      start("amtpxe-console-client-" + server.getLocalPort(), () -> serve(s));
    }
  }

  /** The TCP client: its token line, then a viewer fed by a writer thread, its keys typed. */
  private void serve(Socket s) {
    TcpViewer viewer = null;
    try {
      s.setTcpNoDelay(true);
      if (token != null && !tokenAccepted(s)) {
        refuse(s, "wrong or missing console token; send the token from console_info first");
        return;
      }
      s.setSoTimeout(0);
      viewer = new TcpViewer(s);
      try {
        attach(viewer);
      } catch (Full e) {
        refuse(s, e.getMessage());
        return;
      }
      start("amtpxe-console-out-" + server.getLocalPort(), viewer::writeLoop);
      byte[] buffer = new byte[1024];
      InputStream in = s.getInputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        try {
          type(Arrays.copyOf(buffer, n));
        } catch (IOException e) {
          LOG.debug("{}: keys lost: {}", label, e.getMessage());
        }
      }
    } catch (IOException e) {
      LOG.debug("{}: console client ended: {}", label, e.toString());
    } finally {
      if (viewer != null) {
        detach(viewer);
        viewer.end(null);
      } else {
        closeQuietly(s);
      }
      synchronized (lock) {
        if (client == s) {
          client = null;
        }
      }
    }
  }

  /** The TCP client as a viewer: a bounded queue that a thread of its own writes to the socket. */
  private final class TcpViewer implements Viewer {
    private final Socket socket;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queued;
    private boolean ending;

    TcpViewer(Socket socket) {
      this.socket = socket;
    }

    @Override
    public synchronized boolean offer(byte[] bytes) {
      if (ending) {
        return true;
      }
      if (queued + bytes.length > TCP_QUEUE_BYTES) {
        return false;
      }
      queue.addLast(bytes);
      queued += bytes.length;
      notifyAll();
      return true;
    }

    @Override
    public synchronized void end(String reason) {
      if (ending) {
        return;
      }
      if (reason != null) {
        queue.addLast(notice(reason));
      }
      ending = true;
      notifyAll();
    }

    /** Writes the queue out until the viewer ends, then closes the socket. */
    void writeLoop() {
      try {
        OutputStream out = socket.getOutputStream();
        while (true) {
          byte[] next;
          synchronized (this) {
            while (queue.isEmpty() && !ending) {
              wait();
            }
            next = queue.pollFirst();
            if (next == null) {
              return;
            }
            queued -= next.length;
          }
          out.write(next);
          out.flush();
        }
      } catch (IOException e) {
        LOG.debug("{}: console client output ended: {}", label, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(socket); // the key reader then ends and detaches the viewer
      }
    }
  }

  private boolean tokenAccepted(Socket s) throws IOException {
    s.setSoTimeout((int) TOKEN_WAIT.toMillis());
    InputStream in = s.getInputStream();
    byte[] line = new byte[MAX_TOKEN_LINE];
    int n = 0;
    try {
      while (n < line.length) {
        int b = in.read();
        if (b < 0 || b == '\n') {
          break;
        }
        line[n++] = (byte) b;
      }
    } catch (SocketTimeoutException e) {
      return false;
    }
    String sent = new String(line, 0, n, StandardCharsets.US_ASCII).strip();
    return MessageDigest.isEqual(
        sent.getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
  }

  private boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return !closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A one-line notice of the bridge, as the viewers see it among the serial port's output. */
  static byte[] notice(String text) {
    return ("\r\n[amtpxe: " + text + "]\r\n").getBytes(StandardCharsets.UTF_8);
  }

  private static void refuse(Socket s, String why) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(notice(why));
      out.flush();
    } catch (IOException e) {
      // the client is gone
    }
    closeQuietly(s);
  }

  /** Closes the port, ends every viewer and closes the session. */
  @Override
  public void close() {
    close("the console was closed");
  }

  /**
   * Closes the port, ends every viewer with the reason and closes the session.
   *
   * @param reason what the viewers are told
   */
  void close(String reason) {
    closed = true;
    closeQuietly(server);
    synchronized (lock) {
      closeQuietly(session);
      session = null;
    }
    endAll(reason);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // nothing more to release
    }
  }
}
