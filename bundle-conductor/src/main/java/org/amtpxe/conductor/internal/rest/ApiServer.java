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
   * @param ramdiskPort a second, plain-HTTP port serving only the deploy ramdisk's routes (0 for
   *     any free one), or -1 for none
   */
  public record Config(
      String host, int port, int maxThreads, int maxConnections, Tls tls, int ramdiskPort) {
    public Config(String host, int port, int maxThreads, int maxConnections, Tls tls) {
      this(host, port, maxThreads, maxConnections, tls, -1);
    }
  }

  /** The name of the connector that serves only the deploy ramdisk's routes. */
  public static final String RAMDISK_CONNECTOR = "ramdisk";

  private final Server server;
  private final ServerConnector connector;
  private final ServerConnector ramdiskConnector;

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
    if (config.ramdiskPort() >= 0) {
      // NOTE: plain HTTP beside an HTTPS API: the reference ramdisk (busybox wget) cannot verify
      // a certificate. Its routes authenticate with the agent token; ApiHandler answers nothing
      // else on this connector, so no password ever crosses it.
      HttpConfiguration plain = new HttpConfiguration(http);
      plain.setSecureScheme("http");
      plain.getCustomizers().clear();
      ramdiskConnector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(plain));
      ramdiskConnector.setName(RAMDISK_CONNECTOR);
      ramdiskConnector.setHost(config.host());
      ramdiskConnector.setPort(config.ramdiskPort());
      ramdiskConnector.setIdleTimeout(IDLE_TIMEOUT_MS);
      server.addConnector(ramdiskConnector);
      server.addBean(
          new NetworkConnectionLimit(config.maxConnections(), connector, ramdiskConnector));
    } else {
      ramdiskConnector = null;
      server.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
    }
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

  /** Whether the server runs and the API's connector accepts connections. */
  public boolean isOpen() {
    return server.isStarted() && connector.isOpen();
  }

  /** The deploy ramdisk's port actually bound, or -1 when there is none. */
  public int ramdiskPort() {
    return ramdiskConnector == null ? -1 : ramdiskConnector.getLocalPort();
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
