package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A rendered response body: the JSON of a {@link JsonBody} encoded as UTF-8 into a buffer taken
 * from a small pool, given back once the response is written. The bytes are exactly those of {@code
 * String.getBytes(UTF_8)} over the text Jackson writes, a lone surrogate included (as {@code ?}).
 */
final class JsonOutput extends Writer {
  /** Buffers kept for reuse; beyond them a response allocates its own. */
  static final int POOLED = 8;

  /** A buffer that grew beyond this (a very long list) is not kept. */
  static final int MAX_RETAINED = 2 * 1024 * 1024;

  private static final int INITIAL = 16 * 1024;

  private static final ArrayBlockingQueue<JsonOutput> POOL = new ArrayBlockingQueue<>(POOLED);

  private byte[] buf = new byte[INITIAL];
  private int len;

  /** A high surrogate whose low half may come in the next write, or 0. */
  private char pendingHigh;

  private final AtomicBoolean inUse = new AtomicBoolean();

  private JsonOutput() {}

  /**
   * Writes the body with one generator into a pooled buffer.
   *
   * @return the bytes; {@link #release()} once they are written
   * @throws IOException when the body cannot be written (a value Jackson cannot write)
   */
  static JsonOutput render(JsonBody body) throws IOException {
    JsonOutput out = POOL.poll();
    if (out == null) {
      out = new JsonOutput();
    }
    out.len = 0;
    out.pendingHigh = 0;
    out.inUse.set(true);
    try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      body.writeTo(g);
    } catch (IOException | RuntimeException | Error e) {
      out.release();
      throw e;
    }
    // NOTE: closing the generator closed this writer, which settled a trailing high surrogate.
    return out;
  }

  /** The encoded bytes, valid until {@link #release()}. */
  ByteBuffer buffer() {
    return ByteBuffer.wrap(buf, 0, len);
  }

  int length() {
    return len;
  }

  /** Gives the buffer back to the pool (once; later calls do nothing). */
  void release() {
    if (inUse.compareAndSet(true, false) && buf.length <= MAX_RETAINED) {
      POOL.offer(this);
    }
  }

  @Override
  public void write(char[] cbuf, int off, int n) {
    ensure(n);
    for (int i = off, end = off + n; i < end; i++) {
      put(cbuf[i]);
    }
  }

  @Override
  public void write(String s, int off, int n) {
    ensure(n);
    for (int i = off, end = off + n; i < end; i++) {
      put(s.charAt(i));
    }
  }

  @Override
  public void write(int c) {
    ensure(1);
    put((char) c);
  }

  /** Room for n more chars: at most 3 bytes each (a surrogate pair is 4 bytes for 2 chars). */
  private void ensure(int n) {
    long need = (long) len + 3L * n + 1;
    if (need > buf.length) {
      if (need > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("A response body above 2 GiB cannot be written.");
      }
      buf =
          Arrays.copyOf(
              buf, (int) Math.max(need, Math.min(2L * buf.length, Integer.MAX_VALUE - 16)));
    }
  }

  private void put(char c) {
    byte[] b = buf;
    int p = len;
    if (pendingHigh != 0) {
      char high = pendingHigh;
      pendingHigh = 0;
      if (Character.isLowSurrogate(c)) {
        int cp = Character.toCodePoint(high, c);
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
        len = p;
        return;
      }
      b[p++] = '?'; // a high surrogate without its low half, as String.getBytes writes it
    }
    if (c < 0x80) {
      b[p++] = (byte) c;
    } else if (c < 0x800) {
      b[p++] = (byte) (0xC0 | (c >> 6));
      b[p++] = (byte) (0x80 | (c & 0x3F));
    } else if (Character.isHighSurrogate(c)) {
      pendingHigh = c;
    } else if (Character.isLowSurrogate(c)) {
      b[p++] = '?';
    } else {
      b[p++] = (byte) (0xE0 | (c >> 12));
      b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
      b[p++] = (byte) (0x80 | (c & 0x3F));
    }
    len = p;
  }

  @Override
  public void flush() {}

  /** Settles a trailing high surrogate. */
  @Override
  public void close() {
    if (pendingHigh != 0) {
      pendingHigh = 0;
      ensure(1);
      buf[len++] = '?';
    }
  }
}
