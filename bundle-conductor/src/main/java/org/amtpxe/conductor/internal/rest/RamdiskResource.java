package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.service.RamdiskService;

/**
 * The routes a deploy ramdisk calls without credentials: {@code GET /v1/lookup} (its one-time agent
 * token) and {@code POST /v1/nodes/{node}/vendor_passthru/{method}} (its callback, authenticated by
 * that token). Both are rate-limited per client address and node before anything is read from the
 * database.
 */
final class RamdiskResource {
  /** Ironic serves the lookup from API 1.22 on. */
  static final int LOOKUP_VERSION = 22;

  /** The callback body key of the agent token (Ironic's heartbeat uses the same name). */
  static final String AGENT_TOKEN = "agent_token";

  private static final int MAX_IDENT = 255;

  private final Conductor service;
  private final RamdiskLimiter limiter;

  RamdiskResource(Conductor service, RamdiskLimiter limiter) {
    this.service = service;
    this.limiter = limiter;
  }

  ApiResponse lookup(ApiRequest req) throws ApiException, ConductorException {
    if (!req.version().atLeast(LOOKUP_VERSION)) {
      throw ApiException.notFound("The resource could not be found.");
    }
    req.allowParams(Set.of("addresses", "node_uuid"));
    String addresses = req.param("addresses");
    if (addresses == null || addresses.isBlank()) {
      throw ApiException.badRequest(
          "Name the ramdisk's MAC addresses: GET /v1/lookup?addresses=<mac>[,<mac>...].");
    }
    String nodeUuid = req.param("node_uuid");
    throttle(req, "lookup");
    List<String> macs = new ArrayList<>();
    for (String a : addresses.split(",", RamdiskService.MAX_LOOKUP_ADDRESSES + 2)) {
      macs.add(a.strip());
    }
    RamdiskService.AgentLookup found =
        service.ramdisk().lookup(macs, nodeUuid, req.clientAddress());
    ObjectNode node = Json.object();
    node.put("uuid", found.nodeUuid());
    ObjectNode config = Json.object();
    config.put(AGENT_TOKEN, found.token());
    config.put("agent_token_required", true);
    ObjectNode o = Json.object();
    o.set("node", node);
    o.set("config", config);
    return ApiResponse.ok(o);
  }

  ApiResponse callback(ApiRequest req, String ident, String method)
      throws ApiException, ConductorException {
    req.allowParams(Set.of("method"));
    String m = method != null ? method : req.param("method");
    if (m == null || m.isBlank()) {
      throw ApiException.badRequest(
          "Name the vendor passthru method: POST .../vendor_passthru/<method> or ?method=<method>.");
    }
    if (ident.length() > MAX_IDENT) {
      throw ApiException.notFound(RamdiskService.RAMDISK_REFUSED);
    }
    throttle(req, ident);
    Map<String, Object> body =
        req.body().isBlank()
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(Json.toMap(Json.parseObject(req.body())));
    Object token = body.remove(AGENT_TOKEN);
    service
        .ramdisk()
        .vendorPassthru(ident, m, body, token instanceof String s ? s : null, req.clientAddress());
    return ApiResponse.status(202);
  }

  private void throttle(ApiRequest req, String what) throws ApiException {
    long wait = limiter.acquire(String.valueOf(req.clientAddress()), what);
    if (wait > 0) {
      throw ApiException.tooManyRequests(
          "Too many deploy ramdisk requests from "
              + req.clientAddress()
              + "; retry in "
              + wait
              + " s.",
          wait);
    }
  }
}
