package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.cluster.Ownership;
import org.amtpxe.conductor.internal.service.InspectionService;

/**
 * A node as the API shows it at a given version: the fields of that version, secrets masked. The
 * per-version field sets are Ironic's ({@code VERSIONED_FIELDS} in its API), up to 1.78:
 *
 * <table>
 *   <caption>Node fields added after 1.31, and what this conductor shows</caption>
 *   <tr><th>version</th><th>field</th><th>shown here</th></tr>
 *   <tr><td>1.33</td><td>storage_interface</td><td>null (classic driver)</td></tr>
 *   <tr><td>1.37</td><td>traits</td><td>[] (no traits)</td></tr>
 *   <tr><td>1.38</td><td>rescue_interface</td><td>null</td></tr>
 *   <tr><td>1.40</td><td>bios_interface</td><td>null</td></tr>
 *   <tr><td>1.42</td><td>fault</td><td>the fault the power sync recorded, or null</td></tr>
 *   <tr><td>1.44</td><td>deploy_step</td><td>{} (no deploy steps)</td></tr>
 *   <tr><td>1.46</td><td>conductor_group</td><td>stored, writable ("" = any)</td></tr>
 *   <tr><td>1.47</td><td>automated_clean</td><td>stored, writable (null = default)</td></tr>
 *   <tr><td>1.48</td><td>protected, protected_reason</td><td>stored, writable</td></tr>
 *   <tr><td>1.49</td><td>conductor</td><td>the owner on the hash ring</td></tr>
 *   <tr><td>1.50</td><td>owner</td><td>stored, writable</td></tr>
 *   <tr><td>1.51</td><td>description</td><td>stored, writable</td></tr>
 *   <tr><td>1.52</td><td>allocation_uuid</td><td>null (no allocations)</td></tr>
 *   <tr><td>1.61</td><td>retired, retired_reason</td><td>stored, writable</td></tr>
 *   <tr><td>1.65</td><td>lessee</td><td>stored, writable</td></tr>
 *   <tr><td>1.66</td><td>network_data</td><td>{}</td></tr>
 *   <tr><td>1.75</td><td>boot_mode, secure_boot</td><td>null (not reported by the drivers)</td></tr>
 * </table>
 *
 * <p>1.32, 1.34-1.36, 1.39, 1.41, 1.43, 1.45, 1.53-1.60, 1.62-1.64, 1.67-1.74 and 1.76-1.78 add no
 * node field (endpoints, verbs, parameters or port fields: see docs/ironic-api.md#versions).
 */
final class NodeJson {
  /** Node fields and the minor version that introduced each. */
  static final Map<String, Integer> FIELDS = new LinkedHashMap<>();

  /** The dynamic-driver interface fields and their versions; null for classic drivers. */
  static final Map<String, Integer> INTERFACES = new LinkedHashMap<>();

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
      "links"
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
      INTERFACES.put(iface + "_interface", 31);
    }
    INTERFACES.put("storage_interface", 33);
    INTERFACES.put("rescue_interface", 38);
    INTERFACES.put("bios_interface", 40);
    FIELDS.putAll(INTERFACES);
    FIELDS.put("traits", 37);
    FIELDS.put("fault", 42);
    FIELDS.put("deploy_step", 44);
    FIELDS.put("conductor_group", 46);
    FIELDS.put("automated_clean", 47);
    FIELDS.put("protected", 48);
    FIELDS.put("protected_reason", 48);
    FIELDS.put("conductor", 49);
    FIELDS.put("owner", 50);
    FIELDS.put("description", 51);
    FIELDS.put("allocation_uuid", 52);
    FIELDS.put("retired", 61);
    FIELDS.put("retired_reason", 61);
    FIELDS.put("lessee", 65);
    FIELDS.put("network_data", 66);
    FIELDS.put("boot_mode", 75);
    FIELDS.put("secure_boot", 75);
  }

  /**
   * The links to a node's sub-resources, shown when all fields are (not selectable with {@code
   * fields}), and the version that introduced each. Ironic's {@code portgroups} (1.24) and {@code
   * volume} (1.32) links are left out: those features are absent here and their paths answer 404.
   * In Ironic's order (ports, then states).
   */
  static final Map<String, Integer> SUB_RESOURCES = new LinkedHashMap<>();

  static {
    // NOTE: not Map.of: its iteration order changes from one JVM start to the next, and so did
    // the order of these two links in every node document.
    SUB_RESOURCES.put("ports", 1);
    SUB_RESOURCES.put("states", 14);
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
          "target_raid_config",
          "boot_mode",
          "secure_boot");

  /**
   * The fields a client may set, on create and with PATCH, and the version that made each writable.
   * {@code protected} and {@code protected_reason} are PATCH only, as in Ironic.
   */
  static final Map<String, Integer> WRITABLE =
      Map.ofEntries(
          Map.entry("name", 1),
          Map.entry("driver", 1),
          Map.entry("driver_info", 1),
          Map.entry("instance_info", 1),
          Map.entry("instance_uuid", 1),
          Map.entry("properties", 1),
          Map.entry("extra", 1),
          Map.entry("maintenance", 1),
          Map.entry("maintenance_reason", 1),
          Map.entry("resource_class", 21),
          Map.entry("conductor_group", 46),
          Map.entry("automated_clean", 47),
          Map.entry("protected", 48),
          Map.entry("protected_reason", 48),
          Map.entry("owner", 50),
          Map.entry("description", 51),
          Map.entry("retired", 61),
          Map.entry("retired_reason", 61),
          Map.entry("lessee", 65));

  /**
   * Fields Ironic lets a client set that are fixed here: they are accepted with the value the node
   * shows (a no-op), and refused with any other. The interfaces of a classic driver are null, the
   * network interface is noop, and there are no chassis and no network data.
   */
  static final Map<String, Integer> FIXED = new LinkedHashMap<>();

  static {
    FIXED.put("chassis_uuid", 1);
    FIXED.put("network_interface", 20);
    FIXED.putAll(INTERFACES);
    FIXED.put("network_data", 66);
  }

  /**
   * Every field of each version in {@link #FIELDS}' order, as field names ready to write; index:
   * the minor version.
   */
  private static final SerializedString[][] ALL_FIELDS =
      new SerializedString[ApiVersion.MAX.minor() + 1][];

  static {
    for (int minor = 0; minor < ALL_FIELDS.length; minor++) {
      ALL_FIELDS[minor] = allFields(new ApiVersion(1, minor));
    }
  }

  private NodeJson() {}

  private static SerializedString[] allFields(ApiVersion v) {
    List<SerializedString> names = new ArrayList<>();
    for (var f : FIELDS.entrySet()) {
      if (v.atLeast(f.getValue())) {
        names.add(new SerializedString(f.getKey()));
      }
    }
    return names.toArray(SerializedString[]::new);
  }

  /** Whether the field exists at this version. */
  static boolean exists(String field, ApiVersion v) {
    Integer since = FIELDS.get(field);
    return since != null && v.atLeast(since);
  }

  /**
   * Writes the node with the given fields (all of this version's when null).
   *
   * @param owners which conductor owns the node, shown as {@code conductor}
   * @param fields the fields to show, already validated, or null for all
   * @throws IOException when the generator fails
   */
  static void write(
      JsonGenerator g, Node n, ApiVersion v, String baseUrl, Ownership owners, List<String> fields)
      throws IOException {
    g.writeStartObject();
    if (fields == null) {
      SerializedString[] all =
          v.major() == 1 && v.minor() >= 0 && v.minor() < ALL_FIELDS.length
              ? ALL_FIELDS[v.minor()]
              : allFields(v);
      for (SerializedString f : all) {
        g.writeFieldName(f);
        writeField(g, f.getValue(), n, v, baseUrl, owners);
      }
      for (var link : SUB_RESOURCES.entrySet()) {
        if (v.atLeast(link.getValue())) {
          g.writeFieldName(link.getKey());
          Links.write(g, baseUrl, "nodes", n.uuid(), link.getKey());
        }
      }
    } else {
      for (String f : fields) {
        if (exists(f, v)) {
          g.writeFieldName(f);
          writeField(g, f, n, v, baseUrl, owners);
        }
      }
    }
    g.writeEndObject();
  }

  /** The node as a response body: see {@link #write}. */
  static JsonBody body(
      Node n, ApiVersion v, String baseUrl, Ownership owners, List<String> fields) {
    return g -> write(g, n, v, baseUrl, owners, fields);
  }

  /** Writes the short form of node lists. */
  static void writeShort(JsonGenerator g, Node n, ApiVersion v, String baseUrl) throws IOException {
    write(g, n, v, baseUrl, null, LIST_FIELDS);
  }

  /** The states resource as a response body. */
  static JsonBody statesBody(Node n, ApiVersion v, String baseUrl) {
    return g -> write(g, n, v, baseUrl, null, STATE_FIELDS);
  }

  /** Writes one field's value. */
  private static void writeField(
      JsonGenerator g, String f, Node n, ApiVersion v, String baseUrl, Ownership owners)
      throws IOException {
    switch (f) {
      case "uuid" -> g.writeString(n.uuid());
      case "name" -> g.writeString(n.name());
      case "driver" -> g.writeString(n.driver());
      case "driver_info" -> Json.writeMasked(g, n.driverInfo());
      case "driver_internal_info" -> Json.writeMasked(g, n.driverInternalInfo());
      case "instance_info" -> Json.writeMasked(g, n.instanceInfo());
      case "properties" -> Json.writeMap(g, n.properties());
      case "extra" -> Json.writeMap(g, n.extra());
      case "instance_uuid" -> g.writeString(n.instanceUuid());
      case "power_state" -> g.writeString(n.powerState() == null ? null : n.powerState().value());
      case "target_power_state" ->
          g.writeString(n.targetPowerState() == null ? null : n.targetPowerState().value());
      case "provision_state" -> g.writeString(provisionState(n.provisionState(), v));
      case "target_provision_state" -> g.writeString(provisionState(n.targetProvisionState(), v));
      case "last_error" -> g.writeString(n.lastError());
      case "maintenance" -> g.writeBoolean(n.maintenance());
      case "maintenance_reason" -> g.writeString(n.maintenanceReason());
      case "reservation" -> g.writeString(n.reservation());
      case "created_at" -> Json.writeTime(g, n.createdAt());
      case "updated_at" -> Json.writeTime(g, n.updatedAt());
      case "provision_updated_at" -> Json.writeTime(g, n.provisionUpdatedAt());
      case "console_enabled" -> g.writeBoolean(false);
      case "network_interface" -> g.writeString("noop");
      case "resource_class" -> g.writeString(n.resourceClass());
      case "fault" -> g.writeString(n.fault());
      case "conductor_group" -> g.writeString(n.conductorGroup());
      case "automated_clean" -> {
        if (n.automatedClean() == null) {
          g.writeNull();
        } else {
          g.writeBoolean(n.automatedClean());
        }
      }
      case "protected" -> g.writeBoolean(n.protectedNode());
      case "protected_reason" -> g.writeString(n.protectedReason());
      case "conductor" -> g.writeString(owners.owner(n).orElse(null));
      case "owner" -> g.writeString(n.owner());
      case "description" -> g.writeString(n.description());
      case "retired" -> g.writeBoolean(n.retired());
      case "retired_reason" -> g.writeString(n.retiredReason());
      case "lessee" -> g.writeString(n.lessee());
      case "traits" -> {
        g.writeStartArray();
        g.writeEndArray();
      }
      case "clean_step", "deploy_step", "raid_config", "target_raid_config", "network_data" -> {
        g.writeStartObject();
        g.writeEndObject();
      }
      case "links" -> Links.write(g, baseUrl, "nodes", n.uuid());
      case "inspection_started_at" ->
          Json.writeTime(
              g, inspectionTime(n.driverInternalInfo().get(InspectionService.STARTED_AT)));
      case "inspection_finished_at" ->
          Json.writeTime(
              g,
              n.driverInternalInfo().get(InspectionService.INSPECTION) instanceof Map<?, ?> i
                  ? inspectionTime(i.get("finished_at"))
                  : null);
      // chassis, allocations, boot mode and the per-interface fields of dynamic
      // drivers: this conductor has none of them, and classic drivers showed null here in Ironic.
      default -> g.writeNull();
    }
  }

  /**
   * A time the inspection recorded in driver_internal_info (the node model has no column for it),
   * or null when absent or unreadable.
   */
  private static Instant inspectionTime(Object value) {
    if (value instanceof String s) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  /** Before 1.2, "available" was shown as null (Ironic's NOSTATE). */
  private static String provisionState(ProvisionState s, ApiVersion v) {
    if (s == null || (s == ProvisionState.AVAILABLE && !v.atLeast(2))) {
      return null;
    }
    return s.value();
  }
}
