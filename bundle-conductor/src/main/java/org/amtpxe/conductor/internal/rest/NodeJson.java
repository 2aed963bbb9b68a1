package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.Secrets;

/**
 * A node as the API shows it at a given version: the fields of that version, secrets masked. The
 * per-version field sets are Ironic's.
 */
final class NodeJson {
  /** Node fields and the minor version that introduced each. */
  static final Map<String, Integer> FIELDS = new LinkedHashMap<>();

  static {
    String[] v1 = {
      "chassis_uuid",
      "console_enabled",
      "created_at",
      "driver",
      "driver_info",
      "extra",
      "instance_info",
      "instance_uuid",
      "last_error",
      "maintenance",
      "maintenance_reason",
      "power_state",
      "properties",
      "provision_state",
      "provision_updated_at",
      "reservation",
      "target_power_state",
      "target_provision_state",
      "updated_at",
      "uuid",
      "links",
      "ports",
      "states"
    };
    for (String f : v1) {
      FIELDS.put(f, 1);
    }
    FIELDS.put("driver_internal_info", 3);
    FIELDS.put("name", 5);
    FIELDS.put("inspection_finished_at", 6);
    FIELDS.put("inspection_started_at", 6);
    FIELDS.put("clean_step", 7);
    FIELDS.put("raid_config", 12);
    FIELDS.put("target_raid_config", 12);
    FIELDS.put("network_interface", 20);
    FIELDS.put("resource_class", 21);
    for (String iface :
        List.of("boot", "console", "deploy", "inspect", "management", "power", "raid", "vendor")) {
      FIELDS.put(iface + "_interface", 31);
    }
  }

  /** Fields of the short list form. */
  static final List<String> LIST_FIELDS =
      List.of(
          "uuid",
          "name",
          "instance_uuid",
          "maintenance",
          "power_state",
          "provision_state",
          "links");

  /** Fields of the states resource. */
  static final List<String> STATE_FIELDS =
      List.of(
          "console_enabled",
          "last_error",
          "power_state",
          "provision_state",
          "provision_updated_at",
          "raid_config",
          "target_power_state",
          "target_provision_state",
          "target_raid_config");

  private NodeJson() {}

  /** Whether the field exists at this version. */
  static boolean exists(String field, ApiVersion v) {
    Integer since = FIELDS.get(field);
    return since != null && v.atLeast(since);
  }

  /**
   * The node with the given fields (all of this version's when null).
   *
   * @param fields the fields to show, already validated, or null for all
   */
  static ObjectNode render(Node n, ApiVersion v, String baseUrl, Iterable<String> fields) {
    ObjectNode o = Json.object();
    Iterable<String> wanted = fields == null ? FIELDS.keySet() : fields;
    for (String f : wanted) {
      if (exists(f, v)) {
        put(o, f, n, v, baseUrl);
      }
    }
    return o;
  }

  /** The short form of node lists. */
  static ObjectNode renderShort(Node n, ApiVersion v, String baseUrl) {
    return render(n, v, baseUrl, LIST_FIELDS);
  }

  static ObjectNode renderStates(Node n, ApiVersion v, String baseUrl) {
    return render(n, v, baseUrl, STATE_FIELDS);
  }

  private static void put(ObjectNode o, String f, Node n, ApiVersion v, String baseUrl) {
    switch (f) {
      case "uuid" -> o.put(f, n.uuid());
      case "name" -> o.put(f, n.name());
      case "driver" -> o.put(f, n.driver());
      case "driver_info" -> o.set(f, Json.toJson(Secrets.mask(n.driverInfo())));
      case "driver_internal_info" -> o.set(f, Json.toJson(Secrets.mask(n.driverInternalInfo())));
      case "instance_info" -> o.set(f, Json.toJson(Secrets.mask(n.instanceInfo())));
      case "properties" -> o.set(f, Json.toJson(n.properties()));
      case "extra" -> o.set(f, Json.toJson(n.extra()));
      case "instance_uuid" -> o.put(f, n.instanceUuid());
      case "power_state" -> o.put(f, n.powerState() == null ? null : n.powerState().value());
      case "target_power_state" ->
          o.put(f, n.targetPowerState() == null ? null : n.targetPowerState().value());
      case "provision_state" -> o.put(f, provisionState(n.provisionState(), v));
      case "target_provision_state" -> o.put(f, provisionState(n.targetProvisionState(), v));
      case "last_error" -> o.put(f, n.lastError());
      case "maintenance" -> o.put(f, n.maintenance());
      case "maintenance_reason" -> o.put(f, n.maintenanceReason());
      case "reservation" -> o.put(f, n.reservation());
      case "created_at" -> o.put(f, Json.time(n.createdAt()));
      case "updated_at" -> o.put(f, Json.time(n.updatedAt()));
      case "provision_updated_at" -> o.put(f, Json.time(n.provisionUpdatedAt()));
      case "console_enabled" -> o.put(f, false);
      case "network_interface" -> o.put(f, "noop");
      case "clean_step", "raid_config", "target_raid_config" -> o.set(f, Json.object());
      case "links" -> o.set(f, Links.of(baseUrl, "nodes", n.uuid()));
      case "ports" -> o.set(f, Links.of(baseUrl, "nodes", n.uuid() + "/ports"));
      case "states" -> o.set(f, Links.of(baseUrl, "nodes", n.uuid() + "/states"));
      // chassis, inspection, resource class and the per-interface fields of dynamic drivers:
      // this conductor has none of them, and classic drivers showed null here in Ironic.
      default -> o.putNull(f);
    }
  }

  /** Before 1.2, "available" was shown as null (Ironic's NOSTATE). */
  private static String provisionState(ProvisionState s, ApiVersion v) {
    if (s == null || (s == ProvisionState.AVAILABLE && !v.atLeast(2))) {
      return null;
    }
    return s.value();
  }

  /** The fields a client may patch, and set on create. */
  static final Set<String> WRITABLE =
      Set.of(
          "name",
          "driver",
          "driver_info",
          "instance_info",
          "instance_uuid",
          "properties",
          "extra",
          "maintenance",
          "maintenance_reason");
}
