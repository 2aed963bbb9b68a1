package org.amtpxe.conductor.internal.rest;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.cluster.ConductorRegistry;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.ConductorException;

/**
 * Which requests the owner of their node carries out (docs/ironic-api.md#several-conductors): the
 * operations that talk to the hardware or to the boot servers (power, provisioning, boot device,
 * NMI, vendor passthru with the deploy ramdisk's callback, console, reading where the console is,
 * since its port is open on the owner, and reading the boot history the hardware logged).
 * Everything else (reads, node and port edits, maintenance) only touches the shared database and is
 * served by any conductor.
 */
final class Routing {
  /** The node sub-resources whose writes go to the owner. */
  private static final Set<String> OPERATIONS =
      Set.of(
          "states/power",
          "states/provision",
          "states/console",
          "management/boot_device",
          "management/inject_nmi",
          "vendor_passthru");

  private Routing() {}

  /** Whether the request is an operation on one node that its owner carries out. */
  static boolean isNodeOperation(ApiRequest req) {
    List<String> p = req.path();
    if (p.size() < 3 || !p.get(0).equals("nodes")) {
      return false;
    }
    if (req.method().equals("GET")) {
      // The console's port is open on its owner only: so is where to connect. The boot history
      // is read from the hardware, which only the owner talks to.
      return p.size() == 4
          && (p.get(2).equals("states") && p.get(3).equals("console")
              || p.get(2).equals("management") && p.get(3).equals("boot_history"));
    }
    String sub =
        p.get(2).equals("vendor_passthru")
            ? "vendor_passthru"
            : String.join("/", p.subList(2, p.size()));
    return OPERATIONS.contains(sub);
  }

  /**
   * The API of the live conductor that owns the node, when that is another conductor.
   *
   * @param ident the node's UUID or name as the request names it
   * @return empty when this conductor owns it, no live conductor does, or the node is unknown (the
   *     request is then answered here, with its 404)
   */
  static Optional<String> ownerUrl(Conductor service, String ident) {
    Node node;
    try {
      node = service.nodes().node(ident);
    } catch (ConductorException e) {
      return Optional.empty();
    }
    String me = service.tasks().host();
    Optional<String> owner = service.tasks().ownership().owner(node);
    if (owner.isEmpty() || owner.get().equals(me)) {
      return Optional.empty();
    }
    for (ConductorRegistry.Member m : service.tasks().ownership().members()) {
      if (m.alive() && m.row().hostname().equals(owner.get())) {
        return Optional.of(m.row().apiUrl());
      }
    }
    return Optional.empty();
  }
}
