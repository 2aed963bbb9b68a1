package org.amtpxe.conductor.internal.auth;

import java.util.List;

/**
 * Which role an API request needs, under Ironic's policy names: {@code reader} reads, {@code
 * member} operates nodes (power, boot device, provision state, maintenance, NMI, and changes to
 * instance_info only), {@code admin} does everything else (enrolling, changing and deleting nodes
 * and ports). Public routes (versions, the deploy ramdisk's) never get here.
 */
public final class Policy {
  private Policy() {}

  /**
   * What a request needs.
   *
   * @param rule Ironic's policy rule name, for the refusal
   * @param role the least role that may make the request
   */
  public record Rule(String rule, Role role) {}

  /**
   * The rule for a request.
   *
   * @param method the HTTP method
   * @param path the path segments after /v1
   * @param patchPaths for a PATCH, the JSON Patch paths it changes (empty otherwise)
   */
  public static Rule of(String method, List<String> path, List<String> patchPaths) {
    String collection = path.isEmpty() ? "" : path.get(0);
    String resource =
        switch (collection) {
          case "ports" -> "port";
          case "drivers" -> "driver";
          case "conductors" -> "conductor";
          default -> "node";
        };
    if (method.equals("GET") || method.equals("HEAD")) {
      return new Rule("baremetal:" + resource + ":get", Role.READER);
    }
    if (collection.equals("nodes") && path.size() >= 3) {
      String sub = String.join("/", path.subList(2, path.size()));
      switch (sub) {
        case "states/power":
          return new Rule("baremetal:node:set_power_state", Role.MEMBER);
        case "states/provision":
          return new Rule("baremetal:node:set_provision_state", Role.MEMBER);
        case "management/boot_device":
          return new Rule("baremetal:node:set_boot_device", Role.MEMBER);
        case "management/inject_nmi":
          return new Rule("baremetal:node:inject_nmi", Role.MEMBER);
        case "maintenance":
          return new Rule(
              method.equals("DELETE")
                  ? "baremetal:node:clear_maintenance"
                  : "baremetal:node:set_maintenance",
              Role.MEMBER);
        default:
          if (path.get(2).equals("vendor_passthru")) {
            return new Rule("baremetal:node:vendor_passthru", Role.ADMIN);
          }
          return new Rule("baremetal:node:update", Role.ADMIN);
      }
    }
    if (collection.equals("drivers") && path.size() >= 3 && path.get(2).equals("vendor_passthru")) {
      // The only driver method, bulk enrollment, creates nodes: admin, like node create.
      return new Rule("baremetal:driver:vendor_passthru", Role.ADMIN);
    }
    if (collection.equals("nodes") && path.size() == 2 && method.equals("PATCH")) {
      boolean instanceInfoOnly =
          !patchPaths.isEmpty()
              && patchPaths.stream()
                  .allMatch(p -> p.equals("/instance_info") || p.startsWith("/instance_info/"));
      return instanceInfoOnly
          ? new Rule("baremetal:node:update_instance_info", Role.MEMBER)
          : new Rule("baremetal:node:update", Role.ADMIN);
    }
    String action =
        switch (method) {
          case "POST" -> "create";
          case "DELETE" -> "delete";
          default -> "update";
        };
    return new Rule("baremetal:" + resource + ":" + action, Role.ADMIN);
  }
}
