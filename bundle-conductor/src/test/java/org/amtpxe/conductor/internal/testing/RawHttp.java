package org.amtpxe.conductor.internal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for the requests an HTTP client refuses to send or repairs (bad
 * escapes, wrong lengths, bodies that never end). One request per connection unless the caller
 * keeps the socket.
 */
public final class RawHttp {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RawHttp() {}

  /** A reply as read from the wire. */
  public record Reply(int status, Map<String, List<String>> headers, byte[] body, long millis) {
    /** The last value of a header (case-insensitive name), or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(values.size() - 1);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The faultstring of Ironic's error body ({@code error_message} holding the JSON of {faultcode,
     * faultstring, debuginfo}, or of {code, title, description} for 406).
     *
     * @throws AssertionError when the body is not such a document
     */
    public String fault() {
      try {
        JsonNode outer = MAPPER.readTree(body);
        JsonNode inner = MAPPER.readTree(outer.get("error_message").asText());
        JsonNode text =
            inner.has("faultstring") ? inner.get("faultstring") : inner.get("description");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
          throw new AssertionError("no faultstring in " + text());
        }
        return text.asText();
      } catch (IOException | RuntimeException e) {
        throw new AssertionError("not an Ironic error body: " + status + " " + text(), e);
      }
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + text();
    }
  }

  /** Bytes of an ASCII request head (lines joined with CRLF, ending with the empty line). */
  public static byte[] head(String... lines) {
    return (String.join("\r\n", lines) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Two byte arrays joined. */
  public static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * Sends a request on a new connection and reads one reply.
   *
   * @param halfClose whether to shut down the sending side after the request (the server then sees
   *     the end of the stream, e.g. a body shorter than its Content-Length)
   * @throws IOException when the server closes without a reply or does not answer within timeout
   */
  public static Reply exchange(
      InetSocketAddress server, byte[] request, boolean halfClose, Duration timeout)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(server, (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      long start = System.nanoTime();
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        if (halfClose) {
          s.shutdownOutput();
        }
      } catch (IOException e) {
        // The server may answer and close before taking the whole request; read its answer.
      }
      return read(s.getInputStream(), start);
    }
  }

  /** Reads one reply (skipping 1xx), its body by Content-Length, chunked, or up to the close. */
  public static Reply read(InputStream in, long startNanos) throws IOException {
    while (true) {
      String statusLine = line(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new IOException("not an HTTP status line: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        headers
            .computeIfAbsent(
                h.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(h.substring(colon + 1).strip());
      }
      if (status >= 100 && status < 200) {
        continue;
      }
      byte[] body;
      List<String> te = headers.get("transfer-encoding");
      List<String> cl = headers.get("content-length");
      if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
        body = chunked(in);
      } else if (cl != null) {
        body = upTo(in, Integer.parseInt(cl.get(0)));
      } else if (status == 204 || status == 304) {
        body = new byte[0];
      } else {
        body = upTo(in, Integer.MAX_VALUE);
      }
      return new Reply(status, headers, body, (System.nanoTime() - startNanos) / 1_000_000);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed after " + b.size() + " bytes of a line");
      }
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
      if (b.size() > 65536) {
        throw new IOException("line too long");
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] upTo(InputStream in, int n) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (b.size() < n) {
      int r = in.read(buf, 0, Math.min(buf.length, n - b.size()));
      if (r < 0) {
        break;
      }
      b.write(buf, 0, r);
    }
    return b.toByteArray();
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
      if (n == 0) {
        while (!line(in).isEmpty()) {
          // trailers
        }
        return b.toByteArray();
      }
      b.write(upTo(in, n));
      line(in);
    }
  }
}
