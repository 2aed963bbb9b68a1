package org.amtpxe.benchmarks;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The ceiling of the REST benchmark ({@code rest-bench.sh}): a bare Jetty 12 handler, the same
 * Jetty as the conductor's API, that answers every GET with the same bytes (a node's JSON as the
 * conductor's {@code GET /v1/nodes/<uuid>} returned it) from memory, with 32 request threads as the
 * API's default {@code api_threads}. No routing, no database, no JSON rendering: what is left is
 * Jetty's HTTP/1.1 parsing and writing on this machine, the most a Jetty-based API can answer here.
 *
 * <p>Usage: {@code JettyCeiling --body <file> [--host 127.0.0.1] [--port 0] [--threads 32]}. Prints
 * {@code port=<n>} once it listens, then serves until killed.
 */
public final class JettyCeiling implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  private JettyCeiling(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /** Starts the server on {@code host:port} (0 = a free port) answering {@code body}. */
  public static JettyCeiling start(byte[] body, String host, int port, int threads)
      throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(8, threads));
    pool.setName("ceiling");
    Server server = new Server(pool);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    byte[] bytes = body.clone();
    server.setHandler(
        new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            if (!"GET".equals(request.getMethod())) {
              Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
              return true;
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            response.write(true, ByteBuffer.wrap(bytes), callback);
            return true;
          }
        });
    server.start();
    return new JettyCeiling(server, connector);
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  public static void main(String[] args) throws Exception {
    Path body = null;
    String host = "127.0.0.1";
    int port = 0;
    int threads = 32;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--body" -> body = Path.of(args[i + 1]);
        case "--host" -> host = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (body == null || args.length % 2 != 0) {
      System.err.println(
          "usage: JettyCeiling --body <file> [--host 127.0.0.1] [--port 0] [--threads 32]");
      System.exit(2);
    }
    JettyCeiling ceiling = start(Files.readAllBytes(body), host, port, threads);
    System.out.println("port=" + ceiling.port());
    System.out.flush();
    ceiling.server.join();
  }
}
