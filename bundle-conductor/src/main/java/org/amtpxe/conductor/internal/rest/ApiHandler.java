package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amtpxe.conductor.internal.audit.AuditLog;
import org.amtpxe.conductor.internal.auth.Authenticator;
import org.amtpxe.conductor.internal.auth.Caller;
import org.amtpxe.conductor.internal.auth.LoginThrottle;
import org.amtpxe.conductor.internal.auth.Policy;
import org.amtpxe.conductor.internal.auth.Role;
import org.amtpxe.conductor.internal.cluster.Forwarder;
import org.amtpxe.conductor.internal.health.ConductorChecks;
import org.amtpxe.conductor.internal.health.HealthReport;
import org.amtpxe.conductor.internal.health.HealthService;
import org.amtpxe.conductor.internal.metrics.ConductorMeters;
import org.amtpxe.conductor.internal.metrics.MicrometerMeters;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.store.StoreException;
import org.amtpxe.conductor.internal.task.RequestUser;
import org.amtpxe.conductor.internal.web.Sessions;
import org.amtpxe.conductor.internal.web.UiHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the API: admission from the headers alone (Host, version, authentication, media
 * type, declared length), the body read without holding a thread, authorization by role (Ironic's
 * policy rules, {@link Policy}), routing to the resources, Ironic's error bodies, and an audit line
 * for every write. The only class that knows Jetty's request and response.
 */
public final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  /** The most a request body may be: the largest node document is a few KiB. */
  static final long MAX_BODY = 1024 * 1024;

  /** The most a body may be on a route served without credentials (the deploy ramdisk's). */
  static final long MAX_PUBLIC_BODY = 16 * 1024;

  /**
   * How the handler treats requests beyond routing.
   *
   * @param bodyTimeout how long a request body may take to arrive after its headers
   * @param plainHttpOffLoopback whether the API serves plain HTTP on a non-loopback address: HTTP
   *     Basic credentials would then cross the network in clear, so they are refused (403)
   * @param loopbackClientsExempt whether a client that reaches such an API through the loopback
   *     interface (the API bound to 0.0.0.0, the client on this machine) may still send
   *     credentials: they cross no network. Tests set false to see what a remote client gets.
   * @param trustedProxies addresses of load balancers whose X-Forwarded-For names the client
   *     ({@link ClientAddress})
   */
  public record Options(
      Duration bodyTimeout,
      boolean plainHttpOffLoopback,
      boolean loopbackClientsExempt,
      Set<String> trustedProxies) {
    public static final Options DEFAULT = new Options(Duration.ofSeconds(10), false, true);

    /** Options without trusted proxies: the TCP peer is always the client. */
    public Options(
        Duration bodyTimeout, boolean plainHttpOffLoopback, boolean loopbackClientsExempt) {
      this(bodyTimeout, plainHttpOffLoopback, loopbackClientsExempt, Set.of());
    }

    public Options {
      trustedProxies = Set.copyOf(trustedProxies);
    }
  }

  /**
   * What the headers allowed: the request without its body, and how much body it may have.
   *
   * @param caller the authenticated user, or null on a public route or without authentication
   */
  private record Admission(
      ApiRequest request,
      boolean versioned,
      boolean readsBody,
      long cap,
      Caller caller,
      boolean isPublic,
      boolean forwarded) {}

  /** Failed logins from one address before it must wait; the wait is this window. */
  public static final int MAX_LOGIN_FAILURES = 10;

  static final Duration LOGIN_WINDOW = Duration.ofSeconds(60);

  private final Conductor service;
  private final Authenticator authenticator;
  private final Options options;
  private final NodesResource nodes;
  private final PortsResource ports;
  private final DriversResource drivers;
  private final ConductorsResource conductors;
  private final EnrollResource enroll;
  private final RamdiskResource ramdisk;
  private final LoginThrottle logins;
  private final Sessions sessions;
  private final ConductorMeters meters;
  private final HealthService health;
  private final Forwarder forwarder;

  /**
   * @param service the conductor
   * @param authenticator checks HTTP Basic credentials, or null to serve without credentials (only
   *     allowed on loopback, enforced by the caller)
   */
  public ApiHandler(Conductor service, Authenticator authenticator) {
    this(service, authenticator, Options.DEFAULT);
  }

  /**
   * @param service the conductor
   * @param authenticator checks HTTP Basic credentials, or null to serve without credentials (only
   *     allowed on loopback, enforced by the caller)
   * @param options the body deadline and whether credentials are refused over plain HTTP
   */
  public ApiHandler(Conductor service, Authenticator authenticator, Options options) {
    this(service, authenticator, options, (Forwarder) null);
  }

  /**
   * @param forwarder calls the conductor that owns a node for an operation on it, or null to carry
   *     out every request here (a conductor alone, or without cluster_secret_file)
   */
  public ApiHandler(
      Conductor service, Authenticator authenticator, Options options, Forwarder forwarder) {
    this(
        service,
        authenticator,
        options,
        forwarder,
        defaultHealth(service),
        newLoginThrottle(),
        null);
  }

  /**
   * @param forwarder calls the conductor that owns a node for an operation on it, or null to carry
   *     out every request here (a conductor alone, or without cluster_secret_file)
   * @param health the checks {@code GET /health} runs
   */
  public ApiHandler(
      Conductor service,
      Authenticator authenticator,
      Options options,
      Forwarder forwarder,
      HealthService health) {
    this(service, authenticator, options, forwarder, health, newLoginThrottle(), null);
  }

  /**
   * @param logins the failed logins, shared with the web page's login form
   * @param sessions the web page's sessions, whose cookie is accepted instead of HTTP Basic (with
   *     the session's CSRF token on every write), or null to accept HTTP Basic only
   */
  public ApiHandler(
      Conductor service,
      Authenticator authenticator,
      Options options,
      LoginThrottle logins,
      Sessions sessions) {
    this(service, authenticator, options, null, defaultHealth(service), logins, sessions);
  }

  /** The conductor's own checks without the runtime's (API connector, boot servers). */
  private static HealthService defaultHealth(Conductor service) {
    return new HealthService(
        List.of(
            ConductorChecks.database(
                service.tasks().store().database(),
                (int) HealthService.DEFAULT_TIMEOUT.toSeconds()),
            ConductorChecks.drivers(service.drivers()),
            ConductorChecks.workers(service.tasks().workers(), () -> 0)),
        List::of,
        HealthService.DEFAULT_TIMEOUT);
  }

  /**
   * @param service the conductor
   * @param authenticator checks HTTP Basic credentials, or null to serve without credentials (only
   *     allowed on loopback, enforced by the caller)
   * @param options the body deadline and whether credentials are refused over plain HTTP
   * @param forwarder calls the conductor that owns a node for an operation on it, or null
   * @param health the checks {@code GET /health} runs
   * @param logins the failed logins, shared with the web page's login form
   * @param sessions the web page's sessions, or null to accept HTTP Basic only
   */
  public ApiHandler(
      Conductor service,
      Authenticator authenticator,
      Options options,
      Forwarder forwarder,
      HealthService health,
      LoginThrottle logins,
      Sessions sessions) {
    this.forwarder = forwarder;
    this.health = health;
    this.service = service;
    this.authenticator = authenticator;
    this.options = options;
    this.logins = logins;
    this.sessions = sessions;
    this.nodes = new NodesResource(service);
    this.ports = new PortsResource(service);
    this.drivers = new DriversResource(service);
    this.conductors = new ConductorsResource(service);
    this.enroll = new EnrollResource(service);
    this.ramdisk = new RamdiskResource(service, RamdiskLimiter.standard());
    this.meters = service.tasks().meters();
  }

  /** The API's login throttle: {@value #MAX_LOGIN_FAILURES} failures per address and window. */
  public static LoginThrottle newLoginThrottle() {
    return new LoginThrottle(MAX_LOGIN_FAILURES, LOGIN_WINDOW);
  }

  @Override
  public boolean handle(Request request, Response response, Callback original) {
    String method = request.getMethod();
    Callback callback = measured(request, response, original);
    Map<String, String> headers = new LinkedHashMap<>();
    Admission admission;
    try {
      admission = admit(request, headers);
    } catch (ApiException e) {
      audit(request, null, e.status());
      headers.putAll(e.headers());
      JsonNode body = e.status() == 406 ? notAcceptable(e.getMessage()) : fault(e.status(), e);
      if (hasBody(request)) {
        // NOTE: the body stays unread (it may be huge or never end): the connection cannot be
        // reused, and closing it is what stops the client.
        headers.put(HttpHeader.CONNECTION.asString(), "close");
        respond(response, Drain.after(request, callback), e.status(), body, headers);
      } else {
        respond(response, callback, e.status(), body, headers);
      }
      return true;
    } catch (Exception | Error e) {
      audit(request, null, 500);
      internalError(request, response, callback, method, e, headers);
      return true;
    }
    if (!admission.readsBody()) {
      Callback done = callback;
      if (hasBody(request)) {
        // A body where none is read (a GET with one): discarded after the answer, as above.
        headers.put(HttpHeader.CONNECTION.asString(), "close");
        done = Drain.after(request, callback);
      }
      dispatch(request, response, done, admission, new byte[0], headers);
      return true;
    }
    new BodyReader(
            request,
            admission.cap(),
            options.bodyTimeout(),
            new BodyReader.Sink() {
              @Override
              public void body(byte[] bytes) {
                dispatch(request, response, callback, admission, bytes, headers);
              }

              @Override
              public void failed(ApiException e) {
                audit(request, admission.caller(), e.status());
                headers.put(HttpHeader.CONNECTION.asString(), "close");
                respond(
                    response,
                    Drain.after(request, callback),
                    e.status(),
                    fault(e.status(), e),
                    headers);
              }
            })
        .start();
    return true;
  }

  /**
   * The callback that also counts the request in {@code amtpxe.api.requests}, by method, route
   * template and status, once its answer is written (or failed to be).
   */
  private Callback measured(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String method = request.getMethod();
    String route;
    try {
      route = RouteTemplate.of(ApiUri.segments(request.getHttpURI().getPath()));
    } catch (ApiException e) {
      route = RouteTemplate.OTHER;
    }
    String template = route;
    String knownMethod = METHODS.contains(method) ? method : RouteTemplate.OTHER;
    return new Callback() {
      @Override
      public void succeeded() {
        observe();
        callback.succeeded();
      }

      @Override
      public void failed(Throwable x) {
        observe();
        callback.failed(x);
      }

      @Override
      public InvocationType getInvocationType() {
        return callback.getInvocationType();
      }

      private void observe() {
        meters.apiRequest(
            knownMethod,
            template,
            response.getStatus(),
            Duration.ofNanos(System.nanoTime() - start));
      }
    };
  }

  /** The methods counted by name; any other is counted as {@value RouteTemplate#OTHER}. */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /**
   * Everything decided from the request line and headers, before a byte of the body is read:
   * OPTIONS, the Host of a server without authentication, the path and query, the credentials, the
   * version, the media type of a write and its declared length.
   *
   * @param headers receives the headers every answer to this request carries (versions)
   * @throws ApiException the answer when the request goes no further
   */
  private Admission admit(Request request, Map<String, String> headers) throws ApiException {
    String method = request.getMethod();
    if (method.equals("OPTIONS")) {
      // NOTE: no CORS. A browser's preflight fails here, so no page can send this API a
      // request that is not a "simple" one; those are refused below by their media type.
      throw new ApiException(
          405, "The method OPTIONS is not allowed: this API does not serve cross-origin requests.");
    }
    HttpURI uri = request.getHttpURI();
    if (authenticator == null) {
      checkHost(request);
    }
    List<String> segments = ApiUri.segments(uri.getPath());
    boolean versioned = !segments.isEmpty() && segments.get(0).equals("v1");
    if (versioned) {
      headers.put(ApiVersion.MIN_HEADER, ApiVersion.MIN.toString());
      headers.put(ApiVersion.MAX_HEADER, ApiVersion.MAX.toString());
    }
    Map<String, String> query = ApiUri.query(uri.getQuery());
    List<String> rest = versioned ? segments.subList(1, segments.size()) : segments;
    String baseUrl =
        uri.getScheme()
            + "://"
            + Request.getServerName(request)
            + ":"
            + Request.getServerPort(request);
    String client =
        ClientAddress.of(
            Request.getRemoteAddr(request),
            request.getHeaders().get(HttpHeader.X_FORWARDED_FOR),
            options.trustedProxies());
    ApiRequest req = new ApiRequest(method, rest, query, ApiVersion.MIN, "", baseUrl, client);
    boolean isPublic = isPublicRoute(method, segments) || isDeployCallback(req, versioned);
    if (isHealth(segments) && request.getHeaders().contains(HttpHeader.AUTHORIZATION)) {
      // NOTE: /health is public, but a caller who sends credentials gets them checked, and the
      // details when they may read (docs/observability.md#health).
      isPublic = false;
    }
    if (!isPublic && onRamdiskConnector(request)) {
      // The ramdisk's plain-HTTP port serves its routes and nothing else.
      throw ApiException.notFound(
          "The resource could not be found on the deploy ramdisk's port; use the API's port.");
    }
    // Credentials before the version: a client without them learns nothing more, and a client
    // refused gets the reason on its first request (the CLI shows no body for a refusal that
    // comes during its version negotiation).
    // A request another conductor forwarded carries the client's identity, checked with its
    // signature once the body is read (dispatch); it has no credentials of its own.
    boolean forwarded = forwarder != null && request.getHeaders().get(Forwarder.SIGNATURE) != null;
    Caller caller = forwarded ? null : authenticate(request, isPublic, headers);
    if (versioned) {
      ApiVersion version;
      try {
        version = ApiVersion.negotiate(request.getHeaders().get(ApiVersion.HEADER));
      } catch (ApiVersion.UnsupportedVersionException e) {
        throw new ApiException(406, e.getMessage());
      }
      headers.put(ApiVersion.HEADER, version.toString());
      req = new ApiRequest(method, rest, query, version, "", baseUrl, client);
    }
    boolean writes = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    if (!writes) {
      return new Admission(req, versioned, false, 0, caller, isPublic, forwarded);
    }
    checkMediaType(request, method);
    long cap = isPublic ? MAX_PUBLIC_BODY : MAX_BODY;
    if (request.getLength() > cap) {
      throw BodyReader.tooLarge(cap);
    }
    return new Admission(req, versioned, hasBody(request), cap, caller, isPublic, forwarded);
  }

  /**
   * Routes served without credentials, by design: the version documents ({@code /}, {@code /v1}),
   * as in Ironic, anything outside {@code /v1} but {@code /metrics} (answered 404), and the deploy
   * ramdisk's lookup ({@code GET /v1/lookup}), which hands out a token only to a node's first
   * lookup. Their bodies are capped at {@link #MAX_PUBLIC_BODY}. The ramdisk's callback is admitted
   * by {@link #isDeployCallback}.
   *
   * @param segments the decoded path segments, {@code v1} included
   */
  static boolean isPublicRoute(String method, List<String> segments) {
    return segments.isEmpty()
        || (!segments.get(0).equals("v1") && !isMetrics(segments))
        || segments.equals(List.of("v1"))
        || (method.equals("GET") && segments.size() == 2 && segments.get(1).equals("lookup"));
  }

  /** {@code /health}: the overall status for anyone, each check for readers. */
  private static boolean isHealth(List<String> segments) {
    return segments.size() == 1 && segments.get(0).equals("health");
  }

  /** {@code /metrics}: served to API users who may read nodes (docs/observability.md#endpoints). */
  private static boolean isMetrics(List<String> segments) {
    return segments.size() == 1 && segments.get(0).equals("metrics");
  }

  /**
   * A deploy ramdisk's callback: authenticated by the agent token of its lookup, which {@link
   * RamdiskResource} checks. Public for every node alike (the method is one of any loaded driver's
   * callbacks), so that being asked for credentials or not tells nothing about which nodes exist.
   */
  private boolean isDeployCallback(ApiRequest req, boolean versioned) {
    List<String> p = req.path();
    if (!versioned
        || !req.method().equals("POST")
        || p.size() < 3
        || p.size() > 4
        || !p.get(0).equals("nodes")
        || !p.get(2).equals("vendor_passthru")) {
      return false;
    }
    String m = p.size() == 4 ? p.get(3) : req.param("method");
    return service.ramdisk().isDeployCallback(m);
  }

  /**
   * Checks the credentials from the headers alone.
   *
   * @param isPublic whether the route is served without credentials
   * @return the caller, or null on a public route or without authentication
   * @throws ApiException 401 without valid credentials; 403 for credentials over plain HTTP off
   *     loopback; 429 for an address with too many failed logins
   */
  private Caller authenticate(Request request, boolean isPublic, Map<String, String> headers)
      throws ApiException {
    if (authenticator == null) {
      return null;
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    boolean basic = header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
    if (options.plainHttpOffLoopback()
        && !(options.loopbackClientsExempt() && throughLoopback(request))
        && (basic || !isPublic)) {
      // NOTE: the password is not even checked: it crossed the network in clear, and checking it
      // would tell an eavesdropper whether it is right. No challenge either, so that clients do
      // not send one. The deploy ramdisk's public routes keep working over plain HTTP: the
      // ramdisk has no CA to verify a certificate with, and authenticates with a per-deploy key.
      throw new ApiException(
          403,
          "This API refuses HTTP Basic credentials over plain HTTP on a network address: the"
              + " password would cross the network in clear. Enable TLS on the API (set"
              + " api_tls_keystore, with api_tls_generate=true for a self-signed certificate)"
              + " and use https://, or bind api_host 0.0.0.0 and run the client on the"
              + " conductor's machine against http://127.0.0.1.");
    }
    if (isPublic) {
      return null;
    }
    String client =
        ClientAddress.of(
            Request.getRemoteAddr(request),
            request.getHeaders().get(HttpHeader.X_FORWARDED_FOR),
            options.trustedProxies());
    if (!basic && sessions != null) {
      Optional<Sessions.Session> session = sessions.find(UiHandler.cookie(request));
      if (session.isPresent()) {
        String method = request.getMethod();
        if (!method.equals("GET")
            && !method.equals("HEAD")
            && !session.get().csrfMatches(request.getHeaders().get(Sessions.CSRF_HEADER))) {
          // NOTE: besides SameSite=Strict on the cookie: a write through the web page's session
          // must prove it comes from the page, which alone can read the token (/ui/session).
          throw new ApiException(
              403,
              "A request authenticated by the web page's session must carry its "
                  + Sessions.CSRF_HEADER
                  + " header; reload the page.");
        }
        return session.get().caller();
      }
    }
    if (basic) {
      long wait = logins.waitSeconds(client);
      if (wait > 0) {
        throw ApiException.tooManyRequests(
            "Too many failed logins from " + client + "; retry in " + wait + " s.", wait);
      }
      Optional<Caller> caller = credentials(header);
      logins.record(client, caller.isPresent());
      if (caller.isPresent()) {
        return caller.get();
      }
    }
    if (sessions == null || UiHandler.cookie(request) == null) {
      // NOTE: no challenge to the web page's requests (a session cookie that ended): a browser
      // answers a Basic challenge to fetch() with its own password dialog; the page sends the
      // user to its login form instead.
      headers.put("WWW-Authenticate", "Basic realm=\"amtpxe\"");
    }
    throw new ApiException(
        401,
        "Authentication required: send the HTTP Basic credentials of an API user (the"
            + " conductor's auth_realm).");
  }

  private static boolean onRamdiskConnector(Request request) {
    return ApiServer.RAMDISK_CONNECTOR.equals(
        request.getConnectionMetaData().getConnector().getName());
  }

  /** Whether the connection arrived on a loopback address of this machine. */
  private static boolean throughLoopback(Request request) {
    return request.getConnectionMetaData().getLocalSocketAddress() instanceof InetSocketAddress a
        && a.getAddress() != null
        && a.getAddress().isLoopbackAddress();
  }

  private Optional<Caller> credentials(String header) {
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 1) {
      return Optional.empty();
    }
    return authenticator.authenticate(
        decoded.substring(0, colon), decoded.substring(colon + 1).toCharArray());
  }

  /**
   * Refuses a request the caller's roles do not allow.
   *
   * @throws ApiException 403 with Ironic's "disallowed by policy"
   */
  private static void authorize(Caller caller, ApiRequest req) throws ApiException {
    if (caller == null) {
      return; // a public route, or no authentication (loopback only): everything is allowed
    }
    Policy.Rule rule = Policy.of(req.method(), req.path(), patchPaths(req));
    if (!caller.may(rule.role())) {
      throw new ApiException(
          403,
          rule.rule()
              + " is disallowed by policy: user "
              + caller.user()
              + " has the role(s) "
              + caller.roles().stream().map(r -> r.value()).sorted().toList()
              + "; it needs "
              + rule.role().value()
              + " or above.");
    }
  }

  /** The paths a JSON Patch body changes (empty when it is not one: the resource says why). */
  private static List<String> patchPaths(ApiRequest req) {
    List<String> paths = new ArrayList<>();
    if (!req.method().equals("PATCH") || req.body().isBlank()) {
      return paths;
    }
    try {
      JsonNode patch = Json.parse(req.body());
      if (patch.isArray()) {
        for (JsonNode op : patch) {
          paths.add(op.path("path").asText(""));
          if (op.has("from")) {
            paths.add(op.path("from").asText(""));
          }
        }
      }
    } catch (ApiException e) {
      paths.clear(); // not JSON: needs the admin's rule; the resource reports the syntax
    }
    return paths;
  }

  /** One audit line for a request that writes (or tries to), never for reads. */
  private static void audit(Request request, Caller caller, int status) {
    String method = request.getMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return;
    }
    String path = String.valueOf(request.getHttpURI().getPath());
    List<String> parts = List.of(path.split("/"));
    String node =
        parts.size() > 3 && parts.get(1).equals("v1") && parts.get(2).equals("nodes")
            ? parts.get(3)
            : "-";
    AuditLog.record(
        caller == null ? "-" : caller.user(),
        Request.getRemoteAddr(request),
        method,
        path,
        node,
        status);
  }

  /**
   * Without authentication (loopback only) the Host must name a loopback address or localhost: a
   * web page whose own name an attacker re-points at 127.0.0.1 (DNS rebinding) sends its own name,
   * and must not get the API.
   *
   * @throws ApiException 400 for any other host, or none
   */
  private static void checkHost(Request request) throws ApiException {
    String header = request.getHeaders().get(HttpHeader.HOST);
    String uriHost = request.getHttpURI().getHost();
    if (header == null
        || !LoopbackHost.isLoopbackAuthority(header)
        || (uriHost != null && !LoopbackHost.isLoopbackHost(uriHost))) {
      throw ApiException.badRequest(
          "The Host header must name this API's loopback address (127.0.0.1, [::1] or"
              + " localhost, with an optional port): the API runs without authentication and"
              + " answers only requests addressed to this machine.");
    }
  }

  /**
   * A write must say its body is JSON: a web page can send a form or text/plain POST to any address
   * without asking first, but not one of type application/json.
   *
   * @throws ApiException 415 naming the types accepted
   */
  private static void checkMediaType(Request request, String method) throws ApiException {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String accepted =
        method.equals("PATCH")
            ? "application/json or application/json-patch+json"
            : "application/json";
    if (type == null || type.isBlank()) {
      if (!method.equals("POST") && !hasBody(request)) {
        return; // a bodiless PUT or PATCH: no browser sends one without a preflight
      }
      throw new ApiException(
          415, "The request has no Content-Type; send the body as " + accepted + ".");
    }
    String[] parts = type.split(";", -1);
    String media = parts[0].strip().toLowerCase(Locale.ROOT);
    boolean json =
        media.equals("application/json")
            || (method.equals("PATCH") && media.equals("application/json-patch+json"));
    if (!json && media.equals("application/octet-stream") && !method.equals("POST")) {
      // NOTE: the baremetal CLI (keystoneauth) labels its bodiless requests octet-stream, and
      // no browser sends a PUT or PATCH without a preflight.
      json = !hasBody(request);
    }
    String charset = "utf-8";
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].strip();
      if (param.regionMatches(true, 0, "charset=", 0, 8)) {
        charset = param.substring(8).strip().replace("\"", "").toLowerCase(Locale.ROOT);
      }
    }
    if (!json || !(charset.equals("utf-8") || charset.equals("utf8"))) {
      throw new ApiException(
          415,
          "Unsupported Content-Type \""
              + ApiUri.printable(type)
              + "\"; send the body as "
              + accepted
              + " (UTF-8).");
    }
  }

  /** Whether the request declares a body (a length above 0, or a transfer coding). */
  private static boolean hasBody(Request request) {
    long length = request.getLength();
    return length > 0
        || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
  }

  /** The fleet page's columns, as its js/fleet.js asks for them (the warm-up's list). */
  private static final String PAGE_FIELDS =
      "uuid,name,driver,power_state,target_power_state,provision_state,target_provision_state,"
          + "maintenance,maintenance_reason,fault,last_error,conductor,reservation,updated_at";

  /**
   * Answers once, to nobody, the request the web page and the CLI make first: the first page of the
   * node list (with the page's columns), rendered as JSON. A conductor just started otherwise loads
   * and runs these paths for the first time (Jdbi's SQL parser, H2's statements, Jackson's writers:
   * about 0.4 s on 2 cores) inside its first operator's request (benchmarks/BENCHMARKS.md, "Web
   * page"). Read-only: no audit line, no metric, no task. A failure is logged at debug only: the
   * first real request meets it and says why.
   */
  public void warmUp() {
    long t0 = System.nanoTime();
    ApiRequest req =
        new ApiRequest(
            "GET",
            List.of("nodes"),
            Map.of("limit", "1", "fields", PAGE_FIELDS),
            ApiVersion.MAX,
            "",
            "http://127.0.0.1",
            "127.0.0.1");
    try {
      ApiResponse r = routeV1(req);
      if (r.body() != null) {
        JsonOutput.render(r.body());
      }
      LOG.debug("The API warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
    } catch (Exception | LinkageError e) {
      LOG.debug("The API's warm-up failed: {}", e.toString());
    }
  }

  /** Decodes the body and routes the request; answers whatever happens. */
  private void dispatch(
      Request request,
      Response response,
      Callback callback,
      Admission admission,
      byte[] bytes,
      Map<String, String> headers) {
    String method = admission.request().method();
    int status;
    JsonOutput body;
    ApiResponse.Text text = null;
    Caller caller = admission.caller();
    try {
      ApiRequest req = withBody(admission.request(), bytes);
      if (admission.forwarded()) {
        Forwarder.Forwarded from = verifyForwarded(request, admission, bytes);
        caller = from.caller();
        req =
            new ApiRequest(
                req.method(),
                req.path(),
                req.query(),
                req.version(),
                req.body(),
                req.baseUrl(),
                from.client());
      }
      // /health decides itself what a caller sees; it is answered here, never forwarded.
      boolean healthRoute = !admission.versioned() && isHealth(req.path());
      if (!healthRoute) {
        authorize(caller, req);
      }
      ApiResponse result =
          admission.forwarded() || healthRoute ? null : forwardToOwner(request, req, caller, bytes);
      if (result == null) {
        // The user a task opened by this request names in the node's history.
        try (RequestUser.Scope user = RequestUser.as(caller == null ? null : caller.user())) {
          if (healthRoute) {
            requireMethod(req, "GET");
            result = health(caller);
          } else {
            result = admission.versioned() ? routeV1(req) : routeRoot(req);
          }
        }
      }
      status = result.status();
      text = result.text();
      // Written here, before the audit line, so that a body that cannot be written is a 500.
      body = result.body() == null ? null : JsonOutput.render(result.body());
      headers.putAll(result.headers());
    } catch (ApiException e) {
      status = e.status();
      body = render(status == 406 ? notAcceptable(e.getMessage()) : fault(status, e.getMessage()));
      headers.putAll(e.headers());
    } catch (ConductorException e) {
      status = statusOf(e.kind());
      body = render(fault(status, e.getMessage()));
      if (status >= 500) {
        LOG.warn("{} {} failed: {}", method, pathOf(request), e.getMessage());
      }
    } catch (StoreException e) {
      status = 500;
      body = render(fault(status, "The conductor's database failed: " + e.getMessage()));
      LOG.error("{} {} failed in the database", method, pathOf(request), e);
    } catch (Exception | Error e) {
      audit(request, caller, 500);
      internalError(request, response, callback, method, e, headers);
      return;
    }
    audit(request, caller, status);
    if (text != null) {
      respond(response, callback, status, text, headers);
      return;
    }
    respond(response, callback, status, body, headers);
  }

  /**
   * The identity a forwarded request carries, once its signature holds.
   *
   * @throws ApiException 401 as for wrong credentials when it does not, or when it carries no user
   *     on a route that needs one here
   */
  private Forwarder.Forwarded verifyForwarded(Request request, Admission admission, byte[] body)
      throws ApiException {
    Forwarder.Forwarded from;
    try {
      from =
          forwarder
              .verify(
                  request.getMethod(),
                  request.getHttpURI().getPathQuery(),
                  body,
                  name -> request.getHeaders().get(name))
              .orElseThrow(() -> new Forwarder.RefusedException("no signature"));
    } catch (Forwarder.RefusedException e) {
      LOG.warn(
          "Refused a request forwarded from {} as another conductor: {}",
          Request.getRemoteAddr(request),
          e.getMessage());
      throw new ApiException(401, "The request could not be authenticated.");
    }
    if (from.caller() == null && authenticator != null && !admission.isPublic()) {
      throw new ApiException(401, "The request could not be authenticated.");
    }
    return from;
  }

  /**
   * Carries out a node operation at the conductor that owns the node, when that is another one: the
   * answer is the owner's. Reads, and everything when this conductor owns the node or no live
   * conductor does, are served here.
   *
   * @return the owner's answer, or null to serve the request here
   */
  private ApiResponse forwardToOwner(Request request, ApiRequest req, Caller caller, byte[] body)
      throws ApiException {
    if (forwarder == null || !Routing.isNodeOperation(req)) {
      return null;
    }
    String ownerUrl = Routing.ownerUrl(service, req.path().get(1)).orElse(null);
    if (ownerUrl == null) {
      return null;
    }
    Map<String, String> carried = new LinkedHashMap<>();
    for (HttpHeader h : List.of(HttpHeader.CONTENT_TYPE, HttpHeader.ACCEPT)) {
      String v = request.getHeaders().get(h);
      if (v != null) {
        carried.put(h.asString(), v);
      }
    }
    String version = request.getHeaders().get(ApiVersion.HEADER);
    if (version != null) {
      carried.put(ApiVersion.HEADER, version);
    }
    Forwarder.Answer answer;
    try {
      answer =
          forwarder.forward(
              ownerUrl,
              req.method(),
              request.getHttpURI().getPathQuery(),
              body,
              carried,
              caller,
              req.clientAddress());
    } catch (javax.net.ssl.SSLException e) {
      LOG.error(
          "{} {}: this conductor does not trust the TLS certificate of the owner {} ({}); put the"
              + " owner's <api_tls_keystore>.pem (or its CA's certificate) into cluster_cafile on"
              + " every conductor",
          req.method(),
          req.path(),
          ownerUrl,
          e.getMessage());
      throw ownerSilent(ownerUrl);
    } catch (java.io.IOException e) {
      LOG.warn(
          "{} {}: the owner {} did not answer: {}",
          req.method(),
          req.path(),
          ownerUrl,
          e.toString());
      throw ownerSilent(ownerUrl);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "The conductor is stopping.");
    }
    Map<String, String> headers = new LinkedHashMap<>(answer.headers());
    headers.computeIfPresent(
        "location",
        (k, v) -> v.startsWith(ownerUrl) ? req.baseUrl() + v.substring(ownerUrl.length()) : v);
    headers.remove("content-type");
    String text = new String(answer.body(), StandardCharsets.UTF_8);
    JsonBody json = text.isBlank() ? null : g -> g.writeRawValue(text);
    return new ApiResponse(answer.status(), json, headers);
  }

  private static ApiException ownerSilent(String ownerUrl) {
    return ApiException.unavailable(
        "The conductor that manages this node ("
            + ownerUrl
            + ") did not answer; retry in a minute: if it is down, another conductor takes the"
            + " node over.",
        60);
  }

  /**
   * The request with its body as text.
   *
   * @throws ApiException 400 when the bytes are not UTF-8
   */
  private static ApiRequest withBody(ApiRequest req, byte[] bytes) throws ApiException {
    if (bytes.length == 0) {
      return req;
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(
          "The request body is not valid UTF-8; send JSON encoded as UTF-8 (or escape other"
              + " characters as \\uXXXX).");
    }
    return new ApiRequest(
        req.method(),
        req.path(),
        req.query(),
        req.version(),
        text,
        req.baseUrl(),
        req.clientAddress());
  }

  private static String pathOf(Request request) {
    return ApiUri.printable(String.valueOf(request.getHttpURI().getPath()));
  }

  private static void internalError(
      Request request,
      Response response,
      Callback callback,
      String method,
      Throwable e,
      Map<String, String> headers) {
    // NOTE: an Error too (a NoClassDefFoundError when a jar is replaced under the running JVM,
    // an OutOfMemoryError): escaping, it would reach the client as Jetty's bare error page,
    // which the baremetal CLI shows without any reason.
    LOG.error("{} {} failed", method, pathOf(request), e);
    respond(
        response,
        callback,
        500,
        fault(500, "Internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()),
        headers);
  }

  /**
   * The HTTP status of a conductor error. A taken name or MAC address is 400, not Ironic's 409: the
   * baremetal CLI retries every 409 six times, 2 s apart, and no retry can free a name. 409 stays
   * for locks, which a retry does resolve.
   */
  static int statusOf(ConductorException.Kind kind) {
    return switch (kind) {
      case INVALID, CONFLICT -> 400;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case LOCKED -> 409;
      case BUSY -> 503;
      case FAILED -> 500;
    };
  }

  /**
   * {@code GET /health}: 200 when every check is UP, 503 otherwise; each check with its reason only
   * for a caller who may read nodes, or when the API runs without authentication (loopback).
   */
  private ApiResponse health(Caller caller) {
    HealthReport report = health.check();
    ObjectNode o = Json.object();
    o.put("status", report.status().name());
    if (authenticator == null || (caller != null && caller.may(Role.READER))) {
      ArrayNode checks = o.putArray("checks");
      for (HealthReport.Entry e : report.checks()) {
        ObjectNode c = checks.addObject();
        c.put("name", e.name());
        c.put("status", e.health().status().name());
        c.put("reason", e.health().reason());
        c.put("duration_ms", e.millis());
      }
    }
    return new ApiResponse(
        report.isUp() ? 200 : 503, JsonBody.of(o), Map.of("Cache-Control", "no-store"));
  }

  private ApiResponse routeRoot(ApiRequest req) throws ApiException {
    if (isMetrics(req.path())) {
      requireMethod(req, "GET");
      return ApiResponse.text(
          200,
          MicrometerMeters.CONTENT_TYPE,
          meters.meters().scrape().getBytes(StandardCharsets.UTF_8));
    }
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
      if (req.version().atLeast(49)) {
        o.set("conductors", Links.of(req.baseUrl(), "conductors", ""));
      }
      return ApiResponse.ok(o);
    }
    return switch (p.get(0)) {
      case "nodes" -> routeNodes(req, p);
      case "ports" -> routePorts(req, p);
      case "drivers" -> routeDrivers(req, p);
      case "conductors" -> {
        requireMethod(req, "GET");
        if (p.size() == 1) {
          yield conductors.list(req);
        }
        if (p.size() == 2) {
          yield conductors.get(req, p.get(1));
        }
        throw ApiException.notFound("The resource could not be found.");
      }
      case "lookup" -> {
        if (p.size() != 1) {
          throw ApiException.notFound("The resource could not be found.");
        }
        requireMethod(req, "GET");
        yield ramdisk.lookup(req);
      }
      default ->
          throw Unimplemented.ABSENT.containsKey(p.get(0))
              ? Unimplemented.absent(Unimplemented.ABSENT.get(p.get(0)))
              : ApiException.notFound("The resource could not be found.");
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
      case "states/console" -> {
        return switch (m) {
          case "GET" -> nodes.console(req, id);
          case "PUT" -> nodes.setConsole(req, id);
          default -> throw notAllowed(req, "GET, PUT");
        };
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
      case "management/boot_history" -> {
        requireMethod(req, "GET");
        return nodes.bootHistory(req, id);
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
        if (p.get(2).equals("history") && p.size() <= 4) {
          if (!req.version().atLeast(78)) {
            throw ApiException.notFound("The resource could not be found.");
          }
          requireMethod(req, "GET");
          if (p.size() == 3 || p.get(3).equals("detail")) {
            return nodes.history(req, id, p.size() == 4);
          }
          return nodes.historyEvent(req, id, p.get(3));
        }
        ApiResponse feature =
            Unimplemented.nodeFeature(req, nodes.node(req, id), p.subList(2, p.size()));
        if (feature != null) {
          return feature;
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
    if (p.size() >= 3 && p.size() <= 4 && p.get(2).equals("vendor_passthru")) {
      if (p.size() == 4 && p.get(3).equals("methods")) {
        requireMethod(req, "GET");
        return enroll.methods(req, p.get(1));
      }
      requireMethod(req, "POST");
      return enroll.call(req, p.get(1), p.size() == 4 ? p.get(3) : req.param("method"));
    }
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

  private static ObjectNode fault(int status, ApiException e) {
    return fault(status, e.getMessage());
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

  /** An answer's body built as a tree (errors and the small documents). */
  private static void respond(
      Response response,
      Callback callback,
      int status,
      JsonNode body,
      Map<String, String> headers) {
    respond(response, callback, status, render(body), headers);
  }

  /**
   * Renders a tree.
   *
   * @throws IllegalStateException if Jackson cannot write it (it always can: text, numbers)
   */
  private static JsonOutput render(JsonNode tree) {
    if (tree == null) {
      return null;
    }
    try {
      return JsonOutput.render(JsonBody.of(tree));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }

  /** Sends the status, the headers and a body that is not JSON. */
  private static void respond(
      Response response,
      Callback callback,
      int status,
      ApiResponse.Text text,
      Map<String, String> headers) {
    response.setStatus(status);
    headers.forEach((k, v) -> response.getHeaders().put(k, v));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, text.contentType());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, text.bytes().length);
    response.write(true, ByteBuffer.wrap(text.bytes()), callback);
  }

  /** Sends the status, the headers and the rendered body, whose buffer goes back once written. */
  private static void respond(
      Response response,
      Callback callback,
      int status,
      JsonOutput body,
      Map<String, String> headers) {
    response.setStatus(status);
    headers.forEach((k, v) -> response.getHeaders().put(k, v));
    if (body == null) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
      response.write(true, null, callback);
      return;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length());
    response.write(
        true,
        body.buffer(),
        Callback.from(
            callback,
            // NOTE: Jetty may still read the buffer until the write completes, either way.
            body::release));
  }
}
