package org.amtpxe.pxe.internal.http;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.AllowedResourceAliasChecker;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the HTTP root (iPXE scripts, kernels, ramdisks, images) with Jetty's ResourceHandler on
 * its own port: GET and HEAD with ranges, no directory listings, and symbolic links only when they
 * stay inside the root.
 */
public final class HttpBootServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpBootServer.class);

  private final Server server;
  private final Path root;

  private HttpBootServer(Server server, Path root) {
    this.server = server;
    this.root = root;
  }

  /**
   * Starts serving.
   *
   * @param root the directory to serve; created when missing
   * @param bind the address and port to listen on
   * @return the running server
   * @throws Exception when the port cannot be bound or Jetty fails to start
   */
  public static HttpBootServer start(Path root, InetSocketAddress bind) throws Exception {
    Files.createDirectories(root);
    Path realRoot = root.toRealPath();
    // Threads named after the bundle, so that they can be told apart in a thread dump.
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("amtpxe-pxe-http");
    Server server =
        new Server(
            threads, new ScheduledExecutorScheduler("amtpxe-pxe-http-scheduler", false), null);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost(bind.getAddress().getHostAddress());
    connector.setPort(bind.getPort());
    server.addConnector(connector);

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
    server.setHandler(context);
    server.setStopTimeout(2000);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
    HttpBootServer s = new HttpBootServer(server, realRoot);
    LOG.info("HTTP boot server serving {} on {}", realRoot, s.localAddress());
    return s;
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
