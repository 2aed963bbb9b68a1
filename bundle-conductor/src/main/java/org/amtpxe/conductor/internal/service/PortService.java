package org.amtpxe.conductor.internal.service;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.conductor.internal.store.DuplicateKeyException;
import org.amtpxe.conductor.internal.store.PortDao;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.store.StoreException;
import org.amtpxe.conductor.internal.task.Task;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ports: the MAC addresses nodes PXE-boot from, changed under their node's lock. */
public final class PortService {
  private static final Logger LOG = LoggerFactory.getLogger(PortService.class);

  private final Store store;
  private final TaskManager tasks;
  private final NodeService nodes;

  public PortService(TaskManager tasks, NodeService nodes) {
    this.store = tasks.store();
    this.tasks = tasks;
    this.nodes = nodes;
  }

  /**
   * Creates a port on an existing node.
   *
   * @throws ConductorException INVALID (bad MAC, unknown node), CONFLICT (MAC or UUID taken)
   */
  public Port createPort(Port requested) throws ConductorException {
    if (!Identifiers.isUuid(requested.uuid())) {
      throw ConductorException.invalid("Expected a UUID for uuid but received " + requested.uuid());
    }
    if (tasks.find(requested.nodeUuid()).isEmpty()) {
      throw ConductorException.invalid(
          "Node " + requested.nodeUuid() + " could not be found; create the node first.");
    }
    Port port = requested.toBuilder().createdAt(null).updatedAt(null).build();
    try {
      Port stored = port.toBuilder().createdAt(store.now()).build();
      store.transaction(
          h -> {
            PortDao.insert(h, stored);
            return null;
          });
      return stored;
    } catch (DuplicateKeyException e) {
      throw duplicatePort(e, port);
    } catch (StoreException e) {
      if (tasks.find(requested.nodeUuid()).isEmpty()) {
        throw ConductorException.invalid(
            "Node " + requested.nodeUuid() + " could not be found; it was deleted meanwhile.");
      }
      throw e;
    }
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

  private static ConductorException duplicatePort(DuplicateKeyException e, Port port) {
    if ("uniq_ports_address".equals(e.constraint())) {
      return ConductorException.conflict(
          "A port with MAC address " + port.address() + " already exists.");
    }
    return ConductorException.conflict("A port with UUID " + port.uuid() + " already exists.");
  }

  /**
   * The port with this UUID.
   *
   * @throws ConductorException NOT_FOUND
   */
  public Port port(String uuid) throws ConductorException {
    return (Identifiers.isUuid(uuid)
            ? store.read(h -> PortDao.find(h, uuid))
            : Optional.<Port>empty())
        .orElseThrow(() -> ConductorException.notFound("Port " + uuid + " could not be found."));
  }

  /**
   * Ports, optionally only a node's or only the one with an address.
   *
   * @param node a node UUID or name, or null
   * @param address a MAC address, or null
   * @throws ConductorException NOT_FOUND for an unknown node, INVALID for a bad address
   */
  public List<Port> ports(String node, String address) throws ConductorException {
    String nodeUuid = node == null ? null : nodes.node(node).uuid();
    List<Port> ports =
        nodeUuid == null ? store.read(PortDao::all) : store.read(h -> PortDao.ofNode(h, nodeUuid));
    if (address != null) {
      MacAddress mac = mac(address);
      ports = ports.stream().filter(p -> p.address().equals(mac)).toList();
    }
    return ports;
  }

  /**
   * Changes a port under its node's exclusive lock (both nodes when it moves).
   *
   * @throws ConductorException NOT_FOUND, INVALID, CONFLICT, LOCKED
   */
  public Port updatePort(String uuid, PortEditor editor) throws ConductorException {
    Port port = port(uuid);
    Node node = nodeOf(port);
    try (Task task = tasks.acquire(node, null)) {
      Port current = port(uuid);
      Port edited = editor.edit(current);
      Port normalized =
          edited.toBuilder()
              .uuid(current.uuid())
              .createdAt(current.createdAt())
              .updatedAt(current.updatedAt())
              .build();
      if (!normalized.nodeUuid().equals(current.nodeUuid())) {
        if (!Identifiers.isUuid(normalized.nodeUuid())) {
          throw ConductorException.invalid("Expected UUID for node_uuid: " + normalized.nodeUuid());
        }
        Node target =
            tasks
                .find(normalized.nodeUuid())
                .orElseThrow(
                    () ->
                        ConductorException.invalid(
                            "Node " + normalized.nodeUuid() + " could not be found."));
        try (Task other = tasks.acquire(target, null)) {
          return savePort(normalized);
        }
      }
      return savePort(normalized);
    }
  }

  private Port savePort(Port port) throws ConductorException {
    try {
      Instant now = store.now();
      return store
          .transaction(
              h ->
                  PortDao.update(h, port, now)
                      ? PortDao.find(h, port.uuid())
                      : Optional.<Port>empty())
          .orElseThrow(
              () -> ConductorException.notFound("Port " + port.uuid() + " could not be found."));
    } catch (DuplicateKeyException e) {
      throw duplicatePort(e, port);
    }
  }

  /**
   * Deletes a port under its node's exclusive lock.
   *
   * @throws ConductorException NOT_FOUND, LOCKED
   */
  public void deletePort(String uuid) throws ConductorException {
    Port port = port(uuid);
    Node node = nodeOf(port);
    try (Task task = tasks.acquire(node, null)) {
      if (!store.transaction(h -> PortDao.delete(h, uuid))) {
        throw ConductorException.notFound("Port " + uuid + " could not be found.");
      }
    }
  }

  private Node nodeOf(Port port) throws ConductorException {
    return tasks
        .find(port.nodeUuid())
        .orElseThrow(
            () -> ConductorException.notFound("Port " + port.uuid() + " could not be found."));
  }
}
