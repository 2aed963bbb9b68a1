package org.amtpxe.conductor.internal.console;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.ConsoleInterface;
import org.amtpxe.api.driver.ConsoleSession;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.service.NodeService;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ironic's console interface on the conductor side (docs/console.md): enabling a node's console
 * prepares the hardware through the driver and opens a TCP port bridged to its serial port;
 * disabling closes it. Whether a console is enabled, and its port, are kept in the node's {@code
 * driver_internal_info} ({@value #ENABLED}, {@value #PORT}), so that consoles come back on the same
 * port after a restart ({@link #restore}).
 */
public final class ConsoleService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleService.class);

  /** driver_internal_info key: true while the console is enabled. */
  public static final String ENABLED = "console_enabled";

  /** driver_internal_info key: the console's TCP port. */
  public static final String PORT = "console_port";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** What GET states/console shows of an enabled console. */
  public record Info(String host, int port, String token) {
    /** {@code tcp://host:port}, the way Ironic's socat console shows it. */
    public String url() {
      return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  private final TaskManager tasks;
  private final NodeService nodes;
  private final DriverRegistry drivers;
  private final String host;
  private final Map<String, ConsoleBridge> bridges = new ConcurrentHashMap<>();

  /**
   * @param host the address console ports bind; off loopback, clients must send a token first
   */
  // The live conductors the open consoles were last balanced for (null before the first time).
  private Set<String> balancedFor;

  public ConsoleService(TaskManager tasks, NodeService nodes, DriverRegistry drivers, String host) {
    this.tasks = tasks;
    this.nodes = nodes;
    this.drivers = drivers;
    this.host = host;
  }

  /** True when the node's console is enabled. */
  public static boolean enabled(Node node) {
    return Boolean.TRUE.equals(node.driverInternalInfo().get(ENABLED));
  }

  /**
   * Starts enabling or disabling a node's console on a worker and returns; the node's {@code
   * console_enabled} changes when it is done, or {@code last_error} says why not.
   *
   * @throws ConductorException NOT_FOUND, INVALID (no console interface, bad driver_info), LOCKED,
   *     BUSY
   */
  public void setEnabled(String ident, boolean enable) throws ConductorException {
    Node node = nodes.node(ident);
    BareMetalDriver driver = drivers.require(node);
    Optional<ConsoleInterface> console = driver.console();
    if (enable && console.isEmpty()) {
      throw ConductorException.invalid(
          "Node "
              + node.uuid()
              + ": driver "
              + node.driver()
              + " has no console interface; the console cannot be enabled.");
    }
    Task task = tasks.acquire(node, driver);
    TaskManager.startOrRelease(
        task,
        () -> {
          if (enable) {
            console.get().validate(task);
          }
          task.spawn(
              n -> n.toBuilder().lastError(null).build(),
              () -> {
                if (enable) {
                  enableWork(task, console.get());
                } else {
                  disableWork(task, console);
                }
              });
        });
  }

  private void enableWork(Task task, ConsoleInterface console) {
    String uuid = task.node().uuid();
    try {
      console.startConsole(task);
      int port = open(task.node());
      task.complete(n -> withConsole(n, true, port));
      LOG.info("Node {}: console enabled on {}:{}", uuid, host, port);
    } catch (DriverException | IOException | RuntimeException e) {
      closeBridge(uuid, "the console could not be enabled");
      String message = "Failed to enable the console. Error: " + TaskManager.messageOf(e);
      LOG.warn("Node {}: {}", uuid, message);
      task.record(n -> n.toBuilder().lastError(message).build(), true);
    }
  }

  private void disableWork(Task task, Optional<ConsoleInterface> console) {
    String uuid = task.node().uuid();
    closeBridge(uuid, "the console was disabled");
    try {
      if (console.isPresent()) {
        console.get().stopConsole(task);
      }
      task.complete(n -> withConsole(n, false, null));
      LOG.info("Node {}: console disabled", uuid);
    } catch (DriverException | RuntimeException e) {
      String message = "Failed to disable the console. Error: " + TaskManager.messageOf(e);
      task.record(n -> withConsole(n, false, null).toBuilder().lastError(message).build(), true);
    }
  }

  private static Node withConsole(Node n, boolean enabled, Integer port) {
    Map<String, Object> dii = new LinkedHashMap<>(n.driverInternalInfo());
    if (enabled) {
      dii.put(ENABLED, true);
      dii.put(PORT, port);
    } else {
      dii.remove(ENABLED);
      dii.remove(PORT);
    }
    return n.toBuilder().driverInternalInfo(dii).lastError(null).build();
  }

  /**
   * Opens the node's bridge on its recorded port, or on a free one when that is taken or none is
   * recorded; an open bridge is kept.
   *
   * @return the port
   */
  private int open(Node node) throws IOException {
    ConsoleBridge existing = bridges.get(node.uuid());
    if (existing != null) {
      return existing.port();
    }
    int wanted = recordedPort(node);
    String token = ApiServer.isLoopback(host) ? null : newToken();
    ConsoleBridge bridge;
    try {
      bridge = new ConsoleBridge(label(node), host, wanted, token, () -> session(node.uuid()));
    } catch (IOException e) {
      if (wanted == 0) {
        throw e;
      }
      LOG.info("Node {}: console port {} is taken; using another", node.uuid(), wanted);
      bridge = new ConsoleBridge(label(node), host, 0, token, () -> session(node.uuid()));
    }
    ConsoleBridge raced = bridges.putIfAbsent(node.uuid(), bridge);
    if (raced != null) {
      bridge.close();
      return raced.port();
    }
    return bridge.port();
  }

  private static int recordedPort(Node node) {
    Object port = node.driverInternalInfo().get(PORT);
    return port instanceof Number n && n.intValue() > 0 && n.intValue() < 65536 ? n.intValue() : 0;
  }

  private static String label(Node node) {
    return "Node " + node.uuid();
  }

  private static String newToken() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** A session for a client: the node read again (credentials may have changed), a shared task. */
  private ConsoleSession session(String uuid) throws ConductorException, DriverException {
    Node node = nodes.find(uuid).orElse(null);
    if (node == null) {
      // Deleted by a path that did not close its console (the shell): close it now.
      closeBridge(uuid, "the node was deleted");
      throw ConductorException.notFound("Node " + uuid + " could not be found.");
    }
    if (!enabled(node)) {
      throw ConductorException.invalid("Node " + uuid + ": the console is not enabled.");
    }
    BareMetalDriver driver = drivers.require(node);
    ConsoleInterface console =
        driver
            .console()
            .orElseThrow(
                () ->
                    ConductorException.invalid(
                        "Node " + uuid + ": driver " + node.driver() + " has no console now."));
    try (Task task = tasks.shared(node, driver)) {
      return console.openSession(task);
    }
  }

  /**
   * The console of a node as GET states/console shows it: present while enabled and its port open.
   *
   * @throws ConductorException NOT_FOUND
   */
  public Optional<Info> info(String ident) throws ConductorException {
    Node node = nodes.node(ident);
    ConsoleBridge bridge = bridges.get(node.uuid());
    if (!enabled(node) || bridge == null) {
      return Optional.empty();
    }
    return Optional.of(new Info(host, bridge.port(), bridge.token()));
  }

  /**
   * Opens the ports of every node of this conductor whose console was enabled (after a restart); a
   * node whose port cannot be opened is logged and left enabled, to be retried by enabling it
   * again.
   */
  public void restore() {
    for (Node node : nodes.nodes(NodeQuery.all())) {
      // Among several conductors, the owner of a node serves its console (its API is where
      // requests for the node are forwarded).
      if (!enabled(node) || !tasks.ownership().mine(node)) {
        continue;
      }
      try {
        int port = open(node);
        LOG.info("Node {}: console restored on {}:{}", node.uuid(), host, port);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Node {}: console could not be restored: {}", node.uuid(), e.getMessage());
      }
    }
  }

  /**
   * After the live conductors changed (one died, stopped, joined or returned): opens the consoles
   * of enabled nodes that became this conductor's, and closes those of nodes another conductor owns
   * now, which opens them on its side. A client attached through a closed port reconnects through
   * the node's new {@code console_info}.
   *
   * @param live the live conductors of the ring
   */
  public synchronized void rebalance(Set<String> live) {
    if (live.equals(balancedFor)) {
      return;
    }
    // NOTE: the first call does the whole pass too: the ring may have changed between the
    // start's restore and this conductor's first heartbeat.
    balancedFor = Set.copyOf(live);
    for (String uuid : Set.copyOf(bridges.keySet())) {
      Node node = nodes.find(uuid).orElse(null);
      if (node == null || !tasks.ownership().mine(node)) {
        closeBridge(
            uuid, "the node moved to another conductor; attach again from its owner's page");
        LOG.info("Node {}: console closed here; its new owner serves it", uuid);
      }
    }
    restore();
  }

  /** Closes a deleted node's console. */
  public void forget(String uuid) {
    closeBridge(uuid, "the node was deleted");
  }

  private void closeBridge(String uuid, String reason) {
    ConsoleBridge bridge = bridges.remove(uuid);
    if (bridge != null) {
      bridge.close(reason);
    }
  }

  /**
   * Someone watching a console from the web page (docs/console.md#web-terminal). Called from the
   * console's thread: neither method may block.
   */
  public interface Viewer {
    /**
     * Queues output of the serial port, raw bytes.
     *
     * @return false when the viewer's queue is full: it is then detached and ended
     */
    boolean offer(byte[] bytes);

    /**
     * A console session is open now (or was already when the viewer attached): keys reach the
     * machine from here on. The default does nothing.
     */
    default void connected() {}

    /** The console ended for this viewer; the reason is for its user. */
    void end(String reason);
  }

  /** A viewer attached to a node's console: types keys, and detaches. */
  public interface Attachment extends AutoCloseable {
    /** The node's UUID. */
    String node();

    /**
     * Types keys into the console's session.
     *
     * @return false when no session is open at this moment (the keys are lost, as on a serial line)
     * @throws IOException when the session failed to take them
     */
    boolean type(byte[] keys) throws IOException;

    /** Detaches the viewer (idempotent); the session closes with the last viewer. */
    @Override
    void close();
  }

  /**
   * Attaches a viewer to a node's enabled console, beside the console port's client and other
   * viewers: all see the same output (at most {@value ConsoleBridge#MAX_VIEWERS} per console).
   *
   * @throws ConductorException NOT_FOUND; CONFLICT when the console is not enabled, when it is
   *     served by another conductor (the node's owner, named with its API URL), or when it has as
   *     many viewers as it may
   */
  public Attachment attach(String ident, Viewer viewer) throws ConductorException {
    Node node = nodes.node(ident);
    if (!tasks.ownership().mine(node)) {
      throw ConductorException.conflict(elsewhere(node));
    }
    ConsoleBridge bridge = bridges.get(node.uuid());
    if (!enabled(node) || bridge == null) {
      throw ConductorException.conflict(
          "The console of node "
              + node.uuid()
              + " is not enabled; enable it first (PUT /v1/nodes/"
              + node.uuid()
              + "/states/console {\"enabled\": true}).");
    }
    try {
      bridge.attach(viewer);
    } catch (ConsoleBridge.Full e) {
      throw ConductorException.conflict(e.getMessage());
    }
    String uuid = node.uuid();
    return new Attachment() {
      @Override
      public String node() {
        return uuid;
      }

      @Override
      public boolean type(byte[] keys) throws IOException {
        return bridge.type(keys);
      }

      @Override
      public void close() {
        bridge.detach(viewer);
      }
    };
  }

  /** Where a node's console is, when another conductor owns the node. */
  private String elsewhere(Node node) {
    String owner = tasks.ownership().owner(node).orElse(null);
    String url =
        tasks.ownership().members().stream()
            .filter(m -> m.row().hostname().equals(owner))
            .map(m -> m.row().apiUrl())
            .findFirst()
            .orElse(null);
    return "The console of node "
        + node.uuid()
        + " is served by its owner, conductor "
        + (owner == null ? "(none alive now)" : owner)
        + "; open the web page there"
        + (url == null ? "" : ": " + url + "/ui/")
        + ".";
  }

  /** The nodes with an open console port now. */
  public int openConsoles() {
    return bridges.size();
  }

  /** Closes every console port (the conductor stops; they are restored at the next start). */
  @Override
  public void close() {
    bridges.values().forEach(b -> b.close("the conductor stops"));
    bridges.clear();
  }
}
