package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.model.Node;

/**
 * The endpoints of Ironic features this conductor does not have, answered as Ironic answers for a
 * feature that is absent or turned off (docs/ironic-api.md#not-implemented has the table):
 *
 * <ul>
 *   <li>Resources of their own (chassis, port groups, volume connectors and targets, allocations,
 *       deploy templates, events, the agent heartbeat): absent, 404 at every version, as Ironic
 *       answers at a version before the feature.
 *   <li>A node's features that belong to a driver interface: what Ironic answers when the node's
 *       interface is the "no-..." or "noop" one. Reads give the empty answer (no traits, no VIFs,
 *       no BIOS settings), actions 400 "Driver X does not support Y (disabled or not implemented)."
 *       (RAID, console, indicators, boot mode, secure boot, rescue), VIF attach and detach succeed
 *       and change nothing (Ironic's noop network interface). Before the version that introduced
 *       the endpoint: 404.
 * </ul>
 */
final class Unimplemented {
  /** Top-level resources this conductor does not have, and what they are called in messages. */
  static final Map<String, String> ABSENT =
      Map.of(
          "chassis", "chassis",
          "portgroups", "port groups",
          "volume", "volume connectors or targets",
          "allocations", "allocations",
          "events", "external events",
          "deploy_templates", "deploy templates",
          "heartbeat", "agent heartbeat (the deploy ramdisk calls back through vendor passthru)");

  private Unimplemented() {}

  /** 404 for a resource this conductor does not have. */
  static ApiException absent(String what) {
    return ApiException.notFound(
        "The resource could not be found: this conductor has no "
            + what
            + " (docs/ironic-api.md#not-implemented).");
  }

  /** Ironic's 400 for a feature whose interface the node's driver does not have. */
  static ApiException unsupported(Node node, String feature) {
    return ApiException.badRequest(
        "Driver "
            + node.driver()
            + " does not support "
            + feature
            + " (disabled or not implemented).");
  }

  /**
   * A node's sub-resource that belongs to a feature this conductor does not have.
   *
   * @param sub the path after {@code /v1/nodes/<node>/}
   * @return the answer, or null when the path is none of them
   * @throws ApiException 400, 404 or 405 as described on the class
   */
  static ApiResponse nodeFeature(ApiRequest req, Node node, List<String> sub) throws ApiException {
    String m = req.method();
    ApiVersion v = req.version();
    String first = sub.get(0);
    switch (first) {
      case "portgroups" -> {
        throw v.atLeast(24) ? absent(ABSENT.get("portgroups")) : notFound();
      }
      case "volume" -> {
        throw v.atLeast(32) ? absent(ABSENT.get("volume")) : notFound();
      }
      case "traits" -> {
        requireSince(v, 37);
        if (sub.size() == 1 && m.equals("GET")) {
          return list("traits");
        }
        requireMethods(req, sub.size() == 1 ? "GET, PUT, DELETE" : "PUT, DELETE");
        throw ApiException.badRequest(
            "Node traits are not supported by this conductor: a node's traits are always empty.");
      }
      case "vifs" -> {
        requireSince(v, 28);
        if (sub.size() == 1) {
          return switch (m) {
            case "GET" -> list("vifs");
            case "POST" -> {
              ObjectNode body = Json.parseObject(req.body());
              if (!body.path("id").isTextual()) {
                throw ApiException.badRequest("A VIF needs an \"id\" string.");
              }
              yield ApiResponse.status(204); // Ironic's noop network interface: nothing to do.
            }
            default -> throw notAllowed(req, "GET, POST");
          };
        }
        if (sub.size() == 2 && m.equals("DELETE")) {
          return ApiResponse.status(204);
        }
        throw sub.size() == 2 ? notAllowed(req, "DELETE") : notFound();
      }
      case "bios" -> {
        requireSince(v, 40);
        requireMethods(req, "GET");
        if (sub.size() == 1) {
          return list("bios");
        }
        throw ApiException.notFound(
            "Node " + node.uuid() + " doesn't have a BIOS setting '" + sub.get(1) + "'");
      }
      case "allocation" -> {
        requireSince(v, 52);
        requireMethods(req, "GET, DELETE");
        throw ApiException.notFound("Allocation for node " + node.uuid() + " was not found");
      }
      case "management" -> {
        if (sub.size() >= 2 && sub.get(1).equals("indicators")) {
          requireSince(v, 63);
          throw unsupported(node, "management indicators");
        }
        return null;
      }
      case "states" -> {
        if (sub.size() != 2) {
          return null;
        }
        switch (sub.get(1)) {
          case "console" -> throw unsupported(node, "console");
          case "raid" -> {
            requireSince(v, 12);
            throw unsupported(node, "raid");
          }
          case "boot_mode", "secure_boot" -> {
            requireSince(v, 76);
            throw unsupported(node, sub.get(1).replace('_', ' '));
          }
          default -> {
            return null;
          }
        }
      }
      default -> {
        return null;
      }
    }
  }

  private static ApiResponse list(String collection) {
    ObjectNode o = Json.object();
    o.set(collection, Json.array());
    return ApiResponse.ok(o);
  }

  private static void requireSince(ApiVersion v, int minor) throws ApiException {
    if (!v.atLeast(minor)) {
      throw notFound();
    }
  }

  private static void requireMethods(ApiRequest req, String allowed) throws ApiException {
    if (!List.of(allowed.split(", ")).contains(req.method())) {
      throw notAllowed(req, allowed);
    }
  }

  private static ApiException notFound() {
    return ApiException.notFound("The resource could not be found.");
  }

  private static ApiException notAllowed(ApiRequest req, String allowed) {
    return new ApiException(
        405, "The method " + req.method() + " is not allowed here; use " + allowed + ".");
  }
}
