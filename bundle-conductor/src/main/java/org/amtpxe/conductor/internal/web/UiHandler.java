package org.amtpxe.conductor.internal.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amtpxe.conductor.internal.auth.Authenticator;
import org.amtpxe.conductor.internal.auth.Caller;
import org.amtpxe.conductor.internal.auth.LoginThrottle;
import org.amtpxe.conductor.internal.auth.Role;
import org.amtpxe.conductor.internal.rest.LoopbackHost;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web page under {@code /ui/}, on the API's port (same origin as the API, whose {@code /v1}
 * routes the page calls): its static files with a strict Content-Security-Policy, the login form
 * and server-side sessions (the API accepts their cookie, see {@link Sessions}), and the live event
 * stream ({@link NodeFeed}). Every other path goes on to the wrapped handler (the API).
 *
 * <p>Authentication is the API's: the same {@link Authenticator} and {@link LoginThrottle}; without
 * an authenticator (the API on loopback without auth_file) the page needs no login, every user is
 * an admin as on the API, and the Host must be a loopback name (DNS rebinding).
 */
public final class UiHandler extends Handler.Wrapper {
  private static final Logger LOG = LoggerFactory.getLogger(UiHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The path prefix of the page. */
  public static final String PREFIX = "/ui";

  /**
   * What the page may load and do: its own scripts and styles only (no inline code, no eval), its
   * own origin for fetch and the event stream, never framed.
   */
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  /** The largest login form. */
  static final int MAX_FORM = 4096;

  private static final Pattern EVENT_ID = Pattern.compile("[0-9a-f]{1,32}-[0-9]{1,19}");

  /** A terminal's routes: {@code console/<node>} opens one, {@code console/<node>/keys} types. */
  private static final Pattern CONSOLE =
      Pattern.compile("console/([A-Za-z0-9._~-]{1,255})(/keys|/detach)?");

  private static final Pattern TERMINAL_ID = Pattern.compile("[0-9a-f]{32}");

  /**
   * How the page is served.
   *
   * @param authenticator checks logins, or null when the API serves without credentials
   * @param plainHttpOffLoopback whether the API serves plain HTTP on a network address: passwords
   *     and session cookies would cross it in clear, so the login is refused there (as the API
   *     refuses HTTP Basic), except through the loopback interface
   * @param host the conductor's host name, shown on the page
   */
  public record Options(Authenticator authenticator, boolean plainHttpOffLoopback, String host) {}

  private final Options options;
  private final LoginThrottle logins;
  private final Sessions sessions;
  private final NodeFeed feed;
  private final ConsoleTerminals terminals;
  private final StaticFiles files = new StaticFiles();

  /**
   * @param api the handler of every path outside {@code /ui}
   * @param logins the API's login throttle, shared so that the form is no way around it
   * @param sessions the sessions, shared with the API's admission
   * @param feed the node changes for the event stream
   */
  public UiHandler(
      Handler api, Options options, LoginThrottle logins, Sessions sessions, NodeFeed feed) {
    this(api, options, logins, sessions, feed, null);
  }

  /**
   * @param api the handler of every path outside {@code /ui}
   * @param logins the API's login throttle, shared so that the form is no way around it
   * @param sessions the sessions, shared with the API's admission
   * @param feed the node changes for the event stream
   * @param terminals the consoles' terminals in the page, or null for a page without them
   */
  public UiHandler(
      Handler api,
      Options options,
      LoginThrottle logins,
      Sessions sessions,
      NodeFeed feed,
      ConsoleTerminals terminals) {
    super(api);
    this.options = options;
    this.logins = logins;
    this.sessions = sessions;
    this.feed = feed;
    this.terminals = terminals;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (path == null || !(path.equals(PREFIX) || path.startsWith(PREFIX + "/"))) {
      return super.handle(request, response, callback);
    }
    securityHeaders(response);
    if (options.authenticator() == null && !loopbackHost(request)) {
      text(response, callback, 400, "The Host header must name this machine's loopback address.");
      return true;
    }
    String method = request.getMethod();
    if (path.equals(PREFIX)) {
      redirect(request, response, callback, PREFIX + "/");
      return true;
    }
    String rest = path.substring(PREFIX.length() + 1);
    switch (rest) {
      case "login" -> {
        if (method.equals("POST")) {
          login(request, response, callback);
          return true;
        }
        if (!method.equals("GET")) {
          return notAllowed(response, callback, "GET, POST");
        }
        if (options.authenticator() == null) {
          redirect(request, response, callback, "/ui/");
          return true;
        }
        file(request, response, callback, "login.html");
        return true;
      }
      case "logout" -> {
        if (!method.equals("POST")) {
          return notAllowed(response, callback, "POST");
        }
        logout(request, response, callback);
        return true;
      }
      case "session" -> {
        if (!method.equals("GET")) {
          return notAllowed(response, callback, "GET");
        }
        session(request, response, callback);
        return true;
      }
      case "events" -> {
        if (!method.equals("GET")) {
          return notAllowed(response, callback, "GET");
        }
        events(request, response, callback);
        return true;
      }
      default -> {
        Matcher console = CONSOLE.matcher(rest);
        if (console.matches()) {
          if (!method.equals("POST")) {
            return notAllowed(response, callback, "POST");
          }
          if (console.group(2) == null) {
            openTerminal(request, response, callback, console.group(1));
          } else if (console.group(2).equals("/keys")) {
            typeKeys(request, response, callback);
          } else {
            detachTerminal(request, response, callback);
          }
          return true;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
          return notAllowed(response, callback, "GET");
        }
        String name = rest.equals("index.html") ? "" : rest;
        if (name.isEmpty()) {
          if (options.authenticator() != null && caller(request).isEmpty()) {
            redirect(request, response, callback, "/ui/login");
            return true;
          }
          name = "index.html";
        }
        if (name.equals("login.html") || files.get(name).isEmpty()) {
          text(response, callback, 404, "Not found.");
          return true;
        }
        file(request, response, callback, name);
        return true;
      }
    }
  }

  /** The headers of every answer under /ui. */
  private static void securityHeaders(Response response) {
    var h = response.getHeaders();
    h.put("Content-Security-Policy", CSP);
    h.put("X-Content-Type-Options", "nosniff");
    h.put("X-Frame-Options", "DENY");
    // NOTE: not no-referrer: with it, the browser sends "Origin: null" on the page's own form
    // posts, and the login's origin check (sameOrigin) could not tell them from a forged one.
    h.put("Referrer-Policy", "same-origin");
    h.put("Cross-Origin-Opener-Policy", "same-origin");
    h.put("Cross-Origin-Resource-Policy", "same-origin");
  }

  /**
   * The user of the request: the session's, or an admin without authentication (as the API). Empty
   * without a live session, or when the session cookie would cross a network in clear.
   */
  Optional<Caller> caller(Request request) {
    if (options.authenticator() == null) {
      return Optional.of(new Caller("", Set.of(Role.ADMIN)));
    }
    if (insecure(request)) {
      return Optional.empty();
    }
    return session(request).map(Sessions.Session::caller);
  }

  private Optional<Sessions.Session> session(Request request) {
    return sessions.find(cookie(request));
  }

  /** The session cookie's value, if the request has one. */
  public static String cookie(Request request) {
    List<HttpCookie> cookies = Request.getCookies(request);
    if (cookies == null) {
      return null;
    }
    for (HttpCookie c : cookies) {
      if (c.getName().equals(Sessions.COOKIE)) {
        return c.getValue();
      }
    }
    return null;
  }

  private boolean insecure(Request request) {
    return options.plainHttpOffLoopback() && !request.isSecure() && !throughLoopback(request);
  }

  private static boolean throughLoopback(Request request) {
    return request.getConnectionMetaData().getLocalSocketAddress() instanceof InetSocketAddress a
        && a.getAddress() != null
        && a.getAddress().isLoopbackAddress();
  }

  private static boolean loopbackHost(Request request) {
    String header = request.getHeaders().get(HttpHeader.HOST);
    String uriHost = request.getHttpURI().getHost();
    return header != null
        && LoopbackHost.isLoopbackAuthority(header)
        && (uriHost == null || LoopbackHost.isLoopbackHost(uriHost));
  }

  /**
   * Whether a form post comes from this page: a browser names the origin of every cross-site POST
   * (Origin, Sec-Fetch-Site), and a login posted from another site would log the victim in as the
   * attacker.
   */
  private static boolean sameOrigin(Request request) {
    String site = request.getHeaders().get("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return false;
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null) {
      return true; // not a browser, or a browser too old to send it (SameSite still applies)
    }
    String host = request.getHeaders().get(HttpHeader.HOST);
    String scheme = request.isSecure() ? "https" : "http";
    return host != null && origin.equalsIgnoreCase(scheme + "://" + host);
  }

  private void login(Request request, Response response, Callback callback) {
    if (options.authenticator() == null) {
      redirect(request, response, callback, "/ui/");
      return;
    }
    if (!sameOrigin(request)) {
      text(response, callback, 403, "The login form must be posted from this conductor's page.");
      return;
    }
    if (insecure(request)) {
      redirect(request, response, callback, "/ui/login?error=insecure");
      return;
    }
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      text(response, callback, 415, "Post the login as application/x-www-form-urlencoded.");
      return;
    }
    if (request.getLength() > MAX_FORM) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      text(response, callback, 413, "The login form is too large.");
      return;
    }
    String client = Request.getRemoteAddr(request);
    // NOTE: the form is read without holding a thread; checking the password blocks (JAAS, a
    // file, a slow hash), so the promise runs as BLOCKING work on the pool.
    FormFields.onFields(
        request,
        StandardCharsets.UTF_8,
        8,
        MAX_FORM,
        Promise.Invocable.from(
            Invocable.InvocationType.BLOCKING,
            (Fields fields, Throwable failure) -> {
              if (failure != null) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                text(response, callback, 400, "The login form cannot be read.");
                return;
              }
              try {
                checkLogin(request, response, callback, client, fields);
              } catch (RuntimeException e) {
                LOG.error("The web page's login failed", e);
                text(response, callback, 500, "The login failed; see the conductor's log.");
              }
            }));
  }

  private void checkLogin(
      Request request, Response response, Callback callback, String client, Fields fields) {
    long wait = logins.waitSeconds(client);
    if (wait > 0) {
      redirect(request, response, callback, "/ui/login?error=throttled&wait=" + wait);
      return;
    }
    Fields.Field user = fields.get("user");
    Fields.Field password = fields.get("password");
    Optional<Caller> caller = Optional.empty();
    if (user != null && password != null && !user.getValue().isEmpty()) {
      caller =
          options.authenticator().authenticate(user.getValue(), password.getValue().toCharArray());
    }
    logins.record(client, caller.isPresent());
    if (caller.isEmpty()) {
      // NOTE: the same answer whether the user exists or not.
      redirect(request, response, callback, "/ui/login?error=failed");
      return;
    }
    sessions.remove(cookie(request)); // a new id at every login (session fixation)
    Sessions.Session s = sessions.create(caller.get());
    Response.addCookie(response, sessionCookie(request, s.id(), sessions.absolute().toSeconds()));
    LOG.info("Web page login of {} from {}", caller.get().user(), client);
    redirect(request, response, callback, "/ui/");
  }

  private static HttpCookie sessionCookie(Request request, String value, long maxAge) {
    return HttpCookie.build(Sessions.COOKIE, value)
        .path("/")
        .httpOnly(true)
        .secure(request.isSecure())
        .sameSite(HttpCookie.SameSite.STRICT)
        .maxAge(maxAge)
        .build();
  }

  private void logout(Request request, Response response, Callback callback) {
    Optional<Sessions.Session> s = session(request);
    if (s.isPresent() && !s.get().csrfMatches(request.getHeaders().get(Sessions.CSRF_HEADER))) {
      text(response, callback, 403, "Missing or wrong " + Sessions.CSRF_HEADER + " header.");
      return;
    }
    sessions.remove(cookie(request));
    Response.addCookie(response, sessionCookie(request, "", 0));
    response.setStatus(204);
    response.write(true, null, callback);
  }

  private void session(Request request, Response response, Callback callback) {
    Optional<Caller> caller = caller(request);
    if (caller.isEmpty()) {
      text(response, callback, 401, "Log in first: /ui/login");
      return;
    }
    ObjectNode o = JSON.createObjectNode();
    boolean auth = options.authenticator() != null;
    o.put("authenticated", auth);
    o.put("user", auth ? caller.get().user() : null);
    var roles = o.putArray("roles");
    caller.get().roles().stream().map(Role::value).sorted().forEach(roles::add);
    o.put("csrf", auth ? session(request).map(Sessions.Session::csrf).orElse("") : "");
    o.put("conductor", options.host());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    write(response, callback, 200, "application/json", o.toString());
  }

  private void events(Request request, Response response, Callback callback) {
    Optional<Caller> caller = caller(request);
    if (caller.isEmpty()) {
      text(response, callback, 401, "Log in first: /ui/login");
      return;
    }
    String last = request.getHeaders().get("Last-Event-ID");
    if (last != null && !EVENT_ID.matcher(last).matches()) {
      last = "0-0"; // not one of ours: start over with a resync
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Accel-Buffering", "no");
    EventStream[] holder = new EventStream[1];
    EventStream stream = new EventStream(response, callback, () -> feed.unsubscribe(holder[0]));
    holder[0] = stream;
    // The idle timeout of the connection does not end the stream: the heartbeats keep it busy.
    request.addIdleTimeoutListener(t -> false);
    stream.send("retry: 3000\n\n");
    try {
      feed.subscribe(stream, options.authenticator() == null ? null : caller.get().user(), last);
      stream.watch(ClientGone.of(request, stream::drop));
    } catch (NodeFeed.TooManyStreams e) {
      // The page shows why and stops reconnecting (a closed stream would be retried every 3 s).
      stream.finish("refused", JSON.valueToTree(e.getMessage()).toString());
    }
  }

  /**
   * The user who may use a console from the page, or empty when the request was answered: 401
   * without a session, 403 without the session's CSRF token (a forged request) or below the member
   * role (the console leads to the machine's keyboard, as power control does), 404 when the page
   * has no terminals.
   */
  private Optional<Caller> consoleUser(Request request, Response response, Callback callback) {
    if (terminals == null) {
      text(response, callback, 404, "Not found.");
      return Optional.empty();
    }
    Optional<Caller> caller = caller(request);
    if (caller.isEmpty()) {
      text(response, callback, 401, "Log in first: /ui/login");
      return Optional.empty();
    }
    if (options.authenticator() != null
        && !session(request)
            .map(s -> s.csrfMatches(request.getHeaders().get(Sessions.CSRF_HEADER)))
            .orElse(false)) {
      text(
          response,
          callback,
          403,
          "A request of the web page must carry its " + Sessions.CSRF_HEADER + " header.");
      return Optional.empty();
    }
    if (caller.get().roles().stream().noneMatch(r -> r.includes(Role.MEMBER))) {
      text(
          response,
          callback,
          403,
          "User "
              + caller.get().user()
              + " may not use consoles: it needs the member role (baremetal:node:get_console is"
              + " disallowed by policy).");
      return Optional.empty();
    }
    return caller;
  }

  /** POST console/<node>: the response becomes the terminal's stream (docs/web-ui.md#terminal). */
  private void openTerminal(Request request, Response response, Callback callback, String node) {
    Optional<Caller> caller = consoleUser(request, response, callback);
    if (caller.isEmpty()) {
      return;
    }
    boolean auth = options.authenticator() != null;
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Accel-Buffering", "no");
    try {
      TerminalStream stream =
          terminals.open(
              auth ? caller.get().user() : "",
              auth ? cookie(request) : null,
              node,
              response,
              callback);
      // The idle timeout of the connection does not end the stream: heartbeats keep it busy.
      request.addIdleTimeoutListener(t -> false);
      stream.watch(ClientGone.of(request, stream::gone));
    } catch (ConsoleTerminals.Refused e) {
      response.getHeaders().remove(HttpHeader.CACHE_CONTROL);
      text(response, callback, e.status(), e.getMessage());
    }
  }

  /** The terminal a request names ({@code ?terminal=<id>}), or null when it was answered (400). */
  private static String terminalId(Request request, Response response, Callback callback) {
    String id = Request.extractQueryParameters(request).getValue("terminal");
    if (id == null || !TERMINAL_ID.matcher(id).matches()) {
      text(response, callback, 400, "Name the terminal: ?terminal=<the id of its hello event>.");
      return null;
    }
    return id;
  }

  /** POST console/<node>/detach?terminal=<id>: the page leaves; its stream ends. */
  private void detachTerminal(Request request, Response response, Callback callback) {
    if (consoleUser(request, response, callback).isEmpty()) {
      return;
    }
    String id = terminalId(request, response, callback);
    if (id == null) {
      return;
    }
    if (terminals.detach(options.authenticator() != null ? cookie(request) : null, id)) {
      response.setStatus(204);
      response.write(true, null, callback);
    } else {
      text(response, callback, 404, "This terminal is not attached (any more).");
    }
  }

  /** POST console/<node>/keys?terminal=<id>: raw bytes typed into the terminal's console. */
  private void typeKeys(Request request, Response response, Callback callback) {
    Optional<Caller> caller = consoleUser(request, response, callback);
    if (caller.isEmpty()) {
      return;
    }
    String id = terminalId(request, response, callback);
    if (id == null) {
      return;
    }
    if (request.getLength() > ConsoleTerminals.MAX_KEYS) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      text(
          response,
          callback,
          413,
          "At most " + ConsoleTerminals.MAX_KEYS + " bytes of keys per post.");
      return;
    }
    String session = options.authenticator() != null ? cookie(request) : null;
    // NOTE: the body is read without holding a thread; typing writes to the console session's
    // socket, so the promise runs as BLOCKING work on the pool.
    Content.Source.asByteArrayAsync(
        request,
        ConsoleTerminals.MAX_KEYS,
        Promise.Invocable.from(
            Invocable.InvocationType.BLOCKING,
            (byte[] keys, Throwable failure) -> {
              if (failure != null) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                text(
                    response,
                    callback,
                    413,
                    "The keys cannot be read (at most "
                        + ConsoleTerminals.MAX_KEYS
                        + " bytes per post).");
                return;
              }
              try {
                terminals.type(session, id, keys);
                response.setStatus(204);
                response.write(true, null, callback);
              } catch (ConsoleTerminals.Refused e) {
                text(response, callback, e.status(), e.getMessage());
              } catch (java.io.IOException e) {
                text(
                    response,
                    callback,
                    502,
                    "The console did not take the keys: " + e.getMessage());
              }
            }));
  }

  private void file(Request request, Response response, Callback callback, String name) {
    StaticFiles.File f = files.get(name).orElseThrow();
    response.getHeaders().put(HttpHeader.ETAG, f.etag());
    // NOTE: the names carry no version, so the browser revalidates every time (a 304 when the
    // bundle did not change); the bytes never change without a new bundle.
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    String match = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
    if (match != null && match.contains(f.etag())) {
      response.setStatus(304);
      response.write(true, null, callback);
      return;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, f.type());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, f.bytes().length);
    response.write(
        true,
        request.getMethod().equals("HEAD") ? null : ByteBuffer.wrap(f.bytes()).asReadOnlyBuffer(),
        callback);
  }

  private static void redirect(
      Request request, Response response, Callback callback, String location) {
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Response.sendRedirect(request, response, callback, 303, location, true);
  }

  private static boolean notAllowed(Response response, Callback callback, String allowed) {
    response.getHeaders().put(HttpHeader.ALLOW, allowed);
    text(response, callback, 405, "Method not allowed here; use " + allowed + ".");
    return true;
  }

  private static void text(Response response, Callback callback, int status, String message) {
    write(response, callback, status, "text/plain;charset=utf-8", message + "\n");
  }

  private static void write(
      Response response, Callback callback, int status, String type, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
