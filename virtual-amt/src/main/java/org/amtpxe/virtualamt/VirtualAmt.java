package org.amtpxe.virtualamt;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.amtpxe.virtualamt.internal.cim.CimDispatcher;
import org.amtpxe.virtualamt.internal.http.EmulatorServer;
import org.amtpxe.virtualamt.internal.node.AmtNode;
import org.amtpxe.virtualamt.internal.sol.RedirectionServer;
import org.amtpxe.virtualamt.internal.tls.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulator of Intel AMT's WS-Management interface hosting any number of virtual AMTs in one
 * process, each on its own address and port with its own credentials. Start it with {@link
 * #builder()}, read and drive the nodes through {@link #node(String)}, and {@link #close()} it.
 *
 * <pre>{@code
 * try (VirtualAmt amt = VirtualAmt.builder()
 *     .node(NodeSpec.builder("node-1").port(0).password("P@ssw0rd").build())
 *     .start()) {
 *   URI endpoint = amt.node("node-1").wsmanUri();   // http://127.0.0.1:<port>/wsman
 *   ...
 * }
 * }</pre>
 */
public final class VirtualAmt implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VirtualAmt.class);

  private final Map<String, AmtNode> nodes;
  private final EmulatorServer server;
  private final RedirectionServer redirection;
  private final ScheduledThreadPoolExecutor scheduler;
  private final TlsIdentity tls;
  private final URI controlUri;

  private VirtualAmt(
      Map<String, AmtNode> nodes,
      EmulatorServer server,
      RedirectionServer redirection,
      ScheduledThreadPoolExecutor scheduler,
      TlsIdentity tls,
      URI controlUri) {
    this.nodes = nodes;
    this.server = server;
    this.redirection = redirection;
    this.scheduler = scheduler;
    this.tls = tls;
    this.controlUri = controlUri;
  }

  /** A builder with no nodes, no control API and in-memory machines. */
  public static Builder builder() {
    return new Builder();
  }

  /** The nodes, in the order they were added. */
  public List<VirtualAmtNode> nodes() {
    return Collections.unmodifiableList(new ArrayList<>(nodes.values()));
  }

  /**
   * The node with this name.
   *
   * @throws NoSuchElementException if there is none
   */
  public VirtualAmtNode node(String name) {
    AmtNode node = nodes.get(name);
    if (node == null) {
      throw new NoSuchElementException(
          "No virtual AMT named '" + name + "'; the emulator has " + nodes.size() + " nodes");
    }
    return node;
  }

  /** The control API's base URI ({@code http://<address>:<port>/api}), if it was enabled. */
  public Optional<URI> controlUri() {
    return Optional.ofNullable(controlUri);
  }

  /** The SHA-256 fingerprint of the TLS certificate, if any node listens with TLS. */
  public Optional<String> tlsFingerprint() {
    return Optional.ofNullable(tls).map(TlsIdentity::sha256Fingerprint);
  }

  /** The TLS certificate, if any node listens with TLS (for clients that trust it explicitly). */
  public Optional<X509Certificate> tlsCertificate() {
    return Optional.ofNullable(tls).map(TlsIdentity::certificate);
  }

  /** Stops listening and releases every machine. */
  @Override
  public void close() {
    server.close();
    redirection.close();
    for (AmtNode node : nodes.values()) {
      node.machine().close();
    }
    scheduler.shutdownNow();
    LOG.debug("Virtual AMT emulator with {} nodes stopped", nodes.size());
  }

  @Override
  public String toString() {
    return "VirtualAmt["
        + nodes.size()
        + " nodes"
        + (controlUri == null ? "" : ", control " + controlUri)
        + "]";
  }

  /** Builds and starts a {@link VirtualAmt}. */
  public static final class Builder {
    private final List<NodeSpec> specs = new ArrayList<>();
    private Function<NodeSpec, MachineBackend> machineFactory =
        spec -> new InMemoryMachine(spec.initialPowerState(), spec.timing());
    private String controlAddress;
    private int controlPort;
    private Path keyStore;
    private String keyStorePassword;
    private int workerThreads = 32;

    private Builder() {}

    /** Adds a node. */
    public Builder node(NodeSpec spec) {
      specs.add(Objects.requireNonNull(spec, "spec"));
      return this;
    }

    /** Adds nodes. */
    public Builder nodes(Collection<NodeSpec> more) {
      more.forEach(this::node);
      return this;
    }

    /**
     * Adds {@code count} nodes like {@code template}, named {@code <prefix>1 .. <prefix><count>},
     * on consecutive IPv4 addresses from {@code firstAddress} (skipping .0 and .255) with the
     * template's ports; or, when {@code firstAddress} is null, all on the template's address with
     * consecutive ports from the template's (ports 0 stay 0).
     *
     * @throws IllegalArgumentException if count is not positive or the address is not IPv4
     */
    public Builder series(int count, String namePrefix, String firstAddress, NodeSpec template) {
      return nodes(NodeSpec.series(count, namePrefix, firstAddress, template));
    }

    /**
     * Chooses the machine behind each node; the default is an {@link InMemoryMachine} in the node's
     * initial power state with its timing.
     */
    public Builder machineFactory(Function<NodeSpec, MachineBackend> factory) {
      machineFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Enables the control API.
     *
     * @param address the address to listen on, e.g. {@code 127.0.0.1}
     * @param port the port (16990 by convention; 0 for any free port)
     */
    public Builder controlApi(String address, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("The control port must be 0 to 65535, not " + port);
      }
      controlAddress = Objects.requireNonNull(address, "address");
      controlPort = port;
      return this;
    }

    /**
     * Uses this PKCS#12 key store for TLS instead of generating a self-signed certificate.
     *
     * @param file the key store
     * @param password its password
     */
    public Builder tlsKeyStore(Path file, String password) {
      keyStore = Objects.requireNonNull(file, "file");
      keyStorePassword = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Threads serving requests, shared by all nodes (default 32), beyond the one selector thread
     * each listening socket has.
     */
    public Builder workerThreads(int threads) {
      if (threads < 4) {
        throw new IllegalArgumentException("Use at least 4 worker threads, not " + threads);
      }
      workerThreads = threads;
      return this;
    }

    /**
     * Starts listening.
     *
     * @return the running emulator
     * @throws IllegalArgumentException if there are no nodes, two nodes share a name or an address
     *     and port, or the TLS key store cannot be used
     * @throws IOException if a socket cannot be bound (the message names the node and address)
     */
    public VirtualAmt start() throws IOException {
      if (specs.isEmpty()) {
        throw new IllegalArgumentException("Add at least one node before starting the emulator");
      }
      checkUnique();
      TlsIdentity tls = tlsIdentity();
      AtomicInteger timerThreads = new AtomicInteger();
      ScheduledThreadPoolExecutor scheduler =
          new ScheduledThreadPoolExecutor(
              2,
              r -> {
                Thread t = new Thread(r, "virtual-amt-timer-" + timerThreads.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      scheduler.setRemoveOnCancelPolicy(true);
      Map<String, AmtNode> nodes = new LinkedHashMap<>();
      CimDispatcher dispatcher = new CimDispatcher();
      EmulatorServer server;
      RedirectionServer redirection;
      try {
        for (NodeSpec spec : specs) {
          MachineBackend machine =
              Objects.requireNonNull(
                  machineFactory.apply(spec),
                  "The machine factory returned null for " + spec.name());
          nodes.put(spec.name(), new AmtNode(spec, machine, scheduler, dispatcher));
        }
        server =
            new EmulatorServer(
                new ArrayList<>(nodes.values()),
                controlAddress,
                controlPort,
                tls,
                scheduler,
                workerThreads);
        server.start();
        try {
          redirection = new RedirectionServer(new ArrayList<>(nodes.values()));
        } catch (IOException | RuntimeException e) {
          server.close();
          throw e;
        }
      } catch (IOException | RuntimeException e) {
        nodes.values().forEach(n -> n.machine().close());
        scheduler.shutdownNow();
        throw e;
      }
      URI control =
          controlAddress == null
              ? null
              : URI.create(
                  "http://"
                      + (controlAddress.contains(":") ? "[" + controlAddress + "]" : controlAddress)
                      + ":"
                      + server.controlPort()
                      + "/api");
      LOG.info(
          "Virtual AMT emulator started: {} nodes{}",
          nodes.size(),
          control == null ? "" : ", control API " + control);
      return new VirtualAmt(nodes, server, redirection, scheduler, tls, control);
    }

    private void checkUnique() {
      Set<String> names = new HashSet<>();
      Set<String> endpoints = new HashSet<>();
      for (NodeSpec s : specs) {
        if (!names.add(s.name())) {
          throw new IllegalArgumentException("Two nodes are named '" + s.name() + "'");
        }
        for (int port : new int[] {s.port(), s.tlsPort(), s.redirectionPort()}) {
          if (port > 0 && !endpoints.add(s.address() + ":" + port)) {
            throw new IllegalArgumentException(
                "Node " + s.name() + " reuses " + s.address() + ":" + port + " of another node");
          }
        }
      }
    }

    private TlsIdentity tlsIdentity() throws IOException {
      if (specs.stream().noneMatch(NodeSpec::tlsEnabled)) {
        return null;
      }
      try {
        if (keyStore != null) {
          return TlsIdentity.load(keyStore, keyStorePassword);
        }
        Set<String> addresses = new LinkedHashSet<>();
        specs.forEach(s -> addresses.add(s.address()));
        return TlsIdentity.generate(addresses);
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("Cannot set up TLS: " + e.getMessage(), e);
      }
    }
  }
}
