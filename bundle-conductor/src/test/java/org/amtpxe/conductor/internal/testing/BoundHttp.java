package org.amtpxe.conductor.internal.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 requests sent from a chosen local address, as an attacker on another host would send
 * them (java.net.http can neither bind a source address nor send a malformed request).
 */
public final class BoundHttp {
  /** A response: status line code, raw headers and body. */
  public record Reply(int status, String headers, String body) {}

  private final InetSocketAddress server;

  public BoundHttp(String host, int port) {
    this.server = new InetSocketAddress(host, port);
  }

  /**
   * Sends one request (the connection is closed after it) from {@code local}.
   *
   * @param request the request head and body as they go on the wire; "Connection: close" is added
   *     to the head
   */
  public Reply send(String local, String request) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
      s.connect(server, 5000);
      s.setSoTimeout(10_000);
      int headEnd = request.indexOf("\r\n\r\n");
      String wire =
          request.substring(0, headEnd) + "\r\nConnection: close" + request.substring(headEnd);
      OutputStream out = s.getOutputStream();
      out.write(wire.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return parse(s.getInputStream());
    }
  }

  /** A GET with the API version header. */
  public Reply get(String local, String path, String version) throws IOException {
    return send(
        local,
        "GET "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-OpenStack-Ironic-API-Version: "
            + version
            + "\r\n\r\n");
  }

  /** A JSON POST with the API version header. */
  public Reply postJson(String local, String path, String version, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return send(
        local,
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-OpenStack-Ironic-API-Version: "
            + version
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\n\r\n"
            + json);
  }

  private static Reply parse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.UTF_8);
    int headEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
      throw new IOException("not an HTTP response: " + text);
    }
    int status = Integer.parseInt(text.substring(9, 12));
    return new Reply(status, text.substring(0, headEnd), text.substring(headEnd + 4));
  }
}
