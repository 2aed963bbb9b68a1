package org.amtpxe.conductor.internal.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.api.driver.ConsoleSession;

/**
 * The fake driver's serial ports: one per node, each with at most one open session. What a test
 * writes reaches the session open now; keys typed into a session are echoed back, as a terminal
 * with echo on does. A test can drop the open session, as an AMT does.
 */
public final class FakeSerial {
  private static final byte[] EOF = new byte[0];

  private final Map<String, Session> open = new ConcurrentHashMap<>();
  private final AtomicInteger opened = new AtomicInteger();

  ConsoleSession open(String uuid) {
    Session s = new Session(uuid);
    Session previous = open.put(uuid, s);
    if (previous != null) {
      previous.close();
    }
    opened.incrementAndGet();
    return s;
  }

  /** How many sessions were opened in all. */
  public int opened() {
    return opened.get();
  }

  /** True while the node has an open session. */
  public boolean isOpen(String uuid) {
    Session s = open.get(uuid);
    return s != null && s.isOpen();
  }

  /** The host writes a line to its serial port; lost when no session is open. */
  public boolean writeLine(String uuid, String line) {
    Session s = open.get(uuid);
    if (s == null || !s.isOpen()) {
      return false;
    }
    s.queue.add((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    return true;
  }

  /** The host writes raw bytes to its serial port; lost when no session is open. */
  public boolean write(String uuid, byte[] bytes) {
    Session s = open.get(uuid);
    if (s == null || !s.isOpen()) {
      return false;
    }
    s.queue.add(bytes.clone());
    return true;
  }

  /** The hardware ends the node's session. */
  public void drop(String uuid) {
    Session s = open.remove(uuid);
    if (s != null) {
      s.close();
    }
  }

  private final class Session implements ConsoleSession {
    private final String uuid;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private volatile boolean isOpen = true;
    private byte[] current = new byte[0];
    private int at;

    Session(String uuid) {
      this.uuid = uuid;
    }

    private final InputStream in =
        new InputStream() {
          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
          }

          @Override
          public synchronized int read(byte[] b, int off, int len) throws IOException {
            while (at >= current.length) {
              try {
                current = queue.take();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
              }
              at = 0;
              if (current == EOF) {
                queue.add(EOF);
                return -1;
              }
            }
            int n = Math.min(len, current.length - at);
            System.arraycopy(current, at, b, off, n);
            at += n;
            return n;
          }
        };

    private final OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (!isOpen) {
              throw new IOException("session closed");
            }
            byte[] copy = new byte[len];
            System.arraycopy(b, off, copy, 0, len);
            queue.add(copy);
          }
        };

    @Override
    public InputStream input() {
      return in;
    }

    @Override
    public OutputStream output() {
      return out;
    }

    @Override
    public boolean isOpen() {
      return isOpen;
    }

    @Override
    public void close() {
      isOpen = false;
      queue.add(EOF);
      open.remove(uuid, this);
    }
  }
}
