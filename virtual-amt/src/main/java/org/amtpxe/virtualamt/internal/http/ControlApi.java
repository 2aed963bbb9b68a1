package org.amtpxe.virtualamt.internal.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.virtualamt.BootRecord;
import org.amtpxe.virtualamt.NodeCounters;
import org.amtpxe.virtualamt.RequestRecord;
import org.amtpxe.virtualamt.Switches;
import org.amtpxe.virtualamt.VirtualAmtNode;
import org.amtpxe.virtualamt.internal.config.HardwareJson;
import org.amtpxe.virtualamt.internal.config.SwitchesJson;
import org.amtpxe.virtualamt.internal.node.AmtNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * The inspection and control API: JSON over HTTP on its own port. Lists nodes, shows a node's power
 * state, boot override, boot history, request log and counters, and changes switches, injects
 * faults and drives the host. Passwords never appear in its output.
 */
final class ControlApi {
  private static final String HELP =
      """
      GET    /api/nodes                         all nodes (summary)
      GET    /api/nodes/{name}                  one node: power, boot override, switches, counters
      GET    /api/nodes/{name}/boots            boot history
      GET    /api/nodes/{name}/requests         request log
      GET    /api/nodes/{name}/counters         counters
      POST   /api/nodes/{name}/counters/reset   zero the counters, empty the request log
      GET    /api/nodes/{name}/switches         realism switches
      PATCH  /api/nodes/{name}/switches         change some switches: {"latencyMs":200,...}
      GET    /api/nodes/{name}/hardware         the hardware the inventory classes report
      PATCH  /api/nodes/{name}/hardware         change some of it: {"hostName":"pc-7","cpus":[...]}
      POST   /api/nodes/{name}/faults           inject: {"fault":"drop|http-500|malformed-xml|slow","count":1}
      DELETE /api/nodes/{name}/faults           drop pending injections
      POST   /api/nodes/{name}/host             {"action":"reboot|shutdown|power-button"}
      GET    /api/counters                      every node's counters summed, and the node count
      POST   /api/counters/reset                zero every node's counters
      PATCH  /api/switches                      change switches of every node
      GET    /api/tls                           the TLS certificate's SHA-256 fingerprint
      """;

  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<String, AmtNode> nodes = new LinkedHashMap<>();
  private final String tlsFingerprint;

  ControlApi(List<AmtNode> nodes, String tlsFingerprint) {
    for (AmtNode n : nodes) {
      this.nodes.put(n.name(), n);
    }
    this.tlsFingerprint = tlsFingerprint;
  }

  void handle(Request request, Response response, Callback callback) {
    Content.Source.asString(
        request,
        StandardCharsets.UTF_8,
        Promise.from(
            body -> {
              Reply reply;
              try {
                reply = route(request.getMethod(), request.getHttpURI().getPath(), body);
              } catch (IllegalArgumentException e) {
                reply = new Reply(400, error(e.getMessage()));
              }
              send(response, callback, reply.status(), reply.json());
            },
            failure -> send(response, callback, 400, error("Cannot read the request body"))));
  }

  private record Reply(int status, JsonNode json) {}

  private Reply route(String method, String path, String body) {
    String[] parts = path.replaceAll("^/+|/+$", "").split("/+");
    if (parts.length == 0 || !"api".equals(parts[0])) {
      return new Reply(404, error("Unknown path " + path + "; see GET /api"));
    }
    if (parts.length == 1) {
      ObjectNode o = mapper.createObjectNode();
      ArrayNode lines = o.putArray("endpoints");
      HELP.lines().forEach(lines::add);
      return new Reply(200, o);
    }
    switch (parts[1]) {
      case "tls":
        ObjectNode tls = mapper.createObjectNode();
        tls.put("enabled", tlsFingerprint != null);
        tls.put("sha256Fingerprint", tlsFingerprint);
        return get(method, tls);
      case "counters":
        if (parts.length == 3 && "reset".equals(parts[2]) && "POST".equals(method)) {
          nodes.values().forEach(AmtNode::resetCounters);
          return new Reply(200, ok());
        }
        if (parts.length == 2) {
          return get(method, total());
        }
        return notFound(path);
      case "switches":
        if ("PATCH".equals(method) || "PUT".equals(method)) {
          JsonNode changes = parse(body);
          for (AmtNode n : nodes.values()) {
            SwitchesJson.apply(n.switches(), changes);
          }
          for (AmtNode n : nodes.values()) {
            n.setSwitches(SwitchesJson.apply(n.switches(), changes));
          }
          return new Reply(200, ok());
        }
        return new Reply(405, error("Use PATCH /api/switches"));
      case "nodes":
        return nodes(method, parts, body, path);
      default:
        return notFound(path);
    }
  }

  private Reply nodes(String method, String[] parts, String body, String path) {
    if (parts.length == 2) {
      ArrayNode list = mapper.createArrayNode();
      nodes.values().forEach(n -> list.add(summary(n)));
      return get(method, list);
    }
    AmtNode node = nodes.get(parts[2]);
    if (node == null) {
      return new Reply(404, error("No node named '" + parts[2] + "'; GET /api/nodes lists them"));
    }
    if (parts.length == 3) {
      return get(method, detail(node));
    }
    String what = parts[3];
    switch (what) {
      case "boots":
        ArrayNode boots = mapper.createArrayNode();
        for (BootRecord b : node.bootHistory()) {
          ObjectNode o = boots.addObject();
          o.put("time", b.time().toString());
          o.put("device", b.device().id());
          o.put("cause", SwitchesJson.name(b.cause()));
          o.put("overrideUsed", b.overrideUsed());
          ArrayNode notes = o.putArray("notes");
          b.notes().forEach(notes::add);
        }
        return get(method, boots);
      case "requests":
        ArrayNode requests = mapper.createArrayNode();
        for (RequestRecord r : node.requestLog()) {
          ObjectNode o = requests.addObject();
          o.put("time", r.time().toString());
          o.put("action", r.action());
          o.put("resource", r.resource());
          o.put("status", r.httpStatus());
          o.put("outcome", r.outcome());
        }
        return get(method, requests);
      case "counters":
        if (parts.length == 5 && "reset".equals(parts[4]) && "POST".equals(method)) {
          node.resetCounters();
          return new Reply(200, ok());
        }
        if (parts.length == 4 && "DELETE".equals(method)) {
          node.resetCounters();
          return new Reply(200, ok());
        }
        return parts.length == 4 ? get(method, counters(node.counters())) : notFound(path);
      case "switches":
        if ("PATCH".equals(method) || "PUT".equals(method)) {
          node.setSwitches(SwitchesJson.apply(node.switches(), parse(body)));
          return new Reply(200, SwitchesJson.toJson(node.switches()));
        }
        return get(method, SwitchesJson.toJson(node.switches()));
      case "hardware":
        if ("PATCH".equals(method) || "PUT".equals(method)) {
          node.setHardware(HardwareJson.apply(node.hardware(), parse(body), "hardware"));
          return new Reply(200, HardwareJson.toJson(node.hardware()));
        }
        return get(method, HardwareJson.toJson(node.hardware()));
      case "faults":
        if ("DELETE".equals(method)) {
          node.clearInjectedFaults();
          return new Reply(200, ok());
        }
        if (!"POST".equals(method)) {
          return new Reply(405, error("Use POST to inject faults, DELETE to drop them"));
        }
        JsonNode f = parse(body);
        if (!f.path("fault").isTextual()) {
          throw new IllegalArgumentException(
              "Give the fault to inject: {\"fault\":\"drop|http-500|malformed-xml|slow\",\"count\":1}");
        }
        Switches.Fault fault =
            SwitchesJson.parseEnum("fault", f.path("fault").asText(), Switches.Fault.class);
        int count = f.path("count").asInt(1);
        node.injectFaults(fault, count);
        ObjectNode injected = ok();
        injected.put("pending", node.faults().pending());
        return new Reply(200, injected);
      case "host":
        if (!"POST".equals(method)) {
          return new Reply(
              405, error("Use POST with {\"action\":\"reboot|shutdown|power-button\"}"));
        }
        String action = parse(body).path("action").asText("");
        switch (action) {
          case "reboot" -> node.hostReboot();
          case "shutdown" -> node.hostShutdown();
          case "power-button" -> node.pressPowerButton();
          default ->
              throw new IllegalArgumentException(
                  "Unknown host action '" + action + "': use reboot, shutdown or power-button");
        }
        ObjectNode done = ok();
        done.put("powerState", SwitchesJson.name(node.powerState()));
        return new Reply(200, done);
      default:
        return notFound(path);
    }
  }

  private Reply get(String method, JsonNode json) {
    if (!"GET".equals(method)) {
      return new Reply(405, error("Use GET here; see GET /api for the endpoints"));
    }
    return new Reply(200, json);
  }

  private Reply notFound(String path) {
    return new Reply(404, error("Unknown path " + path + "; see GET /api"));
  }

  private JsonNode parse(String body) {
    try {
      JsonNode node = mapper.readTree(body == null || body.isBlank() ? "{}" : body);
      if (!node.isObject()) {
        throw new IllegalArgumentException("The request body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "The request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private ObjectNode summary(AmtNode n) {
    ObjectNode o = mapper.createObjectNode();
    o.put("name", n.name());
    o.put("address", n.spec().address());
    o.put("port", n.port());
    if (n.tlsPort().isPresent()) {
      o.put("tlsPort", n.tlsPort().get());
    }
    n.redirectionPort().ifPresent(p -> o.put("redirectionPort", p));
    o.put("wsmanUri", n.wsmanUri().toString());
    o.put("powerState", SwitchesJson.name(n.powerState()));
    o.put("powerStateValue", n.powerState().cimValue());
    return o;
  }

  private ObjectNode detail(AmtNode n) {
    ObjectNode o = summary(n);
    n.wsmanTlsUri().ifPresent(u -> o.put("wsmanTlsUri", u.toString()));
    if (n.tlsPort().isPresent()) {
      o.put("tlsSha256Fingerprint", tlsFingerprint);
    }
    o.put("username", n.spec().username());
    o.put("realm", n.spec().realm());
    o.put("qop", n.spec().qop().headerValue());
    o.put("firmwareVersion", n.spec().firmwareVersion());
    o.put("managementEngine", SwitchesJson.name(n.engine().state(System.nanoTime(), n.switches())));
    VirtualAmtNode.BootOverride override = n.bootOverride();
    ObjectNode b = o.putObject("bootOverride");
    b.put("source", override.source().map(d -> d.id()).orElse(null));
    b.put("armed", override.armed());
    b.put("biosSetup", override.biosSetup());
    o.put("bootCount", n.bootHistory().size());
    o.set("machine", mapper.valueToTree(n.machine().describe()));
    o.set("switches", SwitchesJson.toJson(n.switches()));
    o.set("counters", counters(n.counters()));
    o.put("pendingInjectedFaults", n.faults().pending());
    o.put("requestsInFlight", n.gate().inFlight());
    o.put("requestsQueued", n.gate().queued());
    return o;
  }

  /** The counters of all nodes added up, for measurements over many nodes. */
  private ObjectNode total() {
    ObjectNode o =
        counters(
            nodes.values().stream()
                .map(AmtNode::counters)
                .reduce(NodeCounters.ZERO, NodeCounters::plus));
    o.put("nodes", nodes.size());
    return o;
  }

  private ObjectNode counters(NodeCounters c) {
    ObjectNode o = mapper.createObjectNode();
    o.put("connections", c.connections());
    o.put("httpRequests", c.httpRequests());
    o.put("unauthorized", c.unauthorized());
    o.put("wsmanRequests", c.wsmanRequests());
    o.put("faults", c.faults());
    o.put("dropped", c.dropped());
    o.put("wakeUps", c.wakeUps());
    return o;
  }

  private ObjectNode ok() {
    ObjectNode o = mapper.createObjectNode();
    o.put("ok", true);
    return o;
  }

  private ObjectNode error(String message) {
    ObjectNode o = mapper.createObjectNode();
    o.put("error", message);
    return o;
  }

  private void send(Response response, Callback callback, int status, JsonNode json) {
    String text;
    try {
      text = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
    } catch (JsonProcessingException e) {
      status = 500;
      text = "{\"error\":\"cannot write JSON\"}\n";
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=UTF-8");
    Content.Sink.write(response, true, text, callback);
  }
}
