package org.amtpxe.conductor.internal.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.conductor.internal.store.AgentCredentials;
import org.amtpxe.conductor.internal.store.AgentTokenDao;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.LockDao;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.store.PortDao;

/**
 * The store's DAOs one transaction per call, for tests: set a node up, read it back, take its lock
 * as another conductor would.
 */
public final class StoreProbe {

  /** The keys nodes can be sorted by. */
  public static final Set<String> SORT_KEYS = NodeDao.SORT_KEYS.keySet();

  /** The fault of a node the power sync put into maintenance (Ironic's {@code power failure}). */
  public static final String POWER_FAILURE =
      org.amtpxe.conductor.internal.sync.PowerSync.POWER_FAILURE;

  private final Database database;
  private final Clock clock;

  public StoreProbe(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** The database, for callers that compose DAO calls in one transaction. */
  public Database database() {
    return database;
  }

  /** Now, at the precision both databases keep (microseconds). */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  // ---- nodes ----

  /**
   * Stores a new node with its created_at set to now.
   *
   * @return the node as stored
   * @throws DuplicateKeyException when the UUID, name or instance UUID is taken
   */
  public Node insertNode(Node node) {
    Node stored =
        node.toBuilder().createdAt(now()).updatedAt(null).reservation(null).fault(null).build();
    database.transaction(
        h -> {
          NodeDao.insert(h, stored);
          return null;
        });
    return stored;
  }

  /** The node with this UUID. */
  public Optional<Node> findNode(String uuid) {
    return database.transaction(h -> NodeDao.find(h, uuid));
  }

  /** The node with this name. */
  public Optional<Node> findNodeByName(String name) {
    return database.transaction(h -> NodeDao.findByName(h, name));
  }

  /**
   * Nodes matching the query, in its order (ties broken by UUID), after its marker and up to its
   * limit, filtered, sorted and paged by the database.
   *
   * @throws MarkerNotFoundException when the query's marker names no node
   */
  public List<Node> listNodes(NodeQuery q) {
    return database.transaction(h -> NodeDao.list(h, q));
  }

  /**
   * Writes every field of the node except its reservation, fault and created_at; updated_at becomes
   * now.
   *
   * @return the node as stored, or empty when it no longer exists
   * @throws DuplicateKeyException when the new name or instance UUID is taken
   */
  public Optional<Node> updateNode(Node node) {
    Instant now = now();
    return database.transaction(
        h -> NodeDao.find(h, node.uuid()).map(current -> NodeDao.update(h, current, node, now)));
  }

  /**
   * Reads, changes and writes a node in one transaction, holding a row lock in between.
   *
   * @param change returns the node to store; may return its argument unchanged
   * @return the node as stored, or empty when it does not exist
   */
  public Optional<Node> modifyNode(String uuid, UnaryOperator<Node> change) {
    return modifyNode(uuid, change, null);
  }

  /**
   * Like {@link #modifyNode(String, UnaryOperator)}, and in the same transaction releases the
   * exclusive lock held by {@code releaseHost} (when not null): a client that sees the new state
   * never finds the node still locked by the operation that set it.
   */
  public Optional<Node> modifyNode(String uuid, UnaryOperator<Node> change, String releaseHost) {
    Instant now = now();
    return database.transaction(
        h -> {
          Optional<Node> current = NodeDao.findForUpdate(h, uuid);
          if (current.isEmpty()) {
            return Optional.empty();
          }
          Node changed = change.apply(current.get());
          Node result =
              changed == current.get()
                  ? current.get()
                  : NodeDao.update(h, current.get(), changed, now);
          if (releaseHost != null && LockDao.release(h, uuid, releaseHost)) {
            result = result.toBuilder().reservation(null).build();
          }
          return Optional.of(result);
        });
  }

  /**
   * Sets a node's power state unless someone holds its lock or changes its power: for the periodic
   * sync, which must not overwrite a change in progress.
   *
   * @return true when the row was updated
   */
  public boolean updatePowerStateIfIdle(String uuid, PowerState expected, PowerState actual) {
    Instant now = now();
    return database.transaction(
        h -> NodeDao.updatePowerStateIfIdle(h, uuid, expected, actual, now));
  }

  /**
   * Puts an idle node into maintenance because of a fault the conductor found, recording the fault
   * so that the conductor alone may take the node out again ({@link #clearFault}). A node already
   * in maintenance, locked or changing power is left alone.
   *
   * @param reason the maintenance reason and last error: what failed and what to do
   * @return true when the node went into maintenance
   */
  public boolean enterFaultMaintenance(String uuid, String fault, String reason) {
    Instant now = now();
    return database.transaction(h -> NodeDao.enterFaultMaintenance(h, uuid, fault, reason, now));
  }

  /**
   * Takes a node out of the maintenance {@link #enterFaultMaintenance} put it in, with the power
   * state just read, unless an operator has changed its maintenance since or it is locked.
   *
   * @return true when the node left maintenance
   */
  public boolean clearFault(String uuid, String fault, PowerState actual) {
    Instant now = now();
    return database.transaction(h -> NodeDao.clearFault(h, uuid, fault, actual, now));
  }

  /**
   * Gives a node's deploy ramdisk its agent token: only when the node waits for its callback and no
   * token was given yet in this deploy, atomically, so that of concurrent lookups exactly one wins.
   * No lock is taken. The token is cleared by every change that moves the node out of {@code
   * deploying} / {@code wait call-back}.
   *
   * @param tokenHash the token's SHA-256 in hex; the token itself is never stored
   * @param address the address the lookup came from: the only one the callback is accepted from
   * @return true when this call gave the token
   */
  public boolean issueAgentToken(String uuid, String tokenHash, String address) {
    return database.transaction(h -> AgentTokenDao.issue(h, uuid, tokenHash, address));
  }

  /** The agent credentials of the node with this UUID. */
  public Optional<AgentCredentials> agentCredentials(String uuid) {
    return database.transaction(h -> AgentTokenDao.credentials(h, uuid));
  }

  /** The UUIDs of the nodes in maintenance because of {@code fault}. */
  public Set<String> nodesWithFault(String fault) {
    return database.transaction(h -> NodeDao.withFault(h, fault));
  }

  /**
   * Deletes a node and its ports.
   *
   * @return false when the node did not exist
   */
  public boolean deleteNode(String uuid) {
    return database.transaction(
        h -> {
          PortDao.deleteOfNode(h, uuid);
          return NodeDao.delete(h, uuid);
        });
  }

  /**
   * Takes a node's exclusive lock: sets its reservation if nobody holds it, atomically.
   *
   * @return true when this host now holds the lock
   */
  public boolean reserve(String uuid, String host) {
    return database.transaction(h -> LockDao.reserve(h, uuid, host));
  }

  /**
   * Gives back a node's exclusive lock held by this host.
   *
   * @return false when the host did not hold it
   */
  public boolean release(String uuid, String host) {
    return database.transaction(h -> LockDao.release(h, uuid, host));
  }

  /**
   * Clears every reservation held by a host, for a conductor that starts after a crash.
   *
   * @return the number of locks released
   */
  public int releaseAll(String host) {
    return database.transaction(h -> LockDao.releaseAll(h, host));
  }

  /** The number of nodes. */
  public int countNodes() {
    return database.transaction(NodeDao::count);
  }

  // ---- ports ----

  /**
   * Stores a new port.
   *
   * @throws DuplicateKeyException when the MAC address or UUID is taken
   * @throws StoreException when the node does not exist
   */
  public Port insertPort(Port port) {
    Port stored = port.toBuilder().createdAt(now()).updatedAt(null).build();
    database.transaction(
        h -> {
          PortDao.insert(h, stored);
          return null;
        });
    return stored;
  }

  /** The port with this UUID. */
  public Optional<Port> findPort(String uuid) {
    return database.transaction(h -> PortDao.find(h, uuid));
  }

  /** The port with this MAC address. */
  public Optional<Port> findPortByAddress(MacAddress address) {
    return database.transaction(h -> PortDao.findByAddress(h, address));
  }

  /** A node's ports, oldest first. */
  public List<Port> portsOf(String nodeUuid) {
    return database.transaction(h -> PortDao.ofNode(h, nodeUuid));
  }

  /** Every port, oldest first. */
  public List<Port> listPorts() {
    return database.transaction(PortDao::all);
  }

  /** The ports of these nodes (one query), by node UUID. */
  public Map<String, List<Port>> portsOf(java.util.Collection<String> nodeUuids) {
    Map<String, List<Port>> byNode = new HashMap<>();
    for (Port p : database.transaction(h -> PortDao.ofNodes(h, nodeUuids))) {
      byNode.computeIfAbsent(p.nodeUuid(), k -> new ArrayList<>()).add(p);
    }
    return byNode;
  }

  /** The ports of every node, by node UUID. */
  public Map<String, List<Port>> portsByNode() {
    Map<String, List<Port>> byNode = new HashMap<>();
    for (Port p : listPorts()) {
      byNode.computeIfAbsent(p.nodeUuid(), k -> new ArrayList<>()).add(p);
    }
    return byNode;
  }

  /**
   * Writes a port's address, node, pxe_enabled and extra; updated_at becomes now. One transaction.
   *
   * @return the port as stored, or empty when it no longer exists
   * @throws DuplicateKeyException when the new MAC address is taken
   */
  public Optional<Port> updatePort(Port port) {
    Instant now = now();
    return database.transaction(
        h -> PortDao.update(h, port, now) ? PortDao.find(h, port.uuid()) : Optional.empty());
  }

  /**
   * Deletes a port.
   *
   * @return false when it did not exist
   */
  public boolean deletePort(String uuid) {
    return database.transaction(h -> PortDao.delete(h, uuid));
  }
}
