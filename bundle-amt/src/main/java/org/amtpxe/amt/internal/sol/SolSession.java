package org.amtpxe.amt.internal.sol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amtpxe.api.driver.ConsoleSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open SOL session: turns the AMT's messages into the host's serial output, typed bytes into
 * data messages, sends the console's heartbeat and declares the session dead after the idle timeout
 * without a message from the AMT (docs/amt-sol.md#session). Reading happens on the caller's thread;
 * heartbeats on the scheduler given.
 */
public final class SolSession implements ConsoleSession {
  private static final Logger LOG = LoggerFactory.getLogger(SolSession.class);

  private final SolTarget target;
  private final RedirectionSettings settings;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Object writeLock = new Object();
  private final Object readLock = new Object();
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final ScheduledFuture<?> keepAlive;
  private final Input input = new Input();
  private final Output output = new Output();

  // Guarded by writeLock.
  private int sequence;

  // Guarded by readLock: the data message being handed out.
  private byte[] frame = new byte[0];
  private int framePos;
  private boolean ended;

  SolSession(
      SolTarget target,
      RedirectionSettings settings,
      Socket socket,
      InputStream in,
      int firstSequence,
      ScheduledExecutorService keepAlives)
      throws org.amtpxe.api.error.DriverException {
    this.target = target;
    this.settings = settings;
    this.socket = socket;
    this.in = in;
    this.sequence = firstSequence;
    try {
      this.out = socket.getOutputStream();
      socket.setSoTimeout((int) settings.idleTimeout().toMillis());
    } catch (IOException e) {
      throw new org.amtpxe.api.error.ConnectionFailedException(
          target.label() + ": the SOL session to " + target.where() + " failed: " + e, e);
    }
    long every = settings.keepAlive().toMillis();
    this.keepAlive =
        keepAlives.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public boolean isOpen() {
    return open.get();
  }

  /** Where the session goes, for logs. */
  public SolTarget target() {
    return target;
  }

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    keepAlive.cancel(false);
    try {
      synchronized (writeLock) {
        out.write(Redirection.endSol(sequence++));
        out.write(Redirection.endSession());
        out.flush();
      }
    } catch (IOException e) {
      LOG.debug("{}: SOL session ended without a polite close: {}", target.label(), e.getMessage());
    }
    SolClient.closeQuietly(socket);
    LOG.debug("{}: SOL session to {} closed", target.label(), target.where());
  }

  private void heartbeat() {
    if (!open.get()) {
      return;
    }
    try {
      send(Redirection.heartbeat(nextSequence()));
    } catch (IOException e) {
      LOG.debug("{}: SOL heartbeat failed, session closed: {}", target.label(), e.getMessage());
      close();
    }
  }

  private int nextSequence() {
    synchronized (writeLock) {
      return sequence++;
    }
  }

  private void send(byte[] message) throws IOException {
    synchronized (writeLock) {
      out.write(message);
      out.flush();
    }
  }

  /**
   * Reads messages until one carries host output.
   *
   * @return false when the session ended (AMT closed it or ended SOL, or it was closed here)
   */
  private boolean nextFrame() throws IOException {
    while (true) {
      int type;
      try {
        type = in.read();
      } catch (SocketTimeoutException e) {
        close();
        throw new IOException(
            target.label()
                + ": no message from the AMT at "
                + target.where()
                + " for "
                + settings.idleTimeout().toMillis()
                + " ms (not even a heartbeat); the SOL session is considered dead and was closed.",
            e);
      } catch (IOException e) {
        if (!open.get()) {
          return false;
        }
        close();
        throw e;
      }
      if (type < 0) {
        open.set(false);
        keepAlive.cancel(false);
        SolClient.closeQuietly(socket);
        return false;
      }
      switch (type) {
        case Redirection.SOL_DATA_FROM_HOST -> {
          byte[] header = readFully(Redirection.DATA_HEADER_LENGTH - 1);
          int length = (header[7] & 0xFF) | (header[8] & 0xFF) << 8;
          if (length > settings.maxFrameBytes()) {
            close();
            throw new IOException(
                target.label()
                    + ": the AMT at "
                    + target.where()
                    + " announced a data message of "
                    + length
                    + " bytes, more than the "
                    + settings.maxFrameBytes()
                    + " allowed; the SOL session was closed.");
          }
          frame = readFully(length);
          framePos = 0;
          if (length > 0) {
            return true;
          }
        }
        case Redirection.SOL_HEARTBEAT, Redirection.SOL_KEEP_ALIVE_PONG ->
            readFully(Redirection.HEARTBEAT_LENGTH - 1);
        case Redirection.SOL_KEEP_ALIVE_PING -> {
          byte[] rest = readFully(Redirection.HEARTBEAT_LENGTH - 1);
          byte[] pong = new byte[Redirection.HEARTBEAT_LENGTH];
          pong[0] = Redirection.SOL_KEEP_ALIVE_PONG;
          System.arraycopy(rest, 0, pong, 1, rest.length);
          send(pong);
        }
        case Redirection.SOL_CONTROLS_FROM_HOST -> readFully(Redirection.CONTROLS_LENGTH - 1);
        case Redirection.END_SOL_REDIRECTION_REPLY -> {
          readFully(Redirection.END_SOL_LENGTH - 1);
          close();
          return false;
        }
        default -> {
          close();
          throw new IOException(
              String.format(
                  "%s: the AMT at %s sent an unknown message type 0x%02X; the SOL session was"
                      + " closed.",
                  target.label(), target.where(), type));
        }
      }
    }
  }

  private byte[] readFully(int n) throws IOException {
    byte[] b = new byte[n];
    int done = 0;
    try {
      while (done < n) {
        int r = in.read(b, done, n - done);
        if (r < 0) {
          throw new EOFException();
        }
        done += r;
      }
      return b;
    } catch (EOFException | SocketTimeoutException e) {
      close();
      throw new IOException(
          target.label()
              + ": the AMT at "
              + target.where()
              + (e instanceof EOFException
                  ? " closed the connection in the middle of a message ("
                  : " stopped sending in the middle of a message (")
              + done
              + " of "
              + n
              + " bytes); the SOL session was closed.",
          e);
    }
  }

  /** The host's serial output. */
  private final class Input extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int r = read(one, 0, 1);
      return r < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      synchronized (readLock) {
        if (framePos >= frame.length) {
          if (ended || !nextFrame()) {
            ended = true;
            return -1;
          }
        }
        int n = Math.min(len, frame.length - framePos);
        System.arraycopy(frame, framePos, b, off, n);
        framePos += n;
        return n;
      }
    }

    @Override
    public int available() {
      synchronized (readLock) {
        return frame.length - framePos;
      }
    }

    @Override
    public void close() {
      SolSession.this.close();
    }
  }

  /** Keys typed to the host. */
  private final class Output extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!open.get()) {
        throw new IOException(target.label() + ": the SOL session is closed.");
      }
      int chunk = settings.maxTransmitBuffer();
      for (int at = 0; at < len; at += chunk) {
        int n = Math.min(chunk, len - at);
        synchronized (writeLock) {
          out.write(Redirection.data(sequence++, b, off + at, n));
        }
      }
      synchronized (writeLock) {
        out.flush();
      }
    }

    @Override
    public void close() {
      SolSession.this.close();
    }
  }
}
