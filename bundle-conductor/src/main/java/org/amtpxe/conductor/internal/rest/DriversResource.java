package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.ConductorException;

/** {@code /v1/drivers}: the drivers loaded now, and their parameters. */
final class DriversResource {
  private static final List<String> INTERFACES =
      List.of(
          "boot",
          "console",
          "deploy",
          "inspect",
          "management",
          "network",
          "power",
          "raid",
          "vendor");

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
    if (type != null && !type.equals("classic") && !type.equals("dynamic")) {
      throw ApiException.badRequest("Invalid driver type " + type + "; use classic or dynamic.");
    }
    ArrayNode items = Json.array();
    if (!"dynamic".equals(type)) {
      for (String name : service.nodes().drivers().keySet()) {
        items.add(render(name, req, Boolean.TRUE.equals(detail)));
      }
    }
    ObjectNode body = Json.object();
    body.set("drivers", items);
    return ApiResponse.ok(body);
  }

  private ObjectNode render(String name, ApiRequest req, boolean detail) {
    ObjectNode o = Json.object();
    o.put("name", name);
    o.set("hosts", Json.array().add(service.nodes().host()));
    if (req.version().atLeast(30)) {
      // NOTE: every driver here is a complete "classic" driver; the dynamic-driver interface
      // fields are null for those, as in Ironic.
      o.put("type", "classic");
      if (detail) {
        for (String iface : INTERFACES) {
          o.putNull("default_" + iface + "_interface");
          o.putNull("enabled_" + iface + "_interfaces");
        }
      }
    }
    o.set("links", Links.of(req.baseUrl(), "drivers", name));
    o.set("properties", Links.of(req.baseUrl(), "drivers", name + "/properties"));
    return o;
  }

  ApiResponse get(ApiRequest req, String name) throws ApiException, ConductorException {
    req.allowParams(Set.of("fields"));
    service.nodes().driver(name);
    return ApiResponse.ok(render(name, req, req.version().atLeast(30)));
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
