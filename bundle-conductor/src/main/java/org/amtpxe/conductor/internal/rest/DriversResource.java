package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.ConductorException;

/** {@code /v1/drivers}: the drivers loaded now, and their parameters. */
final class DriversResource {
  /**
   * The interfaces of the detailed driver (1.30), and the version each appeared: storage (1.33),
   * rescue (1.38), bios (1.40). A classic driver shows null for all of them, as in Ironic.
   */
  private static final Map<String, Integer> INTERFACES = new LinkedHashMap<>();

  static {
    for (String iface :
        List.of(
            "boot",
            "console",
            "deploy",
            "inspect",
            "management",
            "network",
            "power",
            "raid",
            "vendor")) {
      INTERFACES.put(iface, 30);
    }
    INTERFACES.put("storage", 33);
    INTERFACES.put("rescue", 38);
    INTERFACES.put("bios", 40);
  }

  private final Conductor service;

  DriversResource(Conductor service) {
    this.service = service;
  }

  ApiResponse list(ApiRequest req) throws ApiException {
    req.allowParams(Set.of("type", "detail", "fields"));
    String type = req.param("type");
    Boolean detail = req.boolParam("detail");
    if (type != null || detail != null) {
      NodesResource.requireVersion(req.version(), 30, "The type and detail parameters");
    }
    List<String> fields = fields(req);
    if (fields != null && Boolean.TRUE.equals(detail)) {
      throw ApiException.badRequest("Can not specify ?detail=True and fields in the same request.");
    }
    if (type != null && !type.equals("classic") && !type.equals("dynamic")) {
      throw ApiException.badRequest("Invalid driver type " + type + "; use classic or dynamic.");
    }
    ArrayNode items = Json.array();
    if (!"dynamic".equals(type)) {
      for (String name : service.nodes().drivers().keySet()) {
        items.add(select(render(name, req, Boolean.TRUE.equals(detail) || fields != null), fields));
      }
    }
    ObjectNode body = Json.object();
    body.set("drivers", items);
    return ApiResponse.ok(body);
  }

  private ObjectNode render(String name, ApiRequest req, boolean detail) {
    ObjectNode o = Json.object();
    o.put("name", name);
    o.set("hosts", hosts(name));
    if (req.version().atLeast(30)) {
      // NOTE: every driver here is a complete "classic" driver; the dynamic-driver interface
      // fields are null for those, as in Ironic.
      o.put("type", "classic");
      if (detail) {
        for (var iface : INTERFACES.entrySet()) {
          if (req.version().atLeast(iface.getValue())) {
            o.putNull("default_" + iface.getKey() + "_interface");
            o.putNull("enabled_" + iface.getKey() + "_interfaces");
          }
        }
      }
    }
    o.set("links", Links.of(req.baseUrl(), "drivers", name));
    if (req.version().atLeast(14)) {
      o.set("properties", Links.of(req.baseUrl(), "drivers", name + "/properties"));
    }
    return o;
  }

  /**
   * The live conductors that have the driver; this conductor alone when it shares its database with
   * none.
   */
  private ArrayNode hosts(String driver) {
    ArrayNode hosts = Json.array();
    var members = service.tasks().ownership().members();
    if (members.isEmpty()) {
      return hosts.add(service.nodes().host());
    }
    for (var m : members) {
      if (m.alive() && m.row().drivers().contains(driver)) {
        hosts.add(m.row().hostname());
      }
    }
    return hosts;
  }

  ApiResponse get(ApiRequest req, String name) throws ApiException, ConductorException {
    req.allowParams(Set.of("fields"));
    List<String> fields = fields(req);
    service.nodes().driver(name);
    return ApiResponse.ok(select(render(name, req, req.version().atLeast(30)), fields));
  }

  /**
   * The {@code fields} parameter (1.77): driver fields to show.
   *
   * @return null when absent
   * @throws ApiException 406 below 1.77, 400 for a field drivers do not have
   */
  private static List<String> fields(ApiRequest req) throws ApiException {
    String param = req.param("fields");
    if (param == null) {
      return null;
    }
    NodesResource.requireVersion(req.version(), 77, "The fields parameter of drivers");
    List<String> fields = new ArrayList<>();
    for (String f : param.split(",")) {
      String field = f.strip();
      boolean known =
          List.of("name", "hosts", "type", "links", "properties").contains(field)
              || INTERFACES.keySet().stream()
                  .anyMatch(
                      i ->
                          field.equals("default_" + i + "_interface")
                              || field.equals("enabled_" + i + "_interfaces"));
      if (!known) {
        throw ApiException.badRequest("Field(s) \"" + field + "\" are not valid for drivers.");
      }
      fields.add(field);
    }
    return fields;
  }

  /** The driver with only the given fields (all when null). */
  private static ObjectNode select(ObjectNode driver, List<String> fields) {
    if (fields == null) {
      return driver;
    }
    ObjectNode o = Json.object();
    for (String f : fields) {
      if (driver.has(f)) {
        o.set(f, driver.get(f));
      }
    }
    return o;
  }

  ApiResponse properties(ApiRequest req, String name) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    BareMetalDriver driver = service.nodes().driver(name);
    Map<String, String> props = new TreeMap<>(driver.properties());
    ObjectNode o = Json.object();
    props.forEach(o::put);
    return ApiResponse.ok(o);
  }
}
