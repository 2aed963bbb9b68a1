package org.amtpxe.conductor.internal.service;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.DeployState;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.cluster.Takeover;
import org.amtpxe.conductor.internal.store.AgentCredentials;
import org.amtpxe.conductor.internal.store.AgentTokenDao;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.store.PortDao;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deploy ramdisk's side of a deploy: its lookup (a one-time agent token, after Ironic's), its
 * callback (authenticated by that token and the lookup's address before anything is locked), the
 * deploy's continuation, and the timeout of deploys whose ramdisk never called back.
 */
public final class RamdiskService {
  private static final Logger LOG = LoggerFactory.getLogger(RamdiskService.class);

  private final Store store;
  private final TaskManager tasks;
  private final NodeService nodes;
  private final DriverRegistry drivers;
  private final AgentTokens tokens = new AgentTokens(new java.security.SecureRandom());

  public RamdiskService(TaskManager tasks, NodeService nodes, DriverRegistry drivers) {
    this.store = tasks.store();
    this.tasks = tasks;
    this.nodes = nodes;
    this.drivers = drivers;
  }

  /** The last_error recorded for a deploy whose ramdisk never called back. */
  public static final String CALLBACK_TIMEOUT_ERROR = "Timeout reached while waiting for callback";

  /**
   * The one answer to a ramdisk request that is refused before it is trusted: an unknown node, a
   * node not waiting for its callback, a token or address that does not match. Being the same
   * whatever the cause, it tells a stranger nothing about the nodes.
   */
  public static final String RAMDISK_REFUSED =
      "No deploy is waiting for this ramdisk: the node is unknown, is not waiting for its"
          + " callback, or the agent token or the address does not match the node's lookup.";

  /** The most MAC addresses one lookup may name. */
  public static final int MAX_LOOKUP_ADDRESSES = 16;

  /** What a deploy ramdisk's lookup gives it: its node and its one-time agent token. */
  public record AgentLookup(String nodeUuid, String token) {}

  /**
   * Whether the method is a deploy callback of any loaded driver (the route needs no Basic auth).
   */
  public boolean isDeployCallback(String method) {
    return method != null
        && drivers.all().values().stream()
            .anyMatch(d -> d.deploy().callbackMethods().contains(method));
  }

  /**
   * Gives a booted deploy ramdisk its agent token, after Ironic's lookup: the node is found by the
   * MAC addresses the ramdisk booted from, must be waiting for its callback, and must not have
   * given a token in this deploy yet; the first lookup wins, atomically and without a node lock.
   * The address the lookup came from is recorded: the callback is accepted only from it, and the
   * deploy's "done" goes to it.
   *
   * @param macs the ramdisk's MAC addresses
   * @param nodeUuid the node the ramdisk was booted for (from its kernel command line), or null
   * @param clientAddress the address the request came from
   * @throws ConductorException INVALID for malformed MAC addresses; NOT_FOUND with {@link
   *     #RAMDISK_REFUSED} for every other refusal
   */
  public AgentLookup lookup(List<String> macs, String nodeUuid, String clientAddress)
      throws ConductorException {
    if (macs.isEmpty() || macs.size() > MAX_LOOKUP_ADDRESSES) {
      throw ConductorException.invalid(
          "A lookup names 1 to "
              + MAX_LOOKUP_ADDRESSES
              + " MAC addresses in addresses=, comma-separated.");
    }
    Set<String> found = new java.util.TreeSet<>();
    for (String address : macs) {
      MacAddress mac = mac(address);
      store.read(h -> PortDao.findByAddress(h, mac)).ifPresent(p -> found.add(p.nodeUuid()));
    }
    if (found.size() != 1
        || nodeUuid != null && !found.contains(nodeUuid)
        || clientAddress == null) {
      throw ConductorException.notFound(RAMDISK_REFUSED);
    }
    String uuid = found.iterator().next();
    String token = tokens.newToken();
    if (!store.transaction(
        h -> {
          if (!AgentTokenDao.issue(h, uuid, AgentTokens.hash(token), clientAddress)) {
            return false;
          }
          // The deploy's step between the power-on and the callback, for the node's history
          // (the web page's deploy progress): the ramdisk was served and booted.
          tasks.history(
              h,
              uuid,
              "INFO",
              "deploying",
              "deploy ramdisk booted and looked up its node from " + clientAddress);
          return true;
        })) {
      throw ConductorException.notFound(RAMDISK_REFUSED);
    }
    LOG.info("Node {}: agent token given to the deploy ramdisk at {}", uuid, clientAddress);
    return new AgentLookup(uuid, token);
  }

  private static MacAddress mac(String address) throws ConductorException {
    return MacAddress.tryParse(address)
        .orElseThrow(
            () ->
                ConductorException.invalid(
                    "Expected valid MAC address for address: "
                        + address
                        + " (six pairs of hex digits separated by : or -)"));
  }

  /**
   * Accepts a deploy ramdisk's callback. Before anything is locked or written, the ramdisk is
   * authenticated by the agent token its lookup received and by the address that lookup came from;
   * then the method, the state and the driver's validation of the body are checked under the lock,
   * and the deploy continues on a worker. The driver sees {@code address} = the lookup's address,
   * whatever the body says.
   *
   * @param token the agent token the ramdisk presented, or null
   * @param clientAddress the address the request came from
   * @throws ConductorException NOT_FOUND with {@link #RAMDISK_REFUSED} for an unknown node, a node
   *     not waiting for its callback, a wrong token or address; INVALID for an unknown method or
   *     bad parameters (nothing changes); LOCKED; BUSY
   */
  public void vendorPassthru(
      String ident, String method, Map<String, Object> body, String token, String clientAddress)
      throws ConductorException {
    String agentAddress = authenticateAgent(ident, token, clientAddress);
    Node node = nodes.node(ident);
    BareMetalDriver driver = drivers.require(node);
    Set<String> callbacks = driver.deploy().callbackMethods();
    if (method == null || !callbacks.contains(method)) {
      throw ConductorException.invalid(
          "Unsupported vendor passthru method \""
              + method
              + "\" for driver "
              + node.driver()
              + "; supported methods: "
              + callbacks
              + ".");
    }
    Map<String, Object> trusted = new LinkedHashMap<>(body);
    trusted.put("address", agentAddress);
    Task task = tasks.acquire(node, driver);
    TaskManager.startOrRelease(
        task,
        () -> {
          requireWaitCallback(task.node());
          driver.deploy().validateCallback(task, method, trusted);
          task.spawn(
              n ->
                  n.toBuilder()
                      .provisionState(ProvisionState.DEPLOYING)
                      .targetProvisionState(ProvisionState.ACTIVE)
                      .build(),
              () -> continueDeploy(task, method, trusted));
        });
  }

  /**
   * Checks a ramdisk's token and address against its node's lookup, reading one row and taking no
   * lock.
   *
   * @return the address of the lookup
   * @throws ConductorException NOT_FOUND with {@link #RAMDISK_REFUSED}
   */
  private String authenticateAgent(String ident, String token, String clientAddress)
      throws ConductorException {
    String uuid = ident;
    if (!Identifiers.isUuid(ident)) {
      uuid = store.read(h -> NodeDao.findByName(h, ident)).map(Node::uuid).orElse(null);
    }
    String found = uuid;
    AgentCredentials credentials =
        found == null ? null : store.read(h -> AgentTokenDao.credentials(h, found)).orElse(null);
    boolean valid =
        credentials != null
            && credentials.provisionState() == ProvisionState.WAIT_CALLBACK
            && AgentTokens.matches(token, credentials.tokenHash())
            && credentials.address() != null
            && credentials.address().equals(clientAddress);
    if (!valid) {
      throw ConductorException.notFound(RAMDISK_REFUSED);
    }
    return credentials.address();
  }

  private static void requireWaitCallback(Node node) throws ConductorException {
    if (node.provisionState() != ProvisionState.WAIT_CALLBACK) {
      throw ConductorException.invalid(
          "Node "
              + node.uuid()
              + " is in provision state \""
              + node.provisionState()
              + "\"; a deploy callback is only accepted in \""
              + ProvisionState.WAIT_CALLBACK
              + "\".");
    }
  }

  private void continueDeploy(Task task, String method, Map<String, Object> body) {
    try {
      DeployState state = task.driver().deploy().continueDeploy(task, method, body);
      if (!tasks.host().equals(task.node().driverInternalInfo().get(Takeover.AFFINITY))) {
        // The instance's boot configuration was written here.
        task.putDriverInternalInfo(Map.of(Takeover.AFFINITY, tasks.host()));
      }
      if (state == DeployState.WAIT_CALLBACK) {
        task.awaitCallback();
      } else {
        task.finish(ProvisionState.ACTIVE, b -> b.powerState(PowerState.POWER_ON));
      }
    } catch (DriverException | RuntimeException e) {
      task.fail("Deploy failed after the ramdisk called back: " + TaskManager.messageOf(e), true);
    }
  }

  /**
   * Fails every node that has waited for its deploy callback longer than the timeout: deploy
   * failed, last_error {@value #CALLBACK_TIMEOUT_ERROR}, then the deploy's clean-up and power off.
   * Nodes locked by someone else are left for the next check.
   *
   * @return the number of nodes failed
   */
  public int failExpiredCallbacks(Duration timeout) {
    if (timeout.isZero() || timeout.isNegative()) {
      return 0;
    }
    Instant deadline = store.now().minus(timeout);
    int failed = 0;
    for (Node node :
        store.transaction(
            h ->
                NodeDao.list(
                    h,
                    new NodeQuery(
                        ProvisionState.WAIT_CALLBACK, null, null, null, null, "uuid", false)))) {
      if (node.provisionUpdatedAt() == null
          || node.provisionUpdatedAt().isAfter(deadline)
          || !tasks.ownership().mine(node)) {
        continue;
      }
      BareMetalDriver driver = drivers.find(node.driver()).orElse(null);
      try (Task task = tasks.acquire(node, driver)) {
        Node current = task.node();
        if (current.provisionState() != ProvisionState.WAIT_CALLBACK
            || current.provisionUpdatedAt().isAfter(deadline)) {
          continue;
        }
        if (driver == null) {
          task.record(
              n ->
                  n.toBuilder()
                      .provisionState(ProvisionState.DEPLOY_FAILED)
                      .targetProvisionState(null)
                      .lastError(
                          CALLBACK_TIMEOUT_ERROR
                              + "; driver "
                              + n.driver()
                              + " is not loaded, so no clean-up or power off was done")
                      .build(),
              true);
        } else {
          task.fail(CALLBACK_TIMEOUT_ERROR, true);
        }
        failed++;
      } catch (ConductorException e) {
        LOG.debug("Callback timeout check skips node {}: {}", node.uuid(), e.getMessage());
      }
    }
    return failed;
  }
}
