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
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.api.driver.ConsoleSession;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One enabled console's TCP port: one client at a time, bridged to a console session that is opened
 * when the client connects and opened again when the hardware drops it, with a growing pause
 * between attempts; a refused login ends the attempts at once (AMT locks accounts). When a token is
 * set, the client's first line must be it (docs/console.md#access).
 */
final class ConsoleBridge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleBridge.class);

  /** Opens a session to the node's serial port. */
  @FunctionalInterface
  interface Opener {
    ConsoleSession open() throws Exception;
  }

  /** How long a client has to send the token line. */
  static final Duration TOKEN_WAIT = Duration.ofSeconds(10);

  /** The longest token line read. */
  private static final int MAX_TOKEN_LINE = 256;

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
  private Socket client;
  private ConsoleSession session;

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

  private static void start(String name, Runnable body) {
    Thread t = new Thread(body, name + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    t.start();
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
      start("amtpxe-console-" + server.getLocalPort(), () -> serve(s));
    }
  }

  private void serve(Socket s) {
    try {
      s.setTcpNoDelay(true);
      if (token != null && !tokenAccepted(s)) {
        refuse(s, "wrong or missing console token; send the token from console_info first");
        return;
      }
      s.setSoTimeout(0);
      start("amtpxe-console-keys-" + server.getLocalPort(), () -> pumpKeys(s));
      pumpOutput(s);
    } catch (IOException e) {
      LOG.debug("{}: console client ended: {}", label, e.toString());
    } finally {
      synchronized (lock) {
        if (client == s) {
          client = null;
        }
        closeQuietly(session);
        session = null;
      }
      closeQuietly(s);
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

  /** Sessions in turn, each copied to the client until it ends; until the client leaves. */
  private void pumpOutput(Socket s) throws IOException {
    OutputStream out = s.getOutputStream();
    Duration pause = FIRST_RETRY;
    byte[] buffer = new byte[8192];
    while (!closed && !s.isClosed()) {
      ConsoleSession current;
      try {
        current = opener.open();
      } catch (AuthenticationFailedException e) {
        notice(out, "console unavailable: " + e.getMessage());
        LOG.warn("{}: console session refused, not retried: {}", label, e.getMessage());
        return;
      } catch (ConductorException e) {
        // The node is gone, its console disabled, or its driver has none: nothing to retry.
        notice(out, "console unavailable: " + e.getMessage());
        return;
      } catch (Exception e) {
        notice(out, "cannot open the console session (" + e.getMessage() + "); retrying");
        LOG.info(
            "{}: console session failed, retrying in {} ms: {}",
            label,
            pause.toMillis(),
            e.getMessage());
        if (!sleep(pause)) {
          return;
        }
        pause =
            pause.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : pause.multipliedBy(2);
        continue;
      }
      synchronized (lock) {
        if (closed || s.isClosed()) {
          current.close();
          return;
        }
        session = current;
      }
      pause = FIRST_RETRY;
      String why = "ended";
      try {
        InputStream in = current.input();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        if (s.isClosed() || closed) {
          return;
        }
        why = e.getMessage();
      }
      current.close();
      if (closed || s.isClosed()) {
        return;
      }
      notice(out, "console session " + why + "; reconnecting");
      LOG.info("{}: console session {}; reconnecting", label, why);
    }
  }

  /** Keys from the client to the session open now; lost while none is. */
  private void pumpKeys(Socket s) {
    byte[] buffer = new byte[1024];
    try (InputStream in = s.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        ConsoleSession current;
        synchronized (lock) {
          current = session;
        }
        if (current != null) {
          try {
            current.output().write(buffer, 0, n);
          } catch (IOException e) {
            LOG.debug("{}: keys lost: {}", label, e.getMessage());
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("{}: console client input ended: {}", label, e.toString());
    } finally {
      closeQuietly(s);
      synchronized (lock) {
        closeQuietly(session);
      }
    }
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

  private static void notice(OutputStream out, String text) {
    try {
      out.write(("\r\n[amtpxe: " + text + "]\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // the client is gone
    }
  }

  private static void refuse(Socket s, String why) {
    try {
      notice(s.getOutputStream(), why);
    } catch (IOException e) {
      // the client is gone
    }
    closeQuietly(s);
  }

  /** Closes the port, the client and the session. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    synchronized (lock) {
      closeQuietly(client);
      closeQuietly(session);
      client = null;
      session = null;
    }
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
