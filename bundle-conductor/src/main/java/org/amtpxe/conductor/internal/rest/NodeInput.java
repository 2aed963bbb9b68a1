package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.amtpxe.api.model.Node;

/**
 * What a client writes into a node (POST and PATCH): which fields it may write at its version, and
 * the checks Ironic's API makes on their values (types, lengths, the conductor group's alphabet).
 * The rules that depend on the node's state (protected only when active, ...) are the conductor's,
 * in {@code NodeService}.
 */
final class NodeInput {
  /** Ironic's limit on a node's description. */
  static final int DESCRIPTION_MAX = 4096;

  /** Ironic's conductor group: letters, digits, {@code _ - .}; stored lower-case. */
  private static final Pattern CONDUCTOR_GROUP = Pattern.compile("^[a-zA-Z0-9_\\-.]*$");

  private NodeInput() {}

  /**
   * Refuses a field the requested version does not know (Ironic's NotAcceptable): a field newer
   * than the version is as good as unknown to a client that asked for it.
   *
   * @throws ApiException 406 naming the field and the version it needs
   */
  static void requireKnown(String field, ApiVersion v) throws ApiException {
    Integer since = NodeJson.FIELDS.get(field);
    if (since != null && !v.atLeast(since)) {
      throw ApiException.notAcceptable(notAcceptable(field, since, v));
    }
  }

  static String notAcceptable(String field, int since, ApiVersion v) {
    return "The field "
        + field
        + " is not acceptable at API version "
        + v
        + ": it needs API version 1."
        + since
        + " or newer.";
  }

  /**
   * Refuses a value other than the node's for a field that is fixed here ({@link NodeJson#FIXED}).
   *
   * @param value the value the client sent (JSON null for none)
   * @throws ApiException 400 saying why it cannot change
   */
  static void checkFixed(String field, JsonNode value) throws ApiException {
    boolean same =
        switch (field) {
          case "network_interface" -> value.isNull() || "noop".equals(value.asText(null));
          case "network_data" -> value.isNull() || (value.isObject() && value.isEmpty());
          default -> value.isNull();
        };
    if (!same) {
      throw ApiException.badRequest(
          "Cannot set "
              + field
              + " to "
              + printable(value)
              + ": "
              + switch (field) {
                case "chassis_uuid" -> "this conductor has no chassis.";
                case "network_interface" -> "this conductor has only the noop network interface.";
                case "network_data" -> "this conductor passes no network data to the ramdisk.";
                default ->
                    "the drivers of this conductor are classic drivers, whose interfaces are"
                        + " fixed (Ironic shows them as null).";
              });
    }
  }

  private static String printable(JsonNode value) {
    String s = value.toString();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  /** Copies the writable fields present in a JSON document into a builder, checking values. */
  static void fill(Node.Builder b, ObjectNode doc) throws ApiException {
    if (doc.has("name")) {
      b.name(nullableText(doc, "name", Integer.MAX_VALUE));
    }
    if (doc.has("driver")) {
      b.driver(text(doc, "driver"));
    }
    if (doc.has("driver_info")) {
      b.driverInfo(object(doc, "driver_info"));
    }
    if (doc.has("instance_info")) {
      b.instanceInfo(object(doc, "instance_info"));
    }
    if (doc.has("properties")) {
      b.properties(object(doc, "properties"));
    }
    if (doc.has("extra")) {
      b.extra(object(doc, "extra"));
    }
    if (doc.has("instance_uuid")) {
      b.instanceUuid(nullableText(doc, "instance_uuid", Integer.MAX_VALUE));
    }
    if (doc.has("maintenance")) {
      JsonNode m = doc.get("maintenance");
      if (!m.isBoolean()) {
        throw ApiException.badRequest("maintenance must be true or false, not " + m);
      }
      b.maintenance(m.asBoolean());
    }
    if (doc.has("maintenance_reason")) {
      b.maintenanceReason(nullableText(doc, "maintenance_reason", Integer.MAX_VALUE));
    }
    if (doc.has("resource_class")) {
      b.resourceClass(nullableText(doc, "resource_class", 80));
    }
    if (doc.has("conductor_group")) {
      b.conductorGroup(conductorGroup(doc.get("conductor_group")));
    }
    if (doc.has("automated_clean")) {
      b.automatedClean(bool(doc, "automated_clean"));
    }
    if (doc.has("protected")) {
      b.protectedNode(Boolean.TRUE.equals(bool(doc, "protected")));
    }
    if (doc.has("protected_reason")) {
      b.protectedReason(nullableText(doc, "protected_reason", Integer.MAX_VALUE));
    }
    if (doc.has("owner")) {
      b.owner(nullableText(doc, "owner", 255));
    }
    if (doc.has("lessee")) {
      b.lessee(nullableText(doc, "lessee", 255));
    }
    if (doc.has("description")) {
      JsonNode d = doc.get("description");
      if (d.isTextual() && d.asText().length() > DESCRIPTION_MAX) {
        throw ApiException.badRequest(
            "Cannot update node with description exceeding " + DESCRIPTION_MAX + " characters");
      }
      b.description(nullableText(doc, "description", DESCRIPTION_MAX));
    }
    if (doc.has("retired")) {
      b.retired(Boolean.TRUE.equals(bool(doc, "retired")));
    }
    if (doc.has("retired_reason")) {
      b.retiredReason(nullableText(doc, "retired_reason", Integer.MAX_VALUE));
    }
  }

  /**
   * A conductor group as Ironic takes it: null is the default group "", otherwise letters, digits,
   * {@code _ - .}, stored lower-case (the group is case-insensitive).
   *
   * @throws ApiException 400 with Ironic's message
   */
  static String conductorGroup(JsonNode v) throws ApiException {
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()
        || !CONDUCTOR_GROUP.matcher(v.asText()).matches()
        || v.asText().length() > 255) {
      throw ApiException.badRequest(
          "Expected a conductor group but received "
              + (v.isTextual() ? v.asText() : v.toString())
              + ". A conductor group has at most 255 letters, digits, _, - and . characters.");
    }
    return v.asText().toLowerCase(Locale.ROOT);
  }

  /**
   * A boolean as Ironic reads one: JSON true/false, or the strings the CLI sends ({@code baremetal
   * node set --protected} sends "True"): true, t, yes, y, on, 1 and their opposites, any case.
   *
   * @return null for JSON null
   * @throws ApiException 400 for anything else
   */
  static Boolean bool(ObjectNode doc, String field) throws ApiException {
    JsonNode v = doc.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isTextual() || v.isIntegralNumber()) {
      switch (v.asText().strip().toLowerCase(Locale.ROOT)) {
        case "true", "t", "yes", "y", "on", "1" -> {
          return true;
        }
        case "false", "f", "no", "n", "off", "0" -> {
          return false;
        }
        default -> {}
      }
    }
    throw ApiException.badRequest(
        "Unrecognized value '" + v.asText() + "' for " + field + "; use true or false.");
  }

  static String text(ObjectNode doc, String field) throws ApiException {
    JsonNode v = doc.get(field);
    if (v == null || !v.isTextual()) {
      throw ApiException.badRequest(
          field + " must be a string, not " + (v == null ? "missing" : "a " + v.getNodeType()));
    }
    return v.asText();
  }

  static String nullableText(ObjectNode doc, String field, int max) throws ApiException {
    JsonNode v = doc.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String s = text(doc, field);
    if (s.length() > max) {
      throw ApiException.badRequest(field + " must be at most " + max + " characters long.");
    }
    return s;
  }

  static Map<String, Object> object(ObjectNode doc, String field) throws ApiException {
    JsonNode v = doc.get(field);
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      // NOTE: the value is not echoed: driver_info and instance_info may carry secrets.
      throw ApiException.badRequest(field + " must be a JSON object, not a " + v.getNodeType());
    }
    return Json.toMap(v);
  }

  /** The writable and fixed fields of a node, unmasked, as the document a patch applies to. */
  static ObjectNode patchable(Node n) {
    ObjectNode o = Json.object();
    o.put("name", n.name());
    o.put("driver", n.driver());
    o.set("driver_info", Json.toJson(n.driverInfo()));
    o.set("instance_info", Json.toJson(n.instanceInfo()));
    o.put("instance_uuid", n.instanceUuid());
    o.set("properties", Json.toJson(n.properties()));
    o.set("extra", Json.toJson(n.extra()));
    o.put("maintenance", n.maintenance());
    o.put("maintenance_reason", n.maintenanceReason());
    o.put("resource_class", n.resourceClass());
    o.put("conductor_group", n.conductorGroup());
    o.put("automated_clean", n.automatedClean());
    o.put("protected", n.protectedNode());
    o.put("protected_reason", n.protectedReason());
    o.put("owner", n.owner());
    o.put("description", n.description());
    o.put("retired", n.retired());
    o.put("retired_reason", n.retiredReason());
    o.put("lessee", n.lessee());
    for (String f : NodeJson.FIXED.keySet()) {
      switch (f) {
        case "network_interface" -> o.put(f, "noop");
        case "network_data" -> o.set(f, Json.object());
        default -> o.putNull(f);
      }
    }
    return o;
  }

  /** What a top-level field removed by a patch becomes. */
  static ObjectNode resets() {
    ObjectNode resets = Json.object();
    for (String f : java.util.List.of("driver_info", "instance_info", "properties", "extra")) {
      resets.set(f, Json.object());
    }
    resets.put("maintenance", false);
    resets.put("protected", false);
    resets.put("retired", false);
    resets.put("conductor_group", "");
    resets.put("network_interface", "noop");
    resets.set("network_data", Json.object());
    return resets;
  }
}
