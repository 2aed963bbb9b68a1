package org.amtpxe.virtualamt.internal.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.virtualamt.internal.node.AmtNode;
import org.amtpxe.virtualamt.internal.tls.TlsIdentity;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The one Jetty server behind all virtual AMTs: a connector per node address and port (and per TLS
 * port), one for the control API, one shared thread pool. Each connector uses one selector thread
 * and no acceptor thread, so that a thousand nodes cost about a thousand threads.
 */
public final class EmulatorServer implements AutoCloseable {
  private static final int SELECTOR_STACK_BYTES = 512 * 1024;
  private static final long IDLE_TIMEOUT_MS = 30_000;

  private final Server server;
  private final Map<Connector, AmtNode> nodesByConnector = new IdentityHashMap<>();
  private final Map<AmtNode, ServerConnector[]> connectorsByNode = new IdentityHashMap<>();
  private final ServerConnector controlConnector;

  /**
   * Builds the server; nothing listens until {@link #start()}.
   *
   * @param nodes the nodes
   * @param controlAddress where the control API listens, or null for none
   * @param controlPort its port (0 for any free port)
   * @param tls the TLS identity, or null when no node uses TLS
   * @param scheduler the emulator's scheduler (latency, sleep delays)
   * @param workerThreads threads serving requests, beyond the selector threads
   */
  public EmulatorServer(
      List<AmtNode> nodes,
      String controlAddress,
      int controlPort,
      TlsIdentity tls,
      ScheduledExecutorService scheduler,
      int workerThreads) {
    int connectors = 1;
    for (AmtNode n : nodes) {
      connectors += n.spec().tlsEnabled() ? 2 : 1;
    }
    QueuedThreadPool pool =
        new QueuedThreadPool(
            connectors + workerThreads,
            Math.min(8, connectors + workerThreads),
            60_000,
            -1,
            null,
            null,
            threadFactory());
    pool.setName("virtual-amt");
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    http.setSendXPoweredBy(false);
    SslContextFactory.Server ssl = null;
    if (tls != null) {
      ssl = new SslContextFactory.Server();
      ssl.setKeyStore(tls.keyStore());
      ssl.setKeyStorePassword(tls.keyStorePassword());
    }
    for (AmtNode node : nodes) {
      ServerConnector plain = connector(node.spec().address(), node.spec().port(), http, null);
      plain.addBean(new WakeListener(node, false));
      nodesByConnector.put(plain, node);
      ServerConnector secure = null;
      if (node.spec().tlsEnabled()) {
        if (ssl == null) {
          throw new IllegalArgumentException(
              "Node " + node.name() + " wants TLS but the emulator has no TLS identity");
        }
        secure = connector(node.spec().address(), node.spec().tlsPort(), http, ssl);
        secure.addBean(new WakeListener(node, true));
        nodesByConnector.put(secure, node);
      }
      connectorsByNode.put(node, new ServerConnector[] {plain, secure});
    }
    controlConnector =
        controlAddress == null ? null : connector(controlAddress, controlPort, http, null);
    List<AmtNode> all = new ArrayList<>(nodes);
    WsmanHandler wsman = new WsmanHandler(scheduler);
    ControlApi control = new ControlApi(all, tls == null ? null : tls.sha256Fingerprint());
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            Connector c = request.getConnectionMetaData().getConnector();
            AmtNode node = nodesByConnector.get(c);
            if (node != null) {
              wsman.handle(node, request, response, callback);
              return true;
            }
            if (c == controlConnector) {
              control.handle(request, response, callback);
              return true;
            }
            return false;
          }
        });
  }

  private ServerConnector connector(
      String address, int port, HttpConfiguration http, SslContextFactory.Server ssl) {
    HttpConnectionFactory httpFactory = new HttpConnectionFactory(http);
    ServerConnector c =
        ssl == null
            ? new ServerConnector(server, null, null, null, 0, 1, httpFactory)
            : new ServerConnector(
                server,
                null,
                null,
                null,
                0,
                1,
                new SslConnectionFactory(ssl, httpFactory.getProtocol()),
                httpFactory);
    c.setHost(address);
    c.setPort(port);
    c.setIdleTimeout(IDLE_TIMEOUT_MS);
    c.setReuseAddress(true);
    server.addConnector(c);
    return c;
  }

  private static ThreadFactory threadFactory() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread t =
          new Thread(
              null, runnable, "virtual-amt-" + count.incrementAndGet(), SELECTOR_STACK_BYTES);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Starts listening on every connector.
   *
   * @throws IOException naming the address that cannot be bound
   */
  public void start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      close();
      throw new IOException(bindFailure(e), e);
    } catch (Exception e) {
      close();
      throw new IOException("The emulator cannot start: " + e.getMessage(), e);
    }
    for (Map.Entry<AmtNode, ServerConnector[]> e : connectorsByNode.entrySet()) {
      ServerConnector[] pair = e.getValue();
      e.getKey().bound(pair[0].getLocalPort(), pair[1] == null ? -1 : pair[1].getLocalPort());
    }
  }

  private String bindFailure(IOException e) {
    for (Connector c : server.getConnectors()) {
      if (c instanceof ServerConnector sc && sc.getLocalPort() <= 0) {
        AmtNode node = nodesByConnector.get(sc);
        String who = node == null ? "the control API" : "node " + node.name();
        return "Cannot listen on "
            + sc.getHost()
            + ":"
            + sc.getPort()
            + " for "
            + who
            + ": "
            + e.getMessage()
            + ". Is another emulator running? Choose other addresses or ports (port 0 picks a free one).";
      }
    }
    return "Cannot listen: " + e.getMessage();
  }

  /** The control API's port, or -1 without a control API. */
  public int controlPort() {
    return controlConnector == null ? -1 : controlConnector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // Stopping releases the sockets even when a component complains.
    }
  }

  /** Sees every TCP connection of a node: counts it and wakes the management engine. */
  private static final class WakeListener implements Connection.Listener {
    private final AmtNode node;
    private final boolean tls;

    WakeListener(AmtNode node, boolean tls) {
      this.node = node;
      this.tls = tls;
    }

    @Override
    public void onOpened(Connection connection) {
      // NOTE: a TLS connection opens two Jetty connections (TLS, then HTTP); count the first.
      if (tls && !(connection instanceof SslConnection)) {
        return;
      }
      node.stats().connection();
      node.engine().connectionOpened(System.nanoTime(), node.switches());
    }
  }
}
