package org.amtpxe.pxe.internal.tftp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Converts a local (Unix) file to netascii as RFC 764 defines it for TFTP: LF becomes CR LF and a
 * bare CR becomes CR NUL, so that a client converting back gets the file byte for byte.
 */
final class NetasciiInputStream extends FilterInputStream {
  private int pending = -1;

  NetasciiInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    if (pending >= 0) {
      int b = pending;
      pending = -1;
      return b;
    }
    int b = in.read();
    if (b == '\n') {
      pending = '\n';
      return '\r';
    }
    if (b == '\r') {
      pending = 0;
      return '\r';
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = 0;
    while (n < len) {
      int b = read();
      if (b < 0) {
        return n == 0 ? -1 : n;
      }
      buf[off + n++] = (byte) b;
    }
    return n;
  }

  @Override
  public long skip(long n) {
    throw new UnsupportedOperationException("netascii streams are read sequentially");
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
