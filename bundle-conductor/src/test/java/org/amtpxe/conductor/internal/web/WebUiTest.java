package org.amtpxe.conductor.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.conductor.internal.auth.Role;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.testing.RawHttp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestRealm;
import org.amtpxe.conductor.internal.testing.WebStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web page's server side over real HTTP: files, headers, login, sessions, CSRF, events. */
class WebUiTest {
  private static final Pattern COOKIE = Pattern.compile("amtpxe_session=([A-Za-z0-9_-]+)");

  @TempDir Path dir;
  private ExecutorService workers;
  private TestConductor c;
  private WebStack web;
  private String node;
  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeEach
  void start() throws Exception {
    Path users = dir.resolve("users");
    CredentialsFile.addUser(users, "ada", "admin-pw".toCharArray(), Set.of(Role.ADMIN));
    CredentialsFile.addUser(users, "max", "member-pw".toCharArray(), Set.of(Role.MEMBER));
    CredentialsFile.addUser(users, "rita", "reader-pw".toCharArray(), Set.of(Role.READER));
    workers = Executors.newFixedThreadPool(2);
    c = new TestConductor(workers);
    web = new WebStack(c, TestRealm.authenticator(users));
    node = c.enroll("n1").uuid();
  }

  @AfterEach
  void stop() throws Exception {
    web.close();
    workers.shutdownNow();
    c.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder req(String path) {
    return HttpRequest.newBuilder(URI.create(web.base + path)).timeout(Duration.ofSeconds(10));
  }

  private HttpResponse<String> login(String user, String password) throws Exception {
    String form =
        "user="
            + URLEncoder.encode(user, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8);
    return send(
        req("/ui/login")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  private String session(String user, String password) throws Exception {
    HttpResponse<String> r = login(user, password);
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValue("/ui/");
    Matcher m = COOKIE.matcher(r.headers().firstValue("Set-Cookie").orElseThrow());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private String csrf(String cookie) throws Exception {
    HttpResponse<String> r = send(req("/ui/session").header("Cookie", "amtpxe_session=" + cookie));
    assertThat(r.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(r.body());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private HttpResponse<String> powerOn(String cookie, String token) throws Exception {
    HttpRequest.Builder b =
        req("/v1/nodes/" + node + "/states/power")
            .header("Cookie", "amtpxe_session=" + cookie)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"target\": \"power on\"}"));
    if (token != null) {
      b.header(Sessions.CSRF_HEADER, token);
    }
    return send(b);
  }

  @Test
  void thePageNeedsALoginAndItsFilesCarryTheSecurityHeaders() throws Exception {
    HttpResponse<String> anonymous = send(req("/ui/"));
    assertThat(anonymous.statusCode()).isEqualTo(303);
    assertThat(anonymous.headers().firstValue("Location")).hasValue("/ui/login");
    assertThat(send(req("/ui")).headers().firstValue("Location")).hasValue("/ui/");

    HttpResponse<String> loginPage = send(req("/ui/login"));
    assertThat(loginPage.statusCode()).isEqualTo(200);
    assertThat(loginPage.body()).contains("<form").contains("action=\"/ui/login\"");
    assertThat(loginPage.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'self'")
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe");
    assertThat(loginPage.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(loginPage.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(loginPage.body()).doesNotContain("<script>").doesNotContain("style=");

    HttpResponse<String> js = send(req("/ui/js/app.js"));
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    assertThat(js.headers().firstValue("Cache-Control")).hasValue("no-cache");
    String etag = js.headers().firstValue("ETag").orElseThrow();
    assertThat(send(req("/ui/js/app.js").header("If-None-Match", etag)).statusCode())
        .isEqualTo(304);
    assertThat(send(req("/ui/app.css")).headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    assertThat(send(req("/ui/js/")).statusCode()).as("no directory listing").isEqualTo(404);
    assertThat(send(req("/ui/nothing.html")).statusCode()).isEqualTo(404);

    String cookie = session("rita", "reader-pw");
    HttpResponse<String> index = send(req("/ui/").header("Cookie", "amtpxe_session=" + cookie));
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<script type=\"module\" src=\"js/app.js\">");
  }

  @Test
  void noPathReachesAnythingButThePagesFiles() throws Exception {
    InetSocketAddress at = new InetSocketAddress("127.0.0.1", web.server.port());
    for (String path :
        List.of(
            "/ui/../pom.xml",
            "/ui/..%2f..%2fpom.xml",
            "/ui/%2e%2e/%2e%2e/etc/passwd",
            "/ui/js/..%2F..%2Findex.html",
            "/ui/%2e%2e%2fWebUiTest.class",
            "/ui/static/index.html",
            "/ui//etc/passwd",
            "/ui/js/%2e%2e/%2e%2e/%2e%2e/org/amtpxe/conductor/internal/web/UiHandler.class",
            "/ui/..\\..\\pom.xml",
            "/ui/js/app.js%00.html",
            "/ui/;/../pom.xml",
            "/ui/index.html/..;/..;/pom.xml")) {
      RawHttp.Reply r =
          RawHttp.exchange(
              at,
              RawHttp.head("GET " + path + " HTTP/1.1", "Host: 127.0.0.1", "Connection: close"),
              false,
              Duration.ofSeconds(5));
      assertThat(r.status()).as(path).isIn(400, 404);
      assertThat(r.text()).as(path).doesNotContain("root:").doesNotContain("<project");
    }
  }

  @Test
  void aSessionReadsTheApiAndEveryWriteNeedsItsCsrfToken() throws Exception {
    String cookie = session("max", "member-pw");
    HttpResponse<String> show =
        send(req("/v1/nodes/" + node).header("Cookie", "amtpxe_session=" + cookie));
    assertThat(show.statusCode()).isEqualTo(200);
    assertThat(show.body()).contains("\"fake_password\":\"******\"").doesNotContain("s3cret");

    HttpResponse<String> forged = powerOn(cookie, null);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("X-CSRF-Token");
    assertThat(powerOn(cookie, "wrong-token").statusCode()).isEqualTo(403);
    assertThat(c.driver.calls("power.set")).isEmpty();

    assertThat(powerOn(cookie, csrf(cookie)).statusCode()).isEqualTo(202);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (c.driver.machinePower(node) != PowerState.POWER_ON && System.nanoTime() < deadline) {
      Thread.sleep(20); // the power change runs on a worker after the 202
    }
    assertThat(c.driver.machinePower(node)).isEqualTo(PowerState.POWER_ON);
    assertThat(csrf(session("ada", "admin-pw")))
        .as("a token per session")
        .isNotEqualTo(csrf(cookie));
  }

  @Test
  void aReaderSessionIsRefusedEveryActionByPolicy() throws Exception {
    String cookie = session("rita", "reader-pw");
    assertThat(send(req("/ui/session").header("Cookie", "amtpxe_session=" + cookie)).body())
        .contains("\"roles\":[\"reader\"]");
    HttpResponse<String> refused = powerOn(cookie, csrf(cookie));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("disallowed by policy").contains("rita");
    assertThat(c.driver.calls("power.set")).isEmpty();
  }

  @Test
  void aFailedLoginSaysTheSameForAnyUserAndTheThrottleApplies() throws Exception {
    HttpResponse<String> wrong = login("ada", "nope");
    HttpResponse<String> unknown = login("nobody", "nope");
    assertThat(wrong.statusCode()).isEqualTo(303);
    assertThat(wrong.headers().firstValue("Location")).hasValue("/ui/login?error=failed");
    assertThat(unknown.statusCode()).isEqualTo(wrong.statusCode());
    assertThat(unknown.body()).isEqualTo(wrong.body());
    assertThat(unknown.headers().firstValue("Location")).hasValue("/ui/login?error=failed");
    assertThat(unknown.headers().firstValue("Set-Cookie")).isEmpty();
    for (int i = 2; i < ApiHandler.MAX_LOGIN_FAILURES; i++) {
      login("ada", "guess-" + i);
    }
    HttpResponse<String> stopped = login("ada", "admin-pw");
    assertThat(stopped.headers().firstValue("Location").orElseThrow())
        .as("even the right password waits")
        .startsWith("/ui/login?error=throttled");
    assertThat(stopped.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void aLoginFromAnotherSiteIsRefused() throws Exception {
    HttpResponse<String> r =
        send(
            req("/ui/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("user=ada&password=admin-pw")));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void theSessionCookieIsHttpOnlyStrictAndEndsAtLogout() throws Exception {
    HttpResponse<String> r = login("ada", "admin-pw");
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    Matcher m = COOKIE.matcher(setCookie);
    assertThat(m.find()).isTrue();
    String cookie = m.group(1);
    assertThat(cookie.length()).as("256 bits, base64url").isEqualTo(43);

    HttpResponse<String> noToken =
        send(
            req("/ui/logout")
                .header("Cookie", "amtpxe_session=" + cookie)
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(noToken.statusCode()).isEqualTo(403);
    HttpResponse<String> out =
        send(
            req("/ui/logout")
                .header("Cookie", "amtpxe_session=" + cookie)
                .header(Sessions.CSRF_HEADER, csrf(cookie))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(send(req("/ui/session").header("Cookie", "amtpxe_session=" + cookie)).statusCode())
        .isEqualTo(401);
    HttpResponse<String> ended =
        send(req("/v1/nodes").header("Cookie", "amtpxe_session=" + cookie));
    assertThat(ended.statusCode()).isEqualTo(401);
    assertThat(ended.headers().firstValue("WWW-Authenticate"))
        .as("no browser password dialog over the page")
        .isEmpty();
    assertThat(send(req("/v1/nodes")).headers().firstValue("WWW-Authenticate"))
        .as("the CLI still gets its challenge")
        .isPresent();
  }

  /** An open event stream over a raw socket: its lines as they come. */
  private final class Stream implements AutoCloseable {
    final Socket socket = new Socket();
    final BufferedReader in;

    Stream(String cookie, String lastEventId) throws Exception {
      socket.connect(new InetSocketAddress("127.0.0.1", web.server.port()), 5000);
      socket.setSoTimeout(10_000);
      String head =
          "GET /ui/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nConnection: close\r\nCookie:"
              + " amtpxe_session="
              + cookie
              + "\r\n"
              + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n")
              + "\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Reads until an event of that type, returning its lines. NOTE: the body is chunked; every
     * write of the stream is whole events, so a chunk's size line stands alone and is skipped.
     */
    List<String> until(String type) throws Exception {
      List<String> event = new ArrayList<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.matches("[0-9a-fA-F]+")) {
          continue;
        }
        if (line.isEmpty()) {
          if (event.contains("event: " + type)) {
            return event;
          }
          event.clear();
        } else {
          event.add(line);
        }
      }
      throw new AssertionError("the stream ended before an event " + type);
    }

    /**
     * Reads node events until one whose lines contain that text (the socket's timeout bounds it).
     */
    List<String> nodeEventWith(String text) throws Exception {
      for (; ; ) {
        List<String> event = until("node");
        if (String.join("\n", event).contains(text)) {
          return event;
        }
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  @Test
  void theEventStreamSendsEachCommittedChangeAndResumesFromTheLastId() throws Exception {
    String cookie = session("max", "member-pw");
    String id;
    try (Stream s = new Stream(cookie, null)) {
      List<String> hello = s.until("hello");
      assertThat(String.join("\n", hello)).contains("test-conductor");
      assertThat(powerOn(cookie, csrf(cookie)).statusCode()).isEqualTo(202);
      // NOTE: the node's enrollment, committed just before this stream opened, may still come
      // first (changes are coalesced), so events are read until the power change arrives.
      List<String> event = s.nodeEventWith("\"power_state\":\"power on\"");
      String data = event.stream().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow();
      assertThat(data)
          .contains("\"uuid\":\"" + node + "\"")
          .doesNotContain("s3cret")
          .doesNotContain("driver_info");
      id =
          event.stream()
              .filter(l -> l.startsWith("id: "))
              .findFirst()
              .orElseThrow()
              .substring("id: ".length());
    }
    // While no stream is open: maintenance set, then the stream resumes after the last id.
    c.service.nodes().setMaintenance(node, true, "disk");
    Thread.sleep(3 * NodeFeed.COALESCE.toMillis());
    try (Stream s = new Stream(cookie, id)) {
      String missed = String.join("\n", s.nodeEventWith("\"maintenance\":true"));
      assertThat(missed).contains("\"maintenance_reason\":\"disk\"");
    }
    try (Stream s = new Stream(cookie, "0123ab-7")) {
      assertThat(s.until("resync")).isNotEmpty();
    }
  }

  @Test
  void aStreamBeyondTheUsersCapIsToldWhyAndEnded() throws Exception {
    String cookie = session("max", "member-pw");
    List<Stream> open = new ArrayList<>();
    try {
      for (int i = 0; i < NodeFeed.MAX_PER_USER; i++) {
        Stream s = new Stream(cookie, null);
        s.until("hello");
        open.add(s);
      }
      try (Stream refused = new Stream(cookie, null)) {
        assertThat(String.join("\n", refused.until("refused")))
            .contains("max has " + NodeFeed.MAX_PER_USER + " event streams open");
        String rest;
        StringBuilder tail = new StringBuilder();
        while ((rest = refused.in.readLine()) != null) {
          tail.append(rest);
        }
        assertThat(tail.toString()).as("the response ends").doesNotContain("event:");
      }
    } finally {
      for (Stream s : open) {
        s.close();
      }
    }
  }

  /**
   * A page reloaded closes its stream; the conductor must notice at once, not at the next write:
   * before, nine reloads within the heartbeat interval left eight dead streams counted against the
   * user and the ninth page got "refused" (no live updates) and waited 3 s for its hello.
   */
  @Test
  void streamsClosedByTheBrowserNoLongerCountAgainstTheCap() throws Exception {
    String cookie = session("max", "member-pw");
    for (int reload = 0; reload < 3 * NodeFeed.MAX_PER_USER; reload++) {
      try (Stream s = new Stream(cookie, null)) {
        s.until("hello");
      }
    }
    long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (web.feed.streams() > 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(web.feed.streams()).as("streams still counted after their sockets closed").isZero();
    try (Stream s = new Stream(cookie, null)) {
      assertThat(s.until("hello")).isNotEmpty();
    }
  }

  @Test
  void theEventStreamNeedsASession() throws Exception {
    HttpResponse<String> r = send(req("/ui/events"));
    assertThat(r.statusCode()).isEqualTo(401);
  }
}
