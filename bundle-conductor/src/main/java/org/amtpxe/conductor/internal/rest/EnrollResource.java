package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.conductor.internal.enroll.AddressList;
import org.amtpxe.conductor.internal.enroll.EnrollService;
import org.amtpxe.conductor.internal.enroll.EnrollService.Outcome;
import org.amtpxe.conductor.internal.enroll.EnrollService.Report;
import org.amtpxe.conductor.internal.enroll.EnrollService.Result;
import org.amtpxe.conductor.internal.enroll.EnrollService.Target;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk enrollment over the API, as the driver vendor passthru method {@code enroll}: {@code POST
 * /v1/drivers/<driver>/vendor_passthru?method=enroll}, which the {@code baremetal} CLI calls with
 * {@code baremetal driver passthru call <driver> enroll --arg addresses=... --arg
 * amt_username=...}.
 *
 * <p>The body's keys:
 *
 * <ul>
 *   <li>{@code addresses}: a string of addresses, ranges and networks ({@link AddressList}), or a
 *       list of them;
 *   <li>{@code hosts}: a list of objects, each an {@code address} (or range) with its own
 *       driver_info keys, typically its credentials;
 *   <li>{@code driver_info}: driver_info shared by every node;
 *   <li>any parameter of the driver ({@code GET /v1/drivers/<driver>/properties}) at the top level,
 *       added to the shared driver_info (this is how the CLI's {@code --arg} passes them);
 *   <li>{@code parallelism}: probes in flight (default {@value EnrollService#DEFAULT_PARALLELISM});
 *   <li>{@code resource_class}: the new nodes' resource class.
 * </ul>
 *
 * The answer (200) is the report: counts, and per outcome the addresses with their node or reason.
 * It never contains driver_info.
 */
final class EnrollResource {
  private static final Logger LOG = LoggerFactory.getLogger(EnrollResource.class);

  /** The method's name. */
  static final String METHOD = "enroll";

  private static final Set<String> KEYS =
      Set.of("addresses", "hosts", "driver_info", "parallelism", "resource_class");

  private final Conductor service;

  EnrollResource(Conductor service) {
    this.service = service;
  }

  /** {@code GET /v1/drivers/<driver>/vendor_passthru/methods}. */
  ApiResponse methods(ApiRequest req, String driverName) throws ApiException, ConductorException {
    req.allowParams(Set.of());
    BareMetalDriver driver = service.nodes().driver(driverName);
    ObjectNode o = Json.object();
    if (driver.inspect().isPresent()) {
      ObjectNode d = Json.object();
      d.put("async", false);
      d.put("attach", false);
      d.put(
          "description",
          "Probes addresses, ranges or networks and enrolls each machine that answers as a node,"
              + " inspected, named after its host name. Arguments: addresses, driver_info or the"
              + " driver's parameters, hosts, parallelism, resource_class.");
      d.set("http_methods", Json.array().add("POST"));
      d.put("require_exclusive_lock", false);
      o.set(METHOD, d);
    }
    return ApiResponse.ok(o);
  }

  /** {@code POST /v1/drivers/<driver>/vendor_passthru?method=<method>}. */
  ApiResponse call(ApiRequest req, String driverName, String method)
      throws ApiException, ConductorException {
    if (method == null || method.isEmpty()) {
      throw ApiException.badRequest(
          "Name the vendor passthru method: POST .../vendor_passthru?method=" + METHOD + ".");
    }
    BareMetalDriver driver = service.nodes().driver(driverName);
    if (!method.equals(METHOD) || driver.inspect().isEmpty()) {
      throw ApiException.badRequest(
          "Unsupported method ("
              + AddressList.shorten(method)
              + ") for driver "
              + driverName
              + "; GET /v1/drivers/"
              + driverName
              + "/vendor_passthru/methods lists what it offers.");
    }
    ObjectNode body = req.body().isBlank() ? Json.object() : Json.parseObject(req.body());
    Set<String> parameters = driver.properties().keySet();
    Map<String, Object> driverInfo = new LinkedHashMap<>();
    List<String> specs = new ArrayList<>();
    List<Target> targets = new ArrayList<>();
    int parallelism = EnrollService.DEFAULT_PARALLELISM;
    String resourceClass = null;
    var fields = body.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      switch (key) {
        case "addresses" -> specs.addAll(strings(key, value));
        case "hosts" -> targets.addAll(hosts(value, parameters));
        case "driver_info" -> driverInfo.putAll(driverInfo(key, value, parameters));
        case "parallelism" -> parallelism = integer(key, value);
        case "resource_class" -> resourceClass = text(key, value);
        default -> {
          if (!parameters.contains(key)) {
            throw ApiException.badRequest(
                "Unknown argument "
                    + AddressList.shorten(key)
                    + "; expected "
                    + KEYS
                    + " or a parameter of driver "
                    + driverName
                    + " (GET /v1/drivers/"
                    + driverName
                    + "/properties).");
          }
          driverInfo.put(key, scalar(key, value));
        }
      }
    }
    List<Target> all = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    try {
      if (!specs.isEmpty()) {
        for (String a : AddressList.expand(specs, EnrollService.MAX_ADDRESSES)) {
          if (seen.add(a)) {
            all.add(new Target(a, Map.of()));
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    for (Target t : targets) {
      if (seen.add(t.address())) {
        all.add(t);
      }
    }
    if (all.isEmpty()) {
      throw ApiException.badRequest(
          "Nothing to enroll: give addresses (for example addresses=10.0.0.10-10.0.0.50) or hosts.");
    }
    Report report =
        service
            .enroll()
            .enroll(
                new EnrollService.Request(driverName, driverInfo, all, parallelism, resourceClass),
                (done, total, counts) -> {
                  if (done % Math.max(1, total / 10) == 0 || done == total) {
                    LOG.info("Bulk enrollment: {}/{} addresses probed: {}", done, total, counts);
                  }
                });
    return ApiResponse.ok(json(report));
  }

  static ObjectNode json(Report report) {
    ObjectNode o = Json.object();
    o.put("total", report.results().size());
    o.put("seconds", report.millis() / 1000.0);
    ObjectNode counts = o.putObject("counts");
    report.counts().forEach((k, v) -> counts.put(k.key(), v));
    Map<Outcome, ArrayNode> lists = new LinkedHashMap<>();
    for (Outcome outcome : Outcome.values()) {
      lists.put(outcome, o.putArray(outcome.key()));
    }
    for (Result r : report.results()) {
      ObjectNode entry = lists.get(r.outcome()).addObject();
      entry.put("address", r.address());
      if (r.node() != null) {
        entry.put("node", r.node());
        entry.put("name", r.name());
      }
      if (r.outcome() == Outcome.ENROLLED) {
        ArrayNode ports = entry.putArray("ports");
        r.ports().forEach(ports::add);
      }
      if (r.message() != null) {
        entry.put(r.outcome() == Outcome.ENROLLED ? "note" : "reason", r.message());
      }
    }
    return o;
  }

  private static List<Target> hosts(JsonNode value, Set<String> parameters) throws ApiException {
    if (!value.isArray()) {
      throw ApiException.badRequest(
          "hosts must be a list of objects, each with an address and its own driver_info keys.");
    }
    List<Target> targets = new ArrayList<>();
    for (JsonNode host : value) {
      if (!host.isObject() || !host.path("address").isTextual()) {
        throw ApiException.badRequest(
            "Each entry of hosts must be an object with an address, for example {\"address\":"
                + " \"10.0.0.10\", \"amt_password\": \"...\"}.");
      }
      Map<String, Object> own = new LinkedHashMap<>();
      var fields = host.fields();
      while (fields.hasNext()) {
        var f = fields.next();
        if (!f.getKey().equals("address")) {
          if (!parameters.contains(f.getKey())) {
            throw ApiException.badRequest(
                "Unknown key "
                    + AddressList.shorten(f.getKey())
                    + " in hosts; a host takes address and the driver's parameters.");
          }
          own.put(f.getKey(), scalar(f.getKey(), f.getValue()));
        }
      }
      try {
        for (String a :
            AddressList.expand(
                List.of(host.get("address").asText()), EnrollService.MAX_ADDRESSES)) {
          targets.add(new Target(a, own));
        }
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
      if (targets.size() > EnrollService.MAX_ADDRESSES) {
        throw ApiException.badRequest(
            "Too many addresses in hosts; one enrollment probes at most "
                + EnrollService.MAX_ADDRESSES
                + ".");
      }
    }
    return targets;
  }

  private static Map<String, Object> driverInfo(String key, JsonNode value, Set<String> parameters)
      throws ApiException {
    if (!value.isObject()) {
      throw ApiException.badRequest(key + " must be an object of driver parameters.");
    }
    Map<String, Object> info = new LinkedHashMap<>();
    var fields = value.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      if (!parameters.contains(f.getKey())) {
        throw ApiException.badRequest(
            "Unknown driver_info key "
                + AddressList.shorten(f.getKey())
                + "; GET the driver's properties for the keys it takes.");
      }
      info.put(f.getKey(), scalar(f.getKey(), f.getValue()));
    }
    return info;
  }

  private static List<String> strings(String key, JsonNode value) throws ApiException {
    if (value.isTextual()) {
      return List.of(value.asText());
    }
    if (value.isArray()) {
      List<String> list = new ArrayList<>();
      for (JsonNode v : value) {
        list.add(text(key, v));
      }
      return list;
    }
    throw ApiException.badRequest(key + " must be a string or a list of strings.");
  }

  private static Object scalar(String key, JsonNode value) throws ApiException {
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isNumber() || value.isBoolean()) {
      return Json.toMap(Json.object().set("v", value)).get("v");
    }
    throw ApiException.badRequest(
        AddressList.shorten(key) + " must be a string, a number or a boolean.");
  }

  private static String text(String key, JsonNode value) throws ApiException {
    if (!value.isTextual()) {
      throw ApiException.badRequest(key + " must be a string.");
    }
    return value.asText();
  }

  private static int integer(String key, JsonNode value) throws ApiException {
    if (value.canConvertToInt() && value.isIntegralNumber()) {
      return value.asInt();
    }
    if (value.isTextual() && value.asText().matches("\\d{1,6}")) {
      return Integer.parseInt(value.asText());
    }
    throw ApiException.badRequest(key + " must be a whole number.");
  }
}
