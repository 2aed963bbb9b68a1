package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.conductor.internal.auth.Authenticator;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.service.ConductorService;
import org.amtpxe.conductor.internal.store.StoreException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the API: version negotiation, authentication, routing to the resources, and
 * Ironic's error bodies. The only class that knows Jetty.
 */
public final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final long MAX_BODY = 1024 * 1024;

  private final ConductorService service;
  private final Authenticator authenticator;
  private final NodesResource nodes;
  private final PortsResource ports;
  private final DriversResource drivers;
  private final RamdiskResource ramdisk;

  /**
   * @param service the conductor
   * @param authenticator checks HTTP Basic credentials, or null to serve without credentials (only
   *     allowed on loopback, enforced by the caller)
   */
  public ApiHandler(ConductorService service, Authenticator authenticator) {
    this.service = service;
    this.authenticator = authenticator;
    this.nodes = new NodesResource(service);
    this.ports = new PortsResource(service);
    this.drivers = new DriversResource(service);
    this.ramdisk = new RamdiskResource(service, RamdiskLimiter.standard());
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    HttpURI uri = request.getHttpURI();
    String path = uri.getDecodedPath();
    String baseUrl =
        uri.getScheme()
            + "://"
            + Request.getServerName(request)
            + ":"
            + Request.getServerPort(request);
    List<String> segments = segments(path);
    boolean versioned = !segments.isEmpty() && segments.get(0).equals("v1");
    Map<String, String> headers = new LinkedHashMap<>();
    int status;
    JsonNode body;
    try {
      ApiVersion version = ApiVersion.MIN;
      if (versioned) {
        headers.put(ApiVersion.MIN_HEADER, ApiVersion.MIN.toString());
        headers.put(ApiVersion.MAX_HEADER, ApiVersion.MAX.toString());
        try {
          version = ApiVersion.negotiate(request.getHeaders().get(ApiVersion.HEADER));
        } catch (ApiVersion.UnsupportedVersionException e) {
          respond(response, callback, 406, notAcceptable(e.getMessage()), headers);
          return true;
        }
        headers.put(ApiVersion.HEADER, version.toString());
      }
      long length = request.getLength();
      if (length > MAX_BODY) {
        throw new ApiException(413, "The request body is larger than " + MAX_BODY + " bytes.");
      }
      String text = Content.Source.asString(request, StandardCharsets.UTF_8);
      if (text.length() > MAX_BODY) {
        throw new ApiException(413, "The request body is larger than " + MAX_BODY + " bytes.");
      }
      Map<String, String> query = new LinkedHashMap<>();
      Fields fields = Request.extractQueryParameters(request);
      for (Fields.Field f : fields) {
        query.put(f.getName(), f.getValue());
      }
      List<String> rest = versioned ? segments.subList(1, segments.size()) : segments;
      ApiRequest req =
          new ApiRequest(
              method, rest, query, version, text, baseUrl, Request.getRemoteAddr(request));
      if (!authorized(request, req, versioned)) {
        headers.put("WWW-Authenticate", "Basic realm=\"amtpxe\"");
        respond(
            response,
            callback,
            401,
            fault(
                401,
                "Authentication required: send HTTP Basic credentials of a user in the"
                    + " conductor's credentials file."),
            headers);
        return true;
      }
      ApiResponse result = versioned ? routeV1(req) : routeRoot(req);
      status = result.status();
      body = result.body();
      headers.putAll(result.headers());
    } catch (ApiException e) {
      status = e.status();
      body = fault(status, e.getMessage());
      headers.putAll(e.headers());
    } catch (ConductorException e) {
      status = statusOf(e.kind());
      body = fault(status, e.getMessage());
      if (status >= 500) {
        LOG.warn("{} {} failed: {}", method, path, e.getMessage());
      }
    } catch (StoreException e) {
      status = 500;
      body = fault(status, "The conductor's database failed: " + e.getMessage());
      LOG.error("{} {} failed in the database", method, path, e);
    } catch (Exception | Error e) {
      // NOTE: an Error too (a NoClassDefFoundError when a jar is replaced under the running JVM,
      // an OutOfMemoryError): escaping, it would reach the client as Jetty's bare HTML 500, which
      // the baremetal CLI shows without any reason.
      status = 500;
      body =
          fault(status, "Internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      LOG.error("{} {} failed", method, path, e);
    }
    respond(response, callback, status, body, headers);
    return true;
  }

  private static List<String> segments(String path) {
    List<String> segments = new ArrayList<>();
    if (path == null) {
      return segments;
    }
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        segments.add(s);
      }
    }
    return segments;
  }

  /**
   * The HTTP status of a conductor error. A taken name or MAC address is 400, not Ironic's 409: the
   * baremetal CLI retries every 409 six times, 2 s apart, and no retry can free a name. 409 stays
   * for locks, which a retry does resolve.
   */
  static int statusOf(ConductorException.Kind kind) {
    return switch (kind) {
      case INVALID, CONFLICT -> 400;
      case NOT_FOUND -> 404;
      case LOCKED -> 409;
      case BUSY -> 503;
      case FAILED -> 500;
    };
  }

  private boolean authorized(Request request, ApiRequest req, boolean versioned) {
    if (authenticator == null) {
      return true;
    }
    List<String> p = req.path();
    if (!versioned || p.isEmpty()) {
      return true; // the version documents are public, as in Ironic
    }
    // The deploy ramdisk authenticates with the agent token of its lookup (RamdiskResource). The
    // route is public for every node alike, so that credentials asked or not tell nothing about
    // which nodes exist.
    if (req.method().equals("GET") && p.size() == 1 && p.get(0).equals("lookup")) {
      return true;
    }
    if (req.method().equals("POST")
        && (p.size() == 3 || p.size() == 4)
        && p.get(0).equals("nodes")
        && p.get(2).equals("vendor_passthru")) {
      String m = p.size() == 4 ? p.get(3) : req.param("method");
      if (service.isDeployCallback(m)) {
        return true;
      }
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return false;
    }
    return authenticator
        .authenticate(decoded.substring(0, colon), decoded.substring(colon + 1).toCharArray())
        .isPresent();
  }

  private ApiResponse routeRoot(ApiRequest req) throws ApiException {
    if (!req.path().isEmpty()) {
      throw ApiException.notFound("The resource could not be found.");
    }
    requireMethod(req, "GET");
    ObjectNode v1 = versionDocument(req.baseUrl());
    ObjectNode o = Json.object();
    o.put("name", "OpenStack Ironic API");
    o.put(
        "description",
        "Ironic-compatible API of the amtpxe conductor (Intel AMT power and PXE deploy).");
    o.set("default_version", v1);
    o.set("versions", Json.array().add(v1.deepCopy()));
    return ApiResponse.ok(o);
  }

  private static ObjectNode versionDocument(String baseUrl) {
    ObjectNode v1 = Json.object();
    v1.put("id", "v1");
    v1.set("links", Json.array().add(Links.link(baseUrl + "/v1/", "self")));
    v1.put("status", "CURRENT");
    v1.put("min_version", ApiVersion.MIN.toString());
    v1.put("version", ApiVersion.MAX.toString());
    return v1;
  }

  private ApiResponse routeV1(ApiRequest req) throws ApiException, ConductorException {
    List<String> p = req.path();
    if (p.isEmpty()) {
      requireMethod(req, "GET");
      ObjectNode o = Json.object();
      o.put("id", "v1");
      o.set("links", Json.array().add(Links.link(req.baseUrl() + "/v1/", "self")));
      ObjectNode media = Json.object();
      media.put("base", "application/json");
      media.put("type", "application/vnd.openstack.ironic.v1+json");
      o.set("media_types", Json.array().add(media));
      o.set("nodes", Links.of(req.baseUrl(), "nodes", ""));
      o.set("ports", Links.of(req.baseUrl(), "ports", ""));
      o.set("drivers", Links.of(req.baseUrl(), "drivers", ""));
      return ApiResponse.ok(o);
    }
    return switch (p.get(0)) {
      case "nodes" -> routeNodes(req, p);
      case "ports" -> routePorts(req, p);
      case "drivers" -> routeDrivers(req, p);
      case "lookup" -> {
        if (p.size() != 1) {
          throw ApiException.notFound("The resource could not be found.");
        }
        requireMethod(req, "GET");
        yield ramdisk.lookup(req);
      }
      default -> throw ApiException.notFound("The resource could not be found.");
    };
  }

  private ApiResponse routeNodes(ApiRequest req, List<String> p)
      throws ApiException, ConductorException {
    String m = req.method();
    if (p.size() == 1) {
      return switch (m) {
        case "GET" -> nodes.list(req, false);
        case "POST" -> nodes.create(req);
        default -> throw notAllowed(req, "GET, POST");
      };
    }
    String id = p.get(1);
    if (p.size() == 2) {
      if (id.equals("detail")) {
        requireMethod(req, "GET");
        return nodes.list(req, true);
      }
      return switch (m) {
        case "GET" -> nodes.get(req, id);
        case "PATCH" -> nodes.patch(req, id);
        case "DELETE" -> nodes.delete(req, id);
        default -> throw notAllowed(req, "GET, PATCH, DELETE");
      };
    }
    String sub = String.join("/", p.subList(2, p.size()));
    switch (sub) {
      case "states" -> {
        requireMethod(req, "GET");
        return nodes.states(req, id);
      }
      case "states/power" -> {
        requireMethod(req, "PUT");
        return nodes.power(req, id);
      }
      case "states/provision" -> {
        requireMethod(req, "PUT");
        return nodes.provision(req, id);
      }
      case "management/boot_device" -> {
        return switch (m) {
          case "GET" -> nodes.getBootDevice(req, id);
          case "PUT" -> nodes.setBootDevice(req, id);
          default -> throw notAllowed(req, "GET, PUT");
        };
      }
      case "management/boot_device/supported" -> {
        requireMethod(req, "GET");
        return nodes.supportedBootDevices(req, id);
      }
      case "management/inject_nmi" -> {
        requireMethod(req, "PUT");
        return nodes.injectNmi(req, id);
      }
      case "validate" -> {
        requireMethod(req, "GET");
        return nodes.validate(req, id);
      }
      case "maintenance" -> {
        return switch (m) {
          case "PUT" -> nodes.setMaintenance(req, id, true);
          case "DELETE" -> nodes.setMaintenance(req, id, false);
          default -> throw notAllowed(req, "PUT, DELETE");
        };
      }
      case "vendor_passthru" -> {
        requireMethod(req, "POST");
        return ramdisk.callback(req, id, null);
      }
      case "vendor_passthru/methods" -> {
        requireMethod(req, "GET");
        return nodes.vendorMethods(req, id);
      }
      case "ports", "ports/detail" -> {
        requireMethod(req, "GET");
        return ports.list(req, sub.endsWith("detail"), nodes.node(req, id));
      }
      default -> {
        if (p.size() == 4 && p.get(2).equals("vendor_passthru")) {
          requireMethod(req, "POST");
          return ramdisk.callback(req, id, p.get(3));
        }
        throw ApiException.notFound("The resource could not be found.");
      }
    }
  }

  private ApiResponse routePorts(ApiRequest req, List<String> p)
      throws ApiException, ConductorException {
    String m = req.method();
    if (p.size() == 1) {
      return switch (m) {
        case "GET" -> ports.list(req, false, null);
        case "POST" -> ports.create(req);
        default -> throw notAllowed(req, "GET, POST");
      };
    }
    if (p.size() == 2) {
      String id = p.get(1);
      if (id.equals("detail")) {
        requireMethod(req, "GET");
        return ports.list(req, true, null);
      }
      return switch (m) {
        case "GET" -> ports.get(req, id);
        case "PATCH" -> ports.patch(req, id);
        case "DELETE" -> ports.delete(req, id);
        default -> throw notAllowed(req, "GET, PATCH, DELETE");
      };
    }
    throw ApiException.notFound("The resource could not be found.");
  }

  private ApiResponse routeDrivers(ApiRequest req, List<String> p)
      throws ApiException, ConductorException {
    requireMethod(req, "GET");
    if (p.size() == 1) {
      return drivers.list(req);
    }
    if (p.size() == 2) {
      return drivers.get(req, p.get(1));
    }
    if (p.size() == 3 && p.get(2).equals("properties")) {
      return drivers.properties(req, p.get(1));
    }
    throw ApiException.notFound("The resource could not be found.");
  }

  private static void requireMethod(ApiRequest req, String allowed) throws ApiException {
    if (!req.method().equals(allowed)) {
      throw notAllowed(req, allowed);
    }
  }

  private static ApiException notAllowed(ApiRequest req, String allowed) {
    return new ApiException(
        405, "The method " + req.method() + " is not allowed here; use " + allowed + ".");
  }

  /** Ironic's error body: the fault document, JSON-encoded again inside error_message. */
  static ObjectNode fault(int status, String message) {
    ObjectNode inner = Json.object();
    inner.put("faultcode", status >= 500 ? "Server" : "Client");
    inner.put("faultstring", message);
    inner.putNull("debuginfo");
    ObjectNode outer = Json.object();
    outer.put("error_message", Json.write(inner));
    return outer;
  }

  static ObjectNode notAcceptable(String description) {
    ObjectNode inner = Json.object();
    inner.put("code", 406);
    inner.put("title", "Not Acceptable");
    inner.put("description", description);
    ObjectNode outer = Json.object();
    outer.put("error_message", Json.write(inner));
    return outer;
  }

  private static void respond(
      Response response,
      Callback callback,
      int status,
      JsonNode body,
      Map<String, String> headers) {
    response.setStatus(status);
    headers.forEach((k, v) -> response.getHeaders().put(k, v));
    if (body == null) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
      response.write(true, null, callback);
      return;
    }
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
  }
}
