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
import org.amtpxe.api.driver.BootEvent;
import org.amtpxe.api.driver.BootHistory;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.cluster.Ownership;
import org.amtpxe.conductor.internal.console.ConsoleService;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.service.Identifiers;
import org.amtpxe.conductor.internal.service.Validation;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.store.MarkerNotFoundException;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.NodeEvent;
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
          "resource_class",
          "fault",
          "conductor_group",
          "conductor",
          "owner",
          "description_contains",
          "retired",
          "lessee",
          "project");

  /** The faults Ironic knows (its {@code faults.VALID_FAULTS}), for the fault filter. */
  private static final List<String> FAULTS =
      List.of("power failure", "clean failure", "rescue abort failure", "service failure");

  /** Fields a create request may carry besides the writable ones. */
  private static final Set<String> CREATE_ONLY = Set.of("uuid");

  /** Writable fields Ironic sets with PATCH only. */
  private static final Set<String> PATCH_ONLY = Set.of("protected", "protected_reason");

  private final Conductor service;

  NodesResource(Conductor service) {
    this.service = service;
  }

  // ---- collection ----

  ApiResponse list(ApiRequest req, boolean detail) throws ApiException, ConductorException {
    req.allowParams(LIST_PARAMS);
    ApiVersion v = req.version();
    Boolean detailParam = req.boolParam("detail");
    if (detailParam != null) {
      requireDetailQuery(req);
    }
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
    NodeInput.requireKnown(column, v);
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
    String fault = req.param("fault");
    if (fault != null) {
      requireVersion(v, 42, "Filtering by fault");
      if (!FAULTS.contains(fault)) {
        throw ApiException.badRequest(
            "Unrecognized fault \"" + fault + "\" is specified, allowed faults are " + FAULTS);
      }
    }
    String group = req.param("conductor_group");
    if (group != null) {
      requireVersion(v, 46, "Filtering by conductor_group");
      group = NodeInput.conductorGroup(Json.MAPPER.getNodeFactory().textNode(group));
    }
    String conductor = req.param("conductor");
    if (conductor != null) {
      requireVersion(v, 49, "Filtering by conductor");
    }
    if (req.param("owner") != null) {
      requireVersion(v, 50, "Filtering by owner");
    }
    if (req.param("description_contains") != null) {
      requireVersion(v, 51, "Filtering by description_contains");
    }
    Boolean retired = req.boolParam("retired");
    if (retired != null) {
      requireVersion(v, 61, "Filtering by retired");
    }
    if (req.param("lessee") != null || req.param("project") != null) {
      requireVersion(v, 65, "Filtering by lessee or project");
    }
    String instance = req.param("instance_uuid");
    if (instance != null && !Identifiers.isUuid(instance)) {
      throw ApiException.badRequest("Expected a UUID for instance_uuid but received " + instance);
    }
    String base = req.baseUrl();
    Ownership owners = service.tasks().ownership();
    Paging.ItemWriter<Node> write =
        detail
            ? (g, n) -> NodeJson.write(g, n, v, base, owners, null)
            : fields != null
                ? (g, n) -> NodeJson.write(g, n, v, base, owners, fields)
                : (g, n) -> NodeJson.writeShort(g, n, v, base);
    int limit = Paging.limit(req);
    NodeQuery query =
        new NodeQuery(
                state,
                req.param("driver"),
                req.boolParam("maintenance"),
                req.boolParam("associated"),
                instance,
                column,
                dir.equals("desc"))
            .filtered(
                new NodeQuery.Filters(
                    req.param("resource_class"),
                    fault,
                    group,
                    req.param("owner"),
                    req.param("description_contains"),
                    retired,
                    req.param("lessee"),
                    req.param("project")));
    List<Node> page;
    try {
      page =
          conductor == null
              ? service.nodes().nodes(query.page(req.param("marker"), limit))
              : ownedBy(conductor, owners, query, req.param("marker"), limit);
    } catch (MarkerNotFoundException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    return ApiResponse.ok(Paging.pageBody("nodes", detail, page, limit, req, Node::uuid, write));
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
      NodeInput.requireKnown(field, req.version());
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

  /**
   * The {@code detail} query parameter of lists came with 1.43.
   *
   * @throws ApiException 400 with Ironic's message below 1.43
   */
  static void requireDetailQuery(ApiRequest req) throws ApiException {
    if (!req.version().atLeast(43)) {
      throw ApiException.badRequest(
          "Invalid query parameter ?detail="
              + req.param("detail")
              + " received. The detail parameter needs API version 1.43 or newer; use the"
              + " /detail path instead.");
    }
  }

  /**
   * A page of the nodes a conductor owns on the hash ring, in the query's order: the ring is not in
   * the database, so pages of the query are read and filtered until the page is full or the nodes
   * run out. The next page's marker is the last node shown, as for any page.
   */
  private List<Node> ownedBy(
      String conductor, Ownership owners, NodeQuery query, String marker, int limit) {
    List<Node> page = new ArrayList<>();
    String after = marker;
    while (page.size() < limit) {
      List<Node> batch = service.nodes().nodes(query.page(after, limit));
      for (Node n : batch) {
        if (page.size() < limit && owners.owner(n).map(conductor::equals).orElse(false)) {
          page.add(n);
        }
      }
      if (batch.size() < limit) {
        break;
      }
      after = batch.get(batch.size() - 1).uuid();
    }
    return page;
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
      boolean writable = NodeJson.WRITABLE.containsKey(k) && !PATCH_ONLY.contains(k);
      if (!writable && !NodeJson.FIXED.containsKey(k) && !CREATE_ONLY.contains(k)) {
        throw ApiException.badRequest(
            NodeJson.FIELDS.containsKey(k) || PATCH_ONLY.contains(k)
                ? "Cannot set " + k + " when creating a node; it is read-only."
                : "Unknown attribute for argument node: " + k);
      }
      // Ironic refuses a field newer than the version unless it is empty.
      boolean empty = value.isNull() || (k.equals("conductor_group") && "".equals(value.asText()));
      if (!empty) {
        NodeInput.requireKnown(k, req.version());
      }
      if (NodeJson.FIXED.containsKey(k)) {
        NodeInput.checkFixed(k, value);
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
            : NodeInput.text(body, "uuid");
    Node.Builder b = Node.builder(uuid, body.get("driver").asText());
    NodeInput.fill(b, body);
    if (!req.version().atLeast(11)) {
      // NOTE: before 1.11 nodes started in "available" (Ironic's enroll came with 1.11).
      b.provisionState(ProvisionState.AVAILABLE);
    }
    Node created = service.nodes().createNode(b.build());
    return ApiResponse.created(
        NodeJson.body(created, req.version(), req.baseUrl(), service.tasks().ownership(), null),
        req.baseUrl() + "/v1/nodes/" + created.uuid());
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
    return ApiResponse.ok(
        NodeJson.body(n, req.version(), req.baseUrl(), service.tasks().ownership(), fields));
  }

  ApiResponse patch(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of("reset_interfaces"));
    JsonNode patch = Json.parse(req.body());
    if (req.param("reset_interfaces") != null) {
      requireVersion(req.version(), 45, "The reset_interfaces parameter");
      // NOTE: a classic driver's interfaces are fixed, so there is nothing to reset; Ironic's
      // rule that it comes with a change of driver still holds.
      if (Boolean.TRUE.equals(req.boolParam("reset_interfaces")) && !changesDriver(patch)) {
        throw ApiException.badRequest(
            "The reset_interfaces parameter can only be used when changing the node's driver.");
      }
    }
    Set<String> patchable = new java.util.HashSet<>(NodeJson.WRITABLE.keySet());
    patchable.addAll(NodeJson.FIXED.keySet());
    if (patch != null && patch.isArray()) {
      for (JsonNode op : patch) {
        String field = topField(op.path("path").asText(""));
        if (patchable.contains(field)) {
          NodeInput.requireKnown(field, req.version());
        }
      }
    }
    ObjectNode resets = NodeInput.resets();
    String id = ident(req, ident);
    Node updated =
        service
            .nodes()
            .updateNode(
                id,
                current -> {
                  try {
                    ObjectNode doc = NodeInput.patchable(current);
                    ObjectNode patched = JsonPatch.apply(doc, patch, patchable, resets);
                    if (!patched.path("driver").isTextual()) {
                      throw ApiException.badRequest(
                          "driver cannot be removed; replace it instead.");
                    }
                    if (patched.hasNonNull("name")) {
                      requireVersion(req.version(), 5, "Node names");
                    }
                    for (String f : NodeJson.FIXED.keySet()) {
                      NodeInput.checkFixed(f, patched.get(f));
                    }
                    Node.Builder b = current.toBuilder();
                    NodeInput.fill(b, patched);
                    return b.build();
                  } catch (ApiException e) {
                    throw ConductorException.invalid(e.getMessage());
                  }
                });
    return ApiResponse.ok(
        NodeJson.body(updated, req.version(), req.baseUrl(), service.tasks().ownership(), null));
  }

  private static boolean changesDriver(JsonNode patch) {
    if (patch != null && patch.isArray()) {
      for (JsonNode op : patch) {
        if (op.path("path").asText("").equals("/driver")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The top-level field a patch path names ({@code /extra/rack} names extra). */
  private static String topField(String path) {
    if (!path.startsWith("/")) {
      return "";
    }
    int end = path.indexOf('/', 1);
    return (end < 0 ? path.substring(1) : path.substring(1, end))
        .replace("~1", "/")
        .replace("~0", "~");
  }

  ApiResponse delete(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    Node n = service.nodes().node(ident(req, ident));
    service.nodes().deleteNode(n.uuid());
    service.consoles().forget(n.uuid());
    return ApiResponse.status(204);
  }

  /** GET states/console: whether the console is enabled and, while it is, where to connect. */
  ApiResponse console(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    Node n = service.nodes().node(ident(req, ident));
    if (!ConsoleService.enabled(n)
        && service.drivers().find(n.driver()).flatMap(d -> d.console()).isEmpty()) {
      throw Unimplemented.unsupported(n, "console");
    }
    ObjectNode o = Json.object();
    o.put("console_enabled", ConsoleService.enabled(n));
    var info = service.consoles().info(n.uuid());
    if (info.isPresent()) {
      ObjectNode i = o.putObject("console_info");
      i.put("type", "socat");
      i.put("url", info.get().url());
      if (info.get().token() != null) {
        // NOTE: off loopback the port wants this line first (docs/console.md#access); Ironic's
        // shape has no such key, clients that do not know it ignore it.
        i.put("token", info.get().token());
      }
    } else {
      o.putNull("console_info");
    }
    return ApiResponse.ok(o);
  }

  /** PUT states/console {"enabled": bool}: starts enabling or disabling; 202. */
  ApiResponse setConsole(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    ObjectNode body = Json.parseObject(req.body());
    allowKeys(body, Set.of("enabled"));
    JsonNode enabled = body.get("enabled");
    boolean value;
    if (enabled != null && enabled.isBoolean()) {
      value = enabled.booleanValue();
    } else if (enabled != null
        && enabled.isTextual()
        && Set.of("true", "false").contains(enabled.asText().toLowerCase(java.util.Locale.ROOT))) {
      value = Boolean.parseBoolean(enabled.asText());
    } else {
      throw ApiException.badRequest(
          "Invalid input for field/attribute enabled: give {\"enabled\": true} or {\"enabled\":"
              + " false}.");
    }
    Node n = service.nodes().node(ident(req, ident));
    service.consoles().setEnabled(n.uuid(), value);
    return ApiResponse.accepted(req.baseUrl() + "/v1/nodes/" + n.uuid() + "/states/console");
  }

  ApiResponse states(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    Node n = service.nodes().node(ident(req, ident));
    return ApiResponse.ok(NodeJson.statesBody(n, req.version(), req.baseUrl()));
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
    allowKeys(
        body,
        Set.of(
            "target",
            "configdrive",
            "clean_steps",
            "rescue_password",
            "deploy_steps",
            "disable_ramdisk"));
    if (body.hasNonNull("deploy_steps")) {
      requireVersion(req.version(), 69, "deploy_steps");
    }
    if (body.hasNonNull("disable_ramdisk")) {
      requireVersion(req.version(), 70, "disable_ramdisk");
    }
    for (String unsupported :
        List.of(
            "configdrive", "clean_steps", "rescue_password", "deploy_steps", "disable_ramdisk")) {
      if (body.hasNonNull(unsupported)) {
        throw ApiException.badRequest(unsupported + " is not supported by this conductor.");
      }
    }
    String target = body.path("target").asText(null);
    if ("deploy".equals(target) || "undeploy".equals(target)) {
      // 1.73: aliases of active and deleted.
      requireVersion(req.version(), 73, "The \"" + target + "\" action");
      target = target.equals("deploy") ? "active" : "deleted";
    }
    if ("rescue".equals(target) || "unrescue".equals(target)) {
      requireVersion(req.version(), 38, "The \"" + target + "\" action");
      Node n = service.nodes().node(ident(req, ident));
      throw Unimplemented.unsupported(n, "rescue");
    }
    ProvisionAction action =
        ProvisionAction.fromValue(target)
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "Invalid provision target "
                            + body.get("target")
                            + "; use manage, provide, inspect, active (or deploy), rebuild or"
                            + " deleted (or undeploy)."));
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

  /** The most events a boot history answer carries, and the default. */
  static final int BOOT_HISTORY_MAX = 4096;

  static final int BOOT_HISTORY_DEFAULT = 500;

  /**
   * GET management/boot_history: the boots and power changes the node's management controller
   * logged, newest first, read from the hardware now (docs/web-ui.md#boot-history). {@code limit}
   * (1-4096, default 500) bounds the events in the answer; {@code truncated} says when there were
   * more.
   */
  ApiResponse bootHistory(ApiRequest req, String ident) throws ApiException, ConductorException {
    req.allowParams(Set.of("limit"));
    int limit = BOOT_HISTORY_DEFAULT;
    String text = req.param("limit");
    if (text != null) {
      try {
        limit = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        limit = 0;
      }
      if (limit < 1 || limit > BOOT_HISTORY_MAX) {
        throw ApiException.badRequest(
            "limit must be a number from 1 to "
                + BOOT_HISTORY_MAX
                + ", not '"
                + shorten(text)
                + "'.");
      }
    }
    Node n = service.nodes().node(ident(req, ident));
    BootHistory history = service.management().bootHistory(n.uuid());
    ObjectNode o = Json.object();
    o.put("node_uuid", n.uuid());
    o.put("read_at", history.readAt().toString());
    o.put("source", "amt_event_log");
    o.put("requests", history.requests());
    List<BootEvent> events = history.events();
    o.put("total", events.size());
    o.put("truncated", history.truncated() || events.size() > limit);
    ArrayNode list = o.putArray("events");
    for (BootEvent e : events.subList(0, Math.min(limit, events.size()))) {
      ObjectNode j = list.addObject();
      if (e.time() == null) {
        j.putNull("time");
      } else {
        j.put("time", e.time().toString());
      }
      j.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
      if (e.device() == null) {
        j.putNull("device");
      } else {
        j.put("device", e.device().value());
      }
      j.put("description", e.description());
      j.put("severity", e.severity());
      j.put("reporter", e.reporter());
      j.put("raw", e.raw());
    }
    return ApiResponse.ok(o);
  }

  private static String shorten(String text) {
    return text.length() > 20 ? text.substring(0, 20) + "..." : text;
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

  // ---- history (1.78) ----

  /**
   * {@code GET /v1/nodes/<node>/history}: the node's events, oldest first, paged like Ironic's
   * (limit, marker, sort_dir; sort_key created_at only), short or with {@code detail} all fields.
   * {@code /history/detail}, which the CLI's {@code history list --long} asks for (Ironic answers
   * it 404), is the detailed list.
   */
  ApiResponse history(ApiRequest req, String ident, boolean detailPath)
      throws ApiException, ConductorException {
    req.allowParams(Set.of("detail", "marker", "limit", "sort_key", "sort_dir"));
    boolean detail = detailPath || Boolean.TRUE.equals(req.boolParam("detail"));
    String sortKey = req.param("sort_key");
    if (sortKey != null && !sortKey.equals("created_at")) {
      throw ApiException.badRequest(
          "The sort_key value " + sortKey + " is not supported for node history; use created_at.");
    }
    String dir = req.param("sort_dir") == null ? "asc" : req.param("sort_dir");
    if (!dir.equals("asc") && !dir.equals("desc")) {
      throw ApiException.badRequest("Invalid sort direction: " + dir + "; use asc or desc.");
    }
    String marker = req.param("marker");
    if (marker != null && !Identifiers.isUuid(marker)) {
      throw ApiException.badRequest("Expected a UUID for marker but received " + marker + ".");
    }
    int limit = Paging.limit(req);
    Node n = node(req, ident);
    List<NodeEvent> page;
    try {
      page = service.nodes().history(n, marker, limit, dir.equals("desc"));
    } catch (MarkerNotFoundException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    String base = req.baseUrl();
    return ApiResponse.ok(
        Paging.pageBodyAt(
            "history",
            "nodes/" + ident + "/history" + (detailPath ? "/detail" : ""),
            page,
            limit,
            req,
            NodeEvent::uuid,
            (g, e) -> g.writeTree(renderEvent(e, base, detail))));
  }

  /** {@code GET /v1/nodes/<node>/history/<event>}: one event, all its fields. */
  ApiResponse historyEvent(ApiRequest req, String ident, String event)
      throws ApiException, ConductorException {
    req.allowParams(Set.of());
    Node n = node(req, ident);
    if (!Identifiers.isUuid(event)) {
      throw ApiException.notFound("Node history record " + event + " could not be found.");
    }
    return ApiResponse.ok(renderEvent(service.nodes().historyEvent(n, event), req.baseUrl(), true));
  }

  /**
   * An event as Ironic shows it: without detail uuid, created_at, severity and the event cut to 255
   * characters; with detail also event_type, conductor and user, the event whole; a self link.
   */
  static ObjectNode renderEvent(NodeEvent e, String baseUrl, boolean detail) {
    ObjectNode o = Json.object();
    o.put("uuid", e.uuid());
    o.put("created_at", Json.time(e.createdAt()));
    o.put("severity", e.severity());
    if (detail) {
      o.put("event_type", e.eventType());
      o.put("event", e.event());
      o.put("conductor", e.conductor());
      o.put("user", e.user());
    } else {
      String text = e.event();
      o.put("event", text.length() > 255 ? text.substring(0, 251) + "..." : text);
    }
    o.set(
        "links",
        Json.array()
            .add(
                Links.link(
                    baseUrl + "/v1/nodes/" + e.nodeUuid() + "/history/" + e.uuid(), "self")));
    return o;
  }

  /** Resolves a node for the ports sub-resource. */
  Node node(ApiRequest req, String ident) throws ApiException, ConductorException {
    return service.nodes().node(ident(req, ident));
  }
}
