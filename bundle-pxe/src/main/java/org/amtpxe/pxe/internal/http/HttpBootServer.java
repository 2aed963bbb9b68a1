package org.amtpxe.pxe.internal.http;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.amtpxe.pxe.internal.PxeMeters;
import org.amtpxe.pxe.internal.ServedFiles;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.AllowedResourceAliasChecker;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the HTTP root (iPXE scripts, kernels, ramdisks, images) with Jetty's ResourceHandler on
 * its own port: GET and HEAD only (with ranges), no directory listings, symbolic links only when
 * they stay inside the root, a bounded number of connections and an idle timeout; HTTPS when a
 * keystore is given.
 */
public final class HttpBootServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpBootServer.class);

  /**
   * How the server bounds its clients.
   *
   * @param idleTimeout a connection without progress for this long is closed
   * @param maxConnections connections open at once; beyond that new ones wait in the backlog
   * @param limitedIdleTimeout the idle timeout while at maxConnections, to shed idle clients
   * @param tls the keystore for HTTPS, or null for plain HTTP
   */
  public record Options(
      Duration idleTimeout, int maxConnections, Duration limitedIdleTimeout, HttpTls tls) {
    /**
     * 30 s idle, 256 connections (a few per booting node; iPXE and the ramdisk use one at a time),
     * 5 s idle while at the limit, plain HTTP.
     */
    public static final Options DEFAULTS =
        new Options(Duration.ofSeconds(30), 256, Duration.ofSeconds(5), null);

    /** These options with HTTPS from the given keystore (null: plain HTTP). */
    public Options withTls(HttpTls tls) {
      return new Options(idleTimeout, maxConnections, limitedIdleTimeout, tls);
    }
  }

  private final Server server;
  private final Path root;

  private HttpBootServer(Server server, Path root) {
    this.server = server;
    this.root = root;
  }

  /**
   * Starts serving plain HTTP with the default bounds.
   *
   * @see #start(Path, InetSocketAddress, Options)
   */
  public static HttpBootServer start(Path root, InetSocketAddress bind) throws Exception {
    return start(root, bind, Options.DEFAULTS);
  }

  /**
   * Starts serving.
   *
   * @param root the directory to serve; created when missing
   * @param bind the address and port to listen on
   * @param options the connection bounds and TLS
   * @return the running server
   * @throws Exception when the port cannot be bound, the keystore cannot be used or Jetty fails to
   *     start
   */
  public static HttpBootServer start(Path root, InetSocketAddress bind, Options options)
      throws Exception {
    return start(root, bind, options, PxeMeters.NONE);
  }

  /**
   * Starts serving, counting transfers in {@code meters}.
   *
   * @throws Exception as {@link #start(Path, InetSocketAddress, Options)}
   */
  public static HttpBootServer start(
      Path root, InetSocketAddress bind, Options options, PxeMeters meters) throws Exception {
    return start(root, bind, options, meters, ServedFiles.NONE);
  }

  /**
   * Starts serving, counting transfers in {@code meters} and noting the boot files sent whole to a
   * node being deployed in {@code served}.
   *
   * @throws Exception as {@link #start(Path, InetSocketAddress, Options)}
   */
  public static HttpBootServer start(
      Path root, InetSocketAddress bind, Options options, PxeMeters meters, ServedFiles served)
      throws Exception {
    Files.createDirectories(root);
    Path realRoot = root.toRealPath();
    // Threads named after the bundle, so that they can be told apart in a thread dump.
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("amtpxe-pxe-http");
    Server server =
        new Server(
            threads, new ScheduledExecutorScheduler("amtpxe-pxe-http-scheduler", false), null);
    ServerConnector connector;
    if (options.tls() == null) {
      connector = new ServerConnector(server, 1, 1);
    } else {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(options.tls().keystore().toString());
      ssl.setKeyStoreType("PKCS12");
      ssl.setKeyStorePassword(options.tls().password());
      connector = new ServerConnector(server, 1, 1, ssl);
    }
    connector.setHost(bind.getAddress().getHostAddress());
    connector.setPort(bind.getPort());
    connector.setIdleTimeout(options.idleTimeout().toMillis());
    server.addConnector(connector);
    // NOTE: at the limit the connector stops accepting (new clients wait in the kernel's
    // backlog) and the open connections get the shorter idle timeout, so that clients holding
    // connections idle (slowloris) are shed for ones that make requests.
    NetworkConnectionLimit limit = new NetworkConnectionLimit(options.maxConnections(), connector);
    limit.setEndPointIdleTimeout(options.limitedIdleTimeout().toMillis());
    server.addBean(limit);

    ResourceHandler files = new ResourceHandler();
    files.setDirAllowed(false);
    files.setEtags(true);
    files.setAcceptRanges(true);
    files.setWelcomeFiles();
    files.setBaseResource(ResourceFactory.of(server).newResource(realRoot));

    ContextHandler context = new ContextHandler(files, "/");
    context.setBaseResource(ResourceFactory.of(server).newResource(realRoot));
    // NOTE: per-MAC iPXE scripts are relative symlinks into node folders. Jetty treats any
    // symlink as an alias and refuses it by default. AllowedResourceAliasChecker allows exactly the
    // aliases whose real target is still under the root (its Symlink* subclass would allow any
    // target, which a test caught).
    context.clearAliasChecks();
    context.addAliasCheck(new AllowedResourceAliasChecker(context));
    server.setHandler(new GetAndHeadOnly(context, meters, served));
    server.setStopTimeout(2000);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    HttpBootServer s = new HttpBootServer(server, realRoot);
    LOG.info(
        "HTTP boot server serving {} on {}{}",
        realRoot,
        s.localAddress(),
        options.tls() == null ? "" : " (HTTPS)");
    return s;
  }

  /** Answers 405 to every method but GET and HEAD, before any file is looked up. */
  private static final class GetAndHeadOnly extends Handler.Wrapper {
    private final PxeMeters meters;
    private final ServedFiles served;

    GetAndHeadOnly(Handler handler, PxeMeters meters, ServedFiles served) {
      super(handler);
      this.meters = meters;
      this.served = served;
    }

    @Override
    public boolean handle(Request request, Response response, Callback original) throws Exception {
      long start = System.nanoTime();
      Callback callback =
          new Callback() {
            @Override
            public void succeeded() {
              observe(true);
              original.succeeded();
            }

            @Override
            public void failed(Throwable x) {
              observe(false);
              original.failed(x);
            }

            @Override
            public InvocationType getInvocationType() {
              return original.getInvocationType();
            }

            private void observe(boolean written) {
              int status = response.getStatus();
              String outcome =
                  !written || status >= 500
                      ? PxeMeters.FAILED
                      : status < 400 ? PxeMeters.OK : PxeMeters.REFUSED;
              long bytes = Response.getContentBytesWritten(response);
              meters.transfer("http", outcome, bytes, start);
              // A whole file only: a range (206) or a HEAD is not the file served.
              if (written
                  && status == HttpStatus.OK_200
                  && HttpMethod.GET.is(request.getMethod())) {
                served.served(
                    "http",
                    Request.getPathInContext(request),
                    Request.getRemoteAddr(request),
                    bytes);
              }
            }
          };
      String method = request.getMethod();
      if (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method)) {
        if (super.handle(request, response, callback)) {
          return true;
        }
        // Not found: answered here, so that the refusal is counted too.
        Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
        return true;
      }
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
      return true;
    }
  }

  /** Whether the server runs and its connector accepts connections. */
  public boolean isListening() {
    return server.isStarted() && ((ServerConnector) server.getConnectors()[0]).isOpen();
  }

  /** The address and port actually bound. */
  public InetSocketAddress localAddress() {
    ServerConnector c = (ServerConnector) server.getConnectors()[0];
    String host = c.getHost() == null ? "0.0.0.0" : c.getHost();
    return new InetSocketAddress(host, c.getLocalPort());
  }

  @Override
  public void close() {
    try {
      server.stop();
      LOG.info("HTTP boot server on {} stopped", root);
    } catch (Exception e) {
      LOG.warn("HTTP boot server on {} did not stop cleanly: {}", root, e.toString());
    }
  }
}
