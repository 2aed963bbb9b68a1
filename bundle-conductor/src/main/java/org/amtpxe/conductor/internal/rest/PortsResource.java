package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.service.Identifiers;

/** {@code /v1/ports} and {@code /v1/nodes/<node>/ports}: the Ironic port API. */
final class PortsResource {
  private static final Set<String> LIST_PARAMS =
      Set.of(
          "limit",
          "marker",
          "sort_key",
          "sort_dir",
          "fields",
          "detail",
          "node",
          "node_uuid",
          "address",
          "portgroup");
  private static final Set<String> WRITABLE =
      Set.of("address", "node_uuid", "extra", "pxe_enabled");

  /**
   * Port fields and the version that introduced each, up to 1.78: internal_info (1.18),
   * local_link_connection and pxe_enabled (1.19), portgroup_uuid (1.24), physical_network (1.34),
   * is_smartnic (1.53). Without port groups, network interfaces or Smart NICs here, the later ones
   * are shown empty: {}, null, null, false.
   */
  static final Map<String, Integer> FIELDS =
      Map.ofEntries(
          Map.entry("uuid", 1),
          Map.entry("address", 1),
          Map.entry("node_uuid", 1),
          Map.entry("extra", 1),
          Map.entry("created_at", 1),
          Map.entry("updated_at", 1),
          Map.entry("links", 1),
          Map.entry("internal_info", 18),
          Map.entry("local_link_connection", 19),
          Map.entry("pxe_enabled", 19),
          Map.entry("portgroup_uuid", 24),
          Map.entry("physical_network", 34),
          Map.entry("is_smartnic", 53));

  /** Fields Ironic lets a client set that are fixed here: only their empty value is accepted. */
  private static final Set<String> FIXED =
      Set.of("local_link_connection", "portgroup_uuid", "physical_network", "is_smartnic");

  private final Conductor service;

  PortsResource(Conductor service) {
    this.service = service;
  }

  ApiResponse list(ApiRequest req, boolean detail, Node ofNode)
      throws ApiException, ConductorException {
    req.allowParams(LIST_PARAMS);
    Boolean detailParam = req.boolParam("detail");
    if (detailParam != null) {
      NodesResource.requireDetailQuery(req);
    }
    if (detailParam != null && detailParam) {
      detail = true;
    }
    if (req.param("portgroup") != null) {
      NodesResource.requireVersion(req.version(), 24, "Filtering by portgroup");
    }
    String sortKey = req.param("sort_key");
    if (sortKey != null && !Set.of("id", "created_at", "uuid", "address").contains(sortKey)) {
      throw ApiException.badRequest(
          "The sort_key value " + sortKey + " is not supported; use created_at, uuid or address.");
    }
    String node = ofNode != null ? ofNode.uuid() : req.param("node_uuid");
    if (node == null && req.param("node") != null) {
      NodesResource.requireVersion(req.version(), 5, "The node filter");
      node = req.param("node");
    }
    // NOTE: no port is in a port group here.
    List<Port> ports =
        req.param("portgroup") != null
            ? List.of()
            : service.ports().ports(node, req.param("address"));
    if (sortKey != null && !sortKey.equals("id") && !sortKey.equals("created_at")) {
      ports =
          ports.stream()
              .sorted(
                  java.util.Comparator.comparing(
                      (Port p) -> sortKey.equals("uuid") ? p.uuid() : p.address().toString()))
              .toList();
    }
    if ("desc".equals(req.param("sort_dir"))) {
      ports = new java.util.ArrayList<>(ports);
      java.util.Collections.reverse(ports);
    }
    List<String> fields = fields(req);
    List<String> shown =
        detail ? null : fields != null ? fields : List.of("uuid", "address", "links");
    return ApiResponse.ok(
        Paging.listBody(
            "ports",
            detail,
            ports,
            req,
            Port::uuid,
            (g, p) -> write(g, p, req.version(), req.baseUrl(), shown)));
  }

  private static List<String> fields(ApiRequest req) throws ApiException {
    String param = req.param("fields");
    if (param == null) {
      return null;
    }
    NodesResource.requireVersion(req.version(), 8, "The fields parameter");
    List<String> fields = List.of(param.split(","));
    for (String f : fields) {
      requireKnown(f, req.version());
      if (!exists(f, req.version())) {
        throw ApiException.badRequest("Field(s) \"" + f + "\" are not valid for ports.");
      }
    }
    return fields;
  }

  private static boolean exists(String field, ApiVersion v) {
    Integer since = FIELDS.get(field);
    return since != null && v.atLeast(since);
  }

  /**
   * Refuses a port field newer than the requested version, as Ironic does.
   *
   * @throws ApiException 406
   */
  private static void requireKnown(String field, ApiVersion v) throws ApiException {
    Integer since = FIELDS.get(field);
    if (since != null && !v.atLeast(since)) {
      throw ApiException.notAcceptable(NodeInput.notAcceptable(field, since, v));
    }
  }

  /**
   * Refuses a value other than the empty one for a field that is fixed here.
   *
   * @throws ApiException 400
   */
  private static void checkFixed(String field, JsonNode value) throws ApiException {
    boolean empty = value == null || value.isNull() || (value.isObject() && value.isEmpty());
    if (!empty && field.equals("is_smartnic")) {
      ObjectNode holder = Json.object();
      holder.set(field, value);
      empty = Boolean.FALSE.equals(NodeInput.bool(holder, field));
    }
    if (!empty) {
      throw ApiException.badRequest(
          "Cannot set "
              + field
              + ": this conductor has no network interface, port groups, physical networks or"
              + " Smart NICs.");
    }
  }

  /** Every port field in the order shown. */
  private static final List<String> ALL =
      List.of(
          "address",
          "created_at",
          "extra",
          "internal_info",
          "is_smartnic",
          "local_link_connection",
          "node_uuid",
          "physical_network",
          "portgroup_uuid",
          "pxe_enabled",
          "updated_at",
          "uuid",
          "links");

  /**
   * Writes the port with the given fields (all of this version's when null).
   *
   * @throws IOException when the generator fails
   */
  static void write(JsonGenerator g, Port p, ApiVersion v, String baseUrl, List<String> fields)
      throws IOException {
    g.writeStartObject();
    for (String f : fields == null ? ALL : fields) {
      if (!exists(f, v)) {
        continue;
      }
      g.writeFieldName(f);
      switch (f) {
        case "uuid" -> g.writeString(p.uuid());
        case "address" -> g.writeString(p.address().toString());
        case "node_uuid" -> g.writeString(p.nodeUuid());
        case "extra" -> Json.writeMap(g, p.extra());
        case "created_at" -> Json.writeTime(g, p.createdAt());
        case "updated_at" -> Json.writeTime(g, p.updatedAt());
        case "pxe_enabled" -> g.writeBoolean(p.pxeEnabled());
        case "is_smartnic" -> g.writeBoolean(false);
        case "internal_info", "local_link_connection" -> {
          g.writeStartObject();
          g.writeEndObject();
        }
        case "links" -> Links.write(g, baseUrl, "ports", p.uuid());
        default -> g.writeNull();
      }
    }
    g.writeEndObject();
  }

  /** The port as a response body: see {@link #write}. */
  static JsonBody body(Port p, ApiVersion v, String baseUrl, List<String> fields) {
    return g -> write(g, p, v, baseUrl, fields);
  }

  ApiResponse get(ApiRequest req, String uuid) throws ApiException, ConductorException {
    req.allowParams(Set.of("fields"));
    return ApiResponse.ok(
        body(service.ports().port(uuid), req.version(), req.baseUrl(), fields(req)));
  }

  ApiResponse create(ApiRequest req) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    ObjectNode body = Json.parseObject(req.body());
    var names = body.fieldNames();
    while (names.hasNext()) {
      String k = names.next();
      JsonNode value = body.get(k);
      switch (k) {
        case "address", "node_uuid", "uuid", "extra" -> {}
        case "pxe_enabled" -> requireKnown(k, req.version());
        case "local_link_connection", "portgroup_uuid", "physical_network", "is_smartnic" -> {
          requireKnown(k, req.version());
          checkFixed(k, value);
        }
        default -> throw ApiException.badRequest("Unknown attribute for argument port: " + k);
      }
    }
    if (!body.path("address").isTextual()) {
      throw ApiException.badRequest("Mandatory field missing: address (a MAC address string).");
    }
    String nodeUuid = body.path("node_uuid").asText(null);
    if (nodeUuid == null) {
      throw ApiException.badRequest("Mandatory field missing: node_uuid.");
    }
    if (!Identifiers.isUuid(nodeUuid)) {
      throw ApiException.badRequest("Expected UUID for node_uuid: " + nodeUuid);
    }
    String uuid =
        body.hasNonNull("uuid") ? body.get("uuid").asText() : UUID.randomUUID().toString();
    JsonNode pxe = body.get("pxe_enabled");
    if (pxe != null && !pxe.isNull() && !pxe.isBoolean()) {
      throw ApiException.badRequest("pxe_enabled must be true or false, not " + pxe);
    }
    Map<String, Object> extra = extra(body.get("extra"));
    Port created =
        service
            .ports()
            .createPort(
                Port.builder(uuid, mac(body.get("address").asText()), nodeUuid)
                    .pxeEnabled(pxe == null || pxe.isNull() || pxe.asBoolean())
                    .extra(extra)
                    .build());
    return ApiResponse.created(
        body(created, req.version(), req.baseUrl(), null),
        req.baseUrl() + "/v1/ports/" + created.uuid());
  }

  /**
   * A MAC address from the request.
   *
   * @throws ApiException 400 with Ironic's message
   */
  static MacAddress mac(String address) throws ApiException {
    return MacAddress.tryParse(address)
        .orElseThrow(
            () ->
                ApiException.badRequest(
                    "Expected valid MAC address for address: "
                        + address
                        + " (six pairs of hex digits separated by : or -)"));
  }

  private static Map<String, Object> extra(JsonNode extra) throws ApiException {
    if (extra == null || extra.isNull()) {
      return Map.of();
    }
    if (!extra.isObject()) {
      throw ApiException.badRequest("extra must be a JSON object, not " + extra);
    }
    return Json.toMap(extra);
  }

  ApiResponse patch(ApiRequest req, String uuid) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    JsonNode patch = Json.parse(req.body());
    Set<String> patchable = new java.util.HashSet<>(WRITABLE);
    patchable.addAll(FIXED);
    if (patch.isArray()) {
      for (JsonNode op : patch) {
        String path = op.path("path").asText("");
        String field = path.startsWith("/") ? path.substring(1).split("/", -1)[0] : "";
        if (patchable.contains(field)) {
          requireKnown(field, req.version());
        }
      }
    }
    ObjectNode resets = Json.object();
    resets.set("extra", Json.object());
    resets.put("pxe_enabled", true);
    resets.set("local_link_connection", Json.object());
    resets.put("is_smartnic", false);
    Port updated =
        service
            .ports()
            .updatePort(
                uuid,
                current -> {
                  try {
                    ObjectNode doc = Json.object();
                    doc.put("address", current.address().toString());
                    doc.put("node_uuid", current.nodeUuid());
                    doc.set("extra", Json.toJson(current.extra()));
                    doc.put("pxe_enabled", current.pxeEnabled());
                    doc.set("local_link_connection", Json.object());
                    doc.putNull("portgroup_uuid");
                    doc.putNull("physical_network");
                    doc.put("is_smartnic", false);
                    ObjectNode p = JsonPatch.apply(doc, patch, patchable, resets);
                    for (String f : FIXED) {
                      checkFixed(f, p.get(f));
                    }
                    if (!p.path("address").isTextual() || !p.path("node_uuid").isTextual()) {
                      throw ApiException.badRequest("address and node_uuid cannot be removed.");
                    }
                    if (!p.path("pxe_enabled").isBoolean()) {
                      throw ApiException.badRequest("pxe_enabled must be true or false.");
                    }
                    return current.toBuilder()
                        .address(mac(p.get("address").asText()))
                        .nodeUuid(p.get("node_uuid").asText())
                        .pxeEnabled(p.get("pxe_enabled").asBoolean())
                        .extra(extra(p.get("extra")))
                        .build();
                  } catch (ApiException e) {
                    throw ConductorException.invalid(e.getMessage());
                  }
                });
    return ApiResponse.ok(body(updated, req.version(), req.baseUrl(), null));
  }

  ApiResponse delete(ApiRequest req, String uuid) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    service.ports().deletePort(uuid);
    return ApiResponse.status(204);
  }
}
