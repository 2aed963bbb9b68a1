package org.amtpxe.conductor.internal.rest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/** The Jetty server of the API: one connector on the configured address and port. */
public final class ApiServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  /**
   * Starts serving.
   *
   * @param host the address to bind
   * @param port the port, 0 for any free one
   * @param maxThreads the request thread pool size
   * @throws Exception when the address cannot be bound
   */
  public ApiServer(String host, int port, int maxThreads, Handler handler) throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(Math.max(maxThreads, 8), 2);
    pool.setName("amtpxe-api");
    server = new Server(pool, new ScheduledExecutorScheduler("amtpxe-api-scheduler", false), null);
    connector = new ServerConnector(server, 1, 1);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new java.io.IOException(
          "Cannot serve the API on "
              + host
              + ":"
              + port
              + ": "
              + root.getMessage()
              + "; choose another api_port or api_host",
          e);
    }
  }

  /** The port actually bound. */
  public int port() {
    return connector.getLocalPort();
  }

  /** Whether an address is loopback (127.0.0.0/8, ::1, localhost). */
  public static boolean isLoopback(String host) {
    try {
      return new InetSocketAddress(host, 0).getAddress() != null
          && InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
