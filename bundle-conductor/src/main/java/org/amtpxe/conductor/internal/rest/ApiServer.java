package org.amtpxe.conductor.internal.rest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The Jetty server of the API: one connector (plain HTTP/1.1, or HTTP/1.1 over TLS) on the
 * configured address and port, with bounded headers, connections and idle time, and Ironic's error
 * body for whatever Jetty rejects itself.
 */
public final class ApiServer implements AutoCloseable {
  /** The request line and the headers together may not exceed this. */
  static final int HEADER_LIMIT = 8192;

  /** A connection that sends nothing for this long is closed. */
  static final long IDLE_TIMEOUT_MS = 30_000;

  /**
   * TLS for the API.
   *
   * @param keystore a PKCS12 keystore holding the certificate and its private key
   * @param password the keystore's password; never shown by {@link #toString()}
   */
  public record Tls(Path keystore, String password) {
    @Override
    public String toString() {
      return "Tls[" + keystore + "]";
    }
  }

  /**
   * How to serve.
   *
   * @param host the address to bind
   * @param port the port, 0 for any free one
   * @param maxThreads the request thread pool size
   * @param maxConnections connections open at once; beyond it new ones wait to be accepted
   * @param tls the keystore for HTTPS, or null for plain HTTP
   */
  public record Config(String host, int port, int maxThreads, int maxConnections, Tls tls) {}

  private final Server server;
  private final ServerConnector connector;

  /**
   * Starts serving plain HTTP with the default connection limit (256).
   *
   * @param host the address to bind
   * @param port the port, 0 for any free one
   * @param maxThreads the request thread pool size
   * @throws Exception when the address cannot be bound
   */
  public ApiServer(String host, int port, int maxThreads, Handler handler) throws Exception {
    this(new Config(host, port, maxThreads, 256, null), handler);
  }

  /**
   * Starts serving.
   *
   * @throws java.io.IOException when the address cannot be bound or the keystore cannot be used
   *     (the message says which and what to change)
   */
  public ApiServer(Config config, Handler handler) throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(Math.max(config.maxThreads(), 8), 2);
    pool.setName("amtpxe-api");
    server = new Server(pool, new ScheduledExecutorScheduler("amtpxe-api-scheduler", false), null);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(HEADER_LIMIT);
    http.setResponseHeaderSize(HEADER_LIMIT);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    if (config.tls() == null) {
      connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    } else {
      http.setSecureScheme("https");
      http.addCustomizer(new SecureRequestCustomizer());
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStoreType("PKCS12");
      ssl.setKeyStorePath(config.tls().keystore().toAbsolutePath().toString());
      ssl.setKeyStorePassword(config.tls().password());
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      ssl.setRenegotiationAllowed(false);
      connector =
          new ServerConnector(
              server,
              1,
              1,
              new SslConnectionFactory(ssl, "http/1.1"),
              new HttpConnectionFactory(http));
    }
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
    server.setErrorHandler(new ApiErrorHandler(HEADER_LIMIT));
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
      String what =
          config.tls() != null && !(root instanceof java.net.BindException)
              ? "; check api_tls_keystore " + config.tls().keystore() + " and its password"
              : "; choose another api_port or api_host";
      throw new java.io.IOException(
          "Cannot serve the API on "
              + config.host()
              + ":"
              + config.port()
              + ": "
              + root.getMessage()
              + what,
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
