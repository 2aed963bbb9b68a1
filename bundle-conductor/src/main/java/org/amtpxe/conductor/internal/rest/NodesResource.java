package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.service.Identifiers;
import org.amtpxe.conductor.internal.service.Validation;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.store.MarkerNotFoundException;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.NodeQuery;

/** {@code /v1/nodes}: the Ironic node API on top of {@link Conductor}. */
final class NodesResource {
  private static final Set<String> LIST_PARAMS =
      Set.of(
          "limit",
          "marker",
          "sort_key",
          "sort_dir",
          "fields",
          "detail",
          "maintenance",
          "associated",
          "instance_uuid",
          "provision_state",
          "driver",
          "resource_class");

  /** Fields a create request may carry besides the writable ones, if null or their default. */
  private static final Set<String> CREATE_ONLY = Set.of("uuid");

  private static final Set<String> CREATE_DEFAULTS =
      Set.of("chassis_uuid", "network_interface", "resource_class");

  private final Conductor service;

  NodesResource(Conductor service) {
    this.service = service;
  }

  // ---- collection ----

  ApiResponse list(ApiRequest req, boolean detail) throws ApiException, ConductorException {
    req.allowParams(LIST_PARAMS);
    ApiVersion v = req.version();
    Boolean detailParam = req.boolParam("detail");
    if (detailParam != null && detailParam) {
      detail = true;
    }
    List<String> fields = fields(req);
    if (fields != null && detail) {
      throw ApiException.badRequest("Can't fetch a subset of fields with 'detail' set");
    }
    String sortKey = req.param("sort_key") == null ? "id" : req.param("sort_key");
    String column = sortKey.equals("id") ? "created_at" : sortKey;
    if (!NodeDao.SORT_KEYS.keySet().contains(column)) {
      throw ApiException.badRequest(
          "The sort_key value "
              + sortKey
              + " is not supported; use one of "
              + new java.util.TreeSet<>(NodeDao.SORT_KEYS.keySet())
              + ".");
    }
    String dir = req.param("sort_dir") == null ? "asc" : req.param("sort_dir");
    if (!dir.equals("asc") && !dir.equals("desc")) {
      throw ApiException.badRequest("Invalid sort direction: " + dir + "; use asc or desc.");
    }
    ProvisionState state = null;
    if (req.param("provision_state") != null) {
      requireVersion(v, 9, "Filtering by provision_state");
      state =
          ProvisionState.fromValue(req.param("provision_state"))
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "Unknown provision_state " + req.param("provision_state")));
    }
    if (req.param("driver") != null) {
      requireVersion(v, 16, "Filtering by driver");
    }
    if (req.param("resource_class") != null) {
      requireVersion(v, 21, "Filtering by resource_class");
    }
    String instance = req.param("instance_uuid");
    if (instance != null && !Identifiers.isUuid(instance)) {
      throw ApiException.badRequest("Expected a UUID for instance_uuid but received " + instance);
    }
    String base = req.baseUrl();
    Function<Node, JsonNode> render =
        detail
            ? n -> NodeJson.render(n, v, base, null)
            : fields != null
                ? n -> NodeJson.render(n, v, base, fields)
                : n -> NodeJson.renderShort(n, v, base);
    int limit = Paging.limit(req);
    List<Node> page;
    if (req.param("resource_class") != null) {
      page = List.of(); // NOTE: no node has a resource class here (see NodeJson).
    } else {
      try {
        page =
            service
                .nodes()
                .nodes(
                    new NodeQuery(
                            state,
                            req.param("driver"),
                            req.boolParam("maintenance"),
                            req.boolParam("associated"),
                            instance,
                            column,
                            dir.equals("desc"))
                        .page(req.param("marker"), limit));
      } catch (MarkerNotFoundException e) {
        throw ApiException.badRequest(e.getMessage());
      }
    }
    return ApiResponse.ok(Paging.pageBody("nodes", detail, page, limit, req, Node::uuid, render));
  }

  private static List<String> fields(ApiRequest req) throws ApiException {
    String param = req.param("fields");
    if (param == null) {
      return null;
    }
    requireVersion(req.version(), 8, "The fields parameter");
    Set<String> fields = new LinkedHashSet<>();
    for (String f : param.split(",")) {
      String field = f.strip();
      if (field.isEmpty()) {
        continue;
      }
      if (!NodeJson.exists(field, req.version())) {
        throw ApiException.badRequest(
            "Field(s) \""
                + field
                + "\" are not valid; valid fields at API version "
                + req.version()
                + " are the node's attributes.");
      }
      fields.add(field);
    }
    return new ArrayList<>(fields);
  }

  static void requireVersion(ApiVersion v, int minor, String feature) throws ApiException {
    if (!v.atLeast(minor)) {
      throw ApiException.notAcceptable(
          feature + " needs API version 1." + minor + " or newer; this request used " + v + ".");
    }
  }

  ApiResponse create(ApiRequest req) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    ObjectNode body = Json.parseObject(req.body());
    var it = body.fields();
    while (it.hasNext()) {
      var e = it.next();
      String k = e.getKey();
      JsonNode value = e.getValue();
      if (CREATE_DEFAULTS.contains(k)) {
        boolean isDefault =
            value.isNull() || (k.equals("network_interface") && "noop".equals(value.asText()));
        if (!isDefault) {
          throw ApiException.badRequest(
              "Cannot set "
                  + k
                  + " to "
                  + value
                  + ": this conductor has no chassis, no resource classes and only the noop"
                  + " network interface.");
        }
        continue;
      }
      if (!NodeJson.WRITABLE.contains(k) && !CREATE_ONLY.contains(k)) {
        throw ApiException.badRequest(
            NodeJson.FIELDS.containsKey(k)
                ? "Cannot set " + k + " when creating a node; it is read-only."
                : "Unknown attribute for argument node: " + k);
      }
    }
    if (!body.path("driver").isTextual() || body.get("driver").asText().isBlank()) {
      throw ApiException.badRequest("Mandatory field missing: driver (a string).");
    }
    if (body.has("name") && !body.get("name").isNull()) {
      requireVersion(req.version(), 5, "Node names");
    }
    String uuid =
        body.path("uuid").isNull() || !body.has("uuid")
            ? UUID.randomUUID().toString()
            : text(body, "uuid");
    Node.Builder b = Node.builder(uuid, body.get("driver").asText());
    fill(b, body);
    if (!req.version().atLeast(11)) {
      // NOTE: before 1.11 nodes started in "available" (Ironic's enroll came with 1.11).
      b.provisionState(ProvisionState.AVAILABLE);
    }
    Node created = service.nodes().createNode(b.build());
    return ApiResponse.created(
        NodeJson.render(created, req.version(), req.baseUrl(), null),
        req.baseUrl() + "/v1/nodes/" + created.uuid());
  }

  /** Copies the writable fields present in a JSON document into a builder, checking types. */
  private static void fill(Node.Builder b, ObjectNode doc) throws ApiException {
    if (doc.has("name")) {
      b.name(nullableText(doc, "name"));
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
      b.instanceUuid(nullableText(doc, "instance_uuid"));
    }
    if (doc.has("maintenance")) {
      JsonNode m = doc.get("maintenance");
      if (!m.isBoolean()) {
        throw ApiException.badRequest("maintenance must be true or false, not " + m);
      }
      b.maintenance(m.asBoolean());
    }
    if (doc.has("maintenance_reason")) {
      b.maintenanceReason(nullableText(doc, "maintenance_reason"));
    }
  }

  private static String text(ObjectNode doc, String field) throws ApiException {
    JsonNode v = doc.get(field);
    if (v == null || !v.isTextual()) {
      throw ApiException.badRequest(
          field + " must be a string, not " + (v == null ? "missing" : "a " + v.getNodeType()));
    }
    return v.asText();
  }

  private static String nullableText(ObjectNode doc, String field) throws ApiException {
    JsonNode v = doc.get(field);
    return v == null || v.isNull() ? null : text(doc, field);
  }

  private static Map<String, Object> object(ObjectNode doc, String field) throws ApiException {
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

  // ---- one node ----

  private String ident(ApiRequest req, String ident) throws ApiException {
    if (!Identifiers.isUuid(ident) && !req.version().atLeast(5)) {
      throw ApiException.badRequest(
          "Expected a UUID but received " + ident + "; names need API version 1.5 or newer.");
    }
    return ident;
  }

  ApiResponse get(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of("fields"));
    List<String> fields = fields(req);
    Node n = service.nodes().node(ident(req, ident));
    return ApiResponse.ok(NodeJson.render(n, req.version(), req.baseUrl(), fields));
  }

  ApiResponse patch(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    JsonNode patch = Json.parse(req.body());
    ObjectNode resets = Json.object();
    for (String f : List.of("driver_info", "instance_info", "properties", "extra")) {
      resets.set(f, Json.object());
    }
    resets.put("maintenance", false);
    String id = ident(req, ident);
    Node updated =
        service
            .nodes()
            .updateNode(
                id,
                current -> {
                  try {
                    ObjectNode doc = writable(current);
                    ObjectNode patched = JsonPatch.apply(doc, patch, NodeJson.WRITABLE, resets);
                    if (!patched.path("driver").isTextual()) {
                      throw ApiException.badRequest(
                          "driver cannot be removed; replace it instead.");
                    }
                    if (patched.hasNonNull("name")) {
                      requireVersion(req.version(), 5, "Node names");
                    }
                    Node.Builder b = current.toBuilder();
                    fill(b, patched);
                    return b.build();
                  } catch (ApiException e) {
                    throw ConductorException.invalid(e.getMessage());
                  }
                });
    return ApiResponse.ok(NodeJson.render(updated, req.version(), req.baseUrl(), null));
  }

  /** The writable fields of a node, unmasked, as the document a patch applies to. */
  private static ObjectNode writable(Node n) {
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
    return o;
  }

  ApiResponse delete(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    service.nodes().deleteNode(ident(req, ident));
    return ApiResponse.status(204);
  }

  ApiResponse states(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    Node n = service.nodes().node(ident(req, ident));
    return ApiResponse.ok(NodeJson.renderStates(n, req.version(), req.baseUrl()));
  }

  ApiResponse power(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    ObjectNode body = Json.parseObject(req.body());
    allowKeys(body, Set.of("target", "timeout"));
    String target = body.path("target").asText(null);
    PowerState state =
        PowerState.fromValue(target)
            .filter(PowerState::isTarget)
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "Invalid power target "
                            + body.get("target")
                            + "; use \"power on\", \"power off\", \"rebooting\", \"soft power"
                            + " off\" or \"soft rebooting\"."));
    if (state == PowerState.SOFT_POWER_OFF || state == PowerState.SOFT_REBOOT) {
      requireVersion(req.version(), 27, "Soft power targets");
    }
    Duration timeout = null;
    if (body.has("timeout") && !body.get("timeout").isNull()) {
      requireVersion(req.version(), 27, "The power timeout");
      JsonNode t = body.get("timeout");
      if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() < 1) {
        throw ApiException.badRequest("timeout must be a positive integer (seconds), not " + t);
      }
      timeout = Duration.ofSeconds(t.asInt());
    }
    Node n = service.nodes().node(ident(req, ident));
    service.power().changePowerState(n.uuid(), state, timeout);
    return ApiResponse.accepted(req.baseUrl() + "/v1/nodes/" + n.uuid() + "/states");
  }

  ApiResponse provision(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    ObjectNode body = Json.parseObject(req.body());
    allowKeys(body, Set.of("target", "configdrive", "clean_steps", "rescue_password"));
    for (String unsupported : List.of("configdrive", "clean_steps", "rescue_password")) {
      if (body.hasNonNull(unsupported)) {
        throw ApiException.badRequest(unsupported + " is not supported by this conductor.");
      }
    }
    String target = body.path("target").asText(null);
    ProvisionAction action =
        ProvisionAction.fromValue(target)
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "Invalid provision target "
                            + body.get("target")
                            + "; use manage, provide, active, rebuild or deleted."));
    requireVersion(req.version(), action.minMinorVersion(), "The \"" + target + "\" action");
    Node n = service.nodes().node(ident(req, ident));
    service.provision().changeProvisionState(n.uuid(), action);
    return ApiResponse.accepted(req.baseUrl() + "/v1/nodes/" + n.uuid() + "/states");
  }

  private static void allowKeys(ObjectNode body, Set<String> allowed) throws ApiException {
    var names = body.fieldNames();
    while (names.hasNext()) {
      String k = names.next();
      if (!allowed.contains(k)) {
        throw ApiException.badRequest("Unknown attribute " + k + "; expected " + allowed + ".");
      }
    }
  }

  ApiResponse getBootDevice(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    BootDeviceSetting s = service.management().bootDevice(ident(req, ident));
    ObjectNode o = Json.object();
    o.put("boot_device", s.device().value());
    o.put("persistent", s.persistent());
    return ApiResponse.ok(o);
  }

  ApiResponse setBootDevice(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    ObjectNode body = Json.parseObject(req.body());
    allowKeys(body, Set.of("boot_device", "persistent"));
    String device = body.path("boot_device").asText(null);
    BootDevice d =
        BootDevice.fromValue(device)
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "Invalid boot device "
                            + body.get("boot_device")
                            + "; use pxe, disk, cdrom or bios."));
    JsonNode persistent = body.get("persistent");
    if (persistent != null && !persistent.isNull() && !persistent.isBoolean()) {
      throw ApiException.badRequest("persistent must be true or false, not " + persistent);
    }
    service
        .management()
        .setBootDevice(ident(req, ident), d, persistent != null && persistent.asBoolean());
    return ApiResponse.status(204);
  }

  ApiResponse supportedBootDevices(ApiRequest req, String ident)
      throws ApiException, ConductorException {
    req.allowParams(Set.of());
    ArrayNode devices = Json.array();
    service.management().supportedBootDevices(ident(req, ident)).stream()
        .map(BootDevice::value)
        .sorted()
        .forEach(devices::add);
    ObjectNode o = Json.object();
    o.set("supported_boot_devices", devices);
    return ApiResponse.ok(o);
  }

  ApiResponse injectNmi(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    requireVersion(req.version(), 29, "Injecting an NMI");
    if (!req.body().isBlank()) {
      allowKeys(Json.parseObject(req.body()), Set.of());
    }
    service.management().injectNmi(ident(req, ident));
    return ApiResponse.status(204);
  }

  ApiResponse validate(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    ObjectNode o = Json.object();
    for (Map.Entry<String, Validation> e : service.nodes().validate(ident(req, ident)).entrySet()) {
      ObjectNode r = Json.object();
      if (e.getValue().result() == null) {
        r.putNull("result");
      } else {
        r.put("result", e.getValue().result());
      }
      r.put("reason", e.getValue().reason());
      o.set(e.getKey(), r);
    }
    return ApiResponse.ok(o);
  }

  ApiResponse setMaintenance(ApiRequest req, String ident, boolean on)
      throws ApiException, ConductorException {
    req.allowParams(Set.of("reason"));
    String reason = req.param("reason");
    if (on && !req.body().isBlank()) {
      ObjectNode body = Json.parseObject(req.body());
      allowKeys(body, Set.of("reason"));
      if (body.hasNonNull("reason")) {
        reason = body.get("reason").asText();
      }
    }
    Node n = service.nodes().setMaintenance(ident(req, ident), on, reason);
    return ApiResponse.accepted(req.baseUrl() + "/v1/nodes/" + n.uuid());
  }

  ApiResponse vendorMethods(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    Node n = service.nodes().node(ident(req, ident));
    ObjectNode o = Json.object();
    for (String m :
        new java.util.TreeSet<>(service.nodes().driver(n.driver()).deploy().callbackMethods())) {
      ObjectNode d = Json.object();
      d.put("async", true);
      d.put("attach", false);
      d.put(
          "description",
          "Deploy ramdisk callback; authenticated by the agent token of its lookup.");
      d.set("http_methods", Json.array().add("POST"));
      d.put("require_exclusive_lock", true);
      o.set(m, d);
    }
    return ApiResponse.ok(o);
  }

  /** Resolves a node for the ports sub-resource. */
  Node node(ApiRequest req, String ident) throws ApiException, ConductorException {
    return service.nodes().node(ident(req, ident));
  }
}
