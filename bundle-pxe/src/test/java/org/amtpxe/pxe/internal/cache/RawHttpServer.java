package org.amtpxe.pxe.internal.cache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A raw HTTP/1.1 server on a loopback address and an OS-chosen port, for tests that play a hostile
 * image server: every connection's request head is read and handed, with the socket, to a script
 * that writes whatever bytes it likes. {@link #close} closes every socket and interrupts the
 * scripts.
 */
final class RawHttpServer implements AutoCloseable {
  /** What the server does with one connection. */
  interface Script {
    void serve(Socket socket, String requestHead) throws Exception;
  }

  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  final List<String> requestLines = new CopyOnWriteArrayList<>();

  RawHttpServer(String address, Script script) throws IOException {
    server = new ServerSocket(0, 16, InetAddress.getByName(address));
    pool.execute(
        () -> {
          while (!server.isClosed()) {
            Socket s;
            try {
              s = server.accept();
            } catch (IOException e) {
              return;
            }
            sockets.add(s);
            pool.execute(
                () -> {
                  try (s) {
                    String head = readHead(s.getInputStream());
                    requestLines.add(head.lines().findFirst().orElse(""));
                    script.serve(s, head);
                  } catch (Exception e) {
                    // the client went away, or the test ended
                  }
                });
          }
        });
  }

  /** The base URL, e.g. {@code http://127.0.0.1:40000}. */
  String base() {
    return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  int port() {
    return server.getLocalPort();
  }

  static void write(Socket s, String ascii) throws IOException {
    s.getOutputStream().write(ascii.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** Blocks until the client closes its side (or the test closes the server). */
  static void awaitClientClose(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    while (in.read() >= 0) {
      // discard
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4 && head.size() < 16_384) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    pool.shutdownNow();
  }
}
