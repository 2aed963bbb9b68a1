package org.amtpxe.conductor.internal.rest;

import java.util.List;
import java.util.Set;

/**
 * The route template of a request path, for the API's metrics: {@code
 * /v1/nodes/{node}/states/power} instead of the node's UUID or name. Every template comes from a
 * fixed set (the routes below, or {@value #OTHER}), so that no client can create a new time series
 * by sending a new path.
 */
final class RouteTemplate {
  /** Anything that is not one of the API's routes. */
  static final String OTHER = "other";

  /** What may follow {@code /v1/nodes/{node}/}, as a route of its own. */
  private static final Set<String> NODE_ROUTES =
      Set.of(
          "states",
          "states/power",
          "states/provision",
          "states/raid",
          "states/console",
          "states/boot_mode",
          "states/secure_boot",
          "management/boot_device",
          "management/boot_device/supported",
          "management/boot_history",
          "management/inject_nmi",
          "validate",
          "maintenance",
          "vendor_passthru",
          "vendor_passthru/methods",
          "ports",
          "ports/detail",
          "history",
          "history/detail",
          "portgroups",
          "volume",
          "traits",
          "vifs",
          "bios",
          "allocation");

  private RouteTemplate() {}

  /**
   * The template of a path.
   *
   * @param segments the decoded path segments ({@code v1} included)
   */
  static String of(List<String> segments) {
    if (segments.isEmpty()) {
      return "/";
    }
    String first = segments.get(0);
    if (!first.equals("v1")) {
      return segments.size() == 1 && (first.equals("metrics") || first.equals("health"))
          ? "/" + first
          : OTHER;
    }
    List<String> p = segments.subList(1, segments.size());
    if (p.isEmpty()) {
      return "/v1";
    }
    String collection = p.get(0);
    switch (collection) {
      case "lookup":
        return p.size() == 1 ? "/v1/lookup" : OTHER;
      case "nodes":
        return nodes(p);
      case "ports":
        return p.size() == 1
            ? "/v1/ports"
            : p.size() == 2
                ? (p.get(1).equals("detail") ? "/v1/ports/detail" : "/v1/ports/{port}")
                : OTHER;
      case "drivers":
        return drivers(p);
      case "conductors":
        return p.size() == 1
            ? "/v1/conductors"
            : p.size() == 2 ? "/v1/conductors/{conductor}" : OTHER;
      default:
        return Unimplemented.ABSENT.containsKey(collection) && p.size() == 1
            ? "/v1/" + collection
            : OTHER;
    }
  }

  private static String nodes(List<String> p) {
    if (p.size() == 1) {
      return "/v1/nodes";
    }
    if (p.size() == 2) {
      return p.get(1).equals("detail") ? "/v1/nodes/detail" : "/v1/nodes/{node}";
    }
    String sub = String.join("/", p.subList(2, p.size()));
    if (NODE_ROUTES.contains(sub)) {
      return "/v1/nodes/{node}/" + sub;
    }
    if (p.size() == 4 && p.get(2).equals("vendor_passthru")) {
      return "/v1/nodes/{node}/vendor_passthru/{method}";
    }
    if (p.size() == 4 && p.get(2).equals("history")) {
      return "/v1/nodes/{node}/history/{event}";
    }
    if (p.size() >= 4 && (p.get(2).equals("traits") || p.get(2).equals("vifs"))) {
      return "/v1/nodes/{node}/" + p.get(2) + "/{id}";
    }
    return OTHER;
  }

  private static String drivers(List<String> p) {
    return switch (p.size()) {
      case 1 -> "/v1/drivers";
      case 2 -> "/v1/drivers/{driver}";
      case 3 ->
          p.get(2).equals("properties")
              ? "/v1/drivers/{driver}/properties"
              : p.get(2).equals("vendor_passthru") ? "/v1/drivers/{driver}/vendor_passthru" : OTHER;
      case 4 ->
          p.get(2).equals("vendor_passthru")
              ? p.get(3).equals("methods")
                  ? "/v1/drivers/{driver}/vendor_passthru/methods"
                  : "/v1/drivers/{driver}/vendor_passthru/{method}"
              : OTHER;
      default -> OTHER;
    };
  }
}
