package org.amtpxe.virtualamt.internal.sol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.internal.node.AmtNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redirection listeners of the nodes that open one (TCP 16994 on real AMT): one accept thread
 * per node and one thread per connection, at most {@value #MAX_CONNECTIONS} per node, as firmware
 * serves only a handful.
 */
public final class RedirectionServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedirectionServer.class);

  /** Connections one node serves at once; more are closed at once. */
  static final int MAX_CONNECTIONS = 4;

  private final List<ServerSocket> sockets = new ArrayList<>();
  private final List<Socket> connections = new ArrayList<>();
  private final AtomicInteger threads = new AtomicInteger();
  private volatile boolean closed;

  /**
   * Binds the listeners of every node whose spec asks for one.
   *
   * @throws IOException naming the node and address when a port cannot be bound
   */
  public RedirectionServer(List<AmtNode> nodes) throws IOException {
    try {
      for (AmtNode node : nodes) {
        int port = node.spec().redirectionPort();
        if (port == NodeSpec.NO_REDIRECTION) {
          continue;
        }
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        try {
          socket.bind(new InetSocketAddress(InetAddress.getByName(node.spec().address()), port));
        } catch (IOException e) {
          throw new IOException(
              "Node "
                  + node.spec().name()
                  + ": cannot listen for redirection on "
                  + node.spec().address()
                  + ":"
                  + port
                  + ": "
                  + e.getMessage(),
              e);
        }
        node.redirectionBound(socket.getLocalPort());
        start("virtual-amt-sol-accept-" + node.spec().name(), () -> accept(node, socket));
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void accept(AmtNode node, ServerSocket server) {
    Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("Node {}: redirection listener stopped: {}", node.spec().name(), e.toString());
        }
        return;
      }
      if (!slots.tryAcquire()) {
        closeQuietly(socket);
        continue;
      }
      synchronized (connections) {
        connections.add(socket);
      }
      start(
          "virtual-amt-sol-" + node.spec().name() + "-" + threads.incrementAndGet(),
          () -> {
            try {
              new RedirectionSession(node, socket).run();
            } finally {
              closeQuietly(socket);
              synchronized (connections) {
                connections.remove(socket);
              }
              slots.release();
            }
          });
    }
  }

  private static void start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  /** Stops listening and drops every open session. */
  @Override
  public void close() {
    closed = true;
    sockets.forEach(RedirectionServer::closeQuietly);
    synchronized (connections) {
      connections.forEach(RedirectionServer::closeQuietly);
    }
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // nothing more to release
    }
  }
}
