package org.amtpxe.conductor.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.conductor.internal.auth.Role;
import org.amtpxe.conductor.internal.cluster.ConductorRegistry;
import org.amtpxe.conductor.internal.cluster.Ownership;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestRealm;
import org.amtpxe.conductor.internal.testing.WebStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page's terminal over real HTTP: a member attaches to a node's console and reads its
 * output as a stream, types keys by posts; rights, CSRF, caps, binary output, a slow page dropped
 * while another keeps reading, the console disabled under an attached terminal.
 */
class ConsoleTerminalTest {
  private static final Pattern COOKIE = Pattern.compile("amtpxe_session=([A-Za-z0-9_-]+)");
  private static final Pattern CSRF = Pattern.compile("\"csrf\":\"([^\"]+)\"");

  @TempDir Path dir;
  private Path users;
  private ExecutorService workers;
  private TestConductor c;
  private WebStack web;
  private String node;
  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** A logged-in user: its cookie and CSRF token. */
  private record User(String cookie, String csrf) {}

  /** One event of a terminal's stream. */
  private record Event(String type, String data) {}

  @BeforeEach
  void start() throws Exception {
    users = dir.resolve("users");
    CredentialsFile.addUser(users, "max", "member-pw".toCharArray(), Set.of(Role.MEMBER));
    CredentialsFile.addUser(users, "mia", "member-pw".toCharArray(), Set.of(Role.MEMBER));
    CredentialsFile.addUser(users, "rita", "reader-pw".toCharArray(), Set.of(Role.READER));
    workers = Executors.newCachedThreadPool(); // a reader per open terminal
    c = new TestConductor(Runnable::run);
    web = new WebStack(c, TestRealm.authenticator(users));
    node = c.enroll("n1").uuid();
  }

  @AfterEach
  void stop() throws Exception {
    web.close();
    workers.shutdownNow();
    c.close();
  }

  private HttpRequest.Builder req(String path) {
    return HttpRequest.newBuilder(URI.create(web.base + path)).timeout(Duration.ofSeconds(10));
  }

  private User login(String user, String password) throws Exception {
    String form =
        "user="
            + URLEncoder.encode(user, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8);
    HttpResponse<String> r =
        http.send(
            req("/ui/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = COOKIE.matcher(r.headers().firstValue("Set-Cookie").orElseThrow());
    assertThat(m.find()).isTrue();
    String cookie = m.group(1);
    HttpResponse<String> s =
        http.send(
            req("/ui/session").header("Cookie", "amtpxe_session=" + cookie).build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher t = CSRF.matcher(s.body());
    assertThat(t.find()).isTrue();
    return new User(cookie, t.group(1));
  }

  private void enableConsole() throws Exception {
    c.service.consoles().setEnabled(node, true);
    assertThat(c.service.consoles().info(node)).isPresent();
  }

  /** An attached terminal: the events of its stream, read by a thread of its own. */
  private final class Terminal implements AutoCloseable {
    final HttpResponse<java.io.InputStream> response;
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final String id;
    final User user;
    boolean connected;

    Terminal(User u) throws Exception {
      user = u;
      response =
          http.send(
              req("/ui/console/" + node)
                  .timeout(Duration.ofSeconds(60))
                  .header("Cookie", "amtpxe_session=" + u.cookie())
                  .header(Sessions.CSRF_HEADER, u.csrf())
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      workers.submit(this::read);
      Event hello = next();
      assertThat(hello.type()).isEqualTo("hello");
      Matcher m = Pattern.compile("\"terminal\":\"([0-9a-f]{32})\"").matcher(hello.data());
      assertThat(m.find()).as(hello.data()).isTrue();
      id = m.group(1);
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String type = null;
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isEmpty()) {
            if (type != null) {
              events.add(new Event(type, data.toString()));
            }
            type = null;
            data.setLength(0);
          } else if (line.startsWith("event: ")) {
            type = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data.append(line.substring(6));
          }
        }
      } catch (java.io.IOException e) {
        // the stream ended
      }
      events.add(new Event("eof", ""));
    }

    Event next() throws InterruptedException {
      Event e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("an event within 10 s").isNotNull();
      return e;
    }

    /** The output until it contains {@code wanted}, as bytes. */
    byte[] outputUntil(byte[] wanted) throws InterruptedException {
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      while (indexOf(seen.toByteArray(), wanted) < 0) {
        Event e = next();
        if (e.type().equals("connected")) {
          connected = true;
          continue;
        }
        assertThat(e.type()).as(seen.toString(StandardCharsets.UTF_8)).isEqualTo("output");
        seen.writeBytes(Base64.getDecoder().decode(e.data()));
      }
      return seen.toByteArray();
    }

    String outputUntil(String wanted) throws InterruptedException {
      return new String(
          outputUntil(wanted.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /** The next event that is not output. */
    Event nextNotOutput() throws InterruptedException {
      Event e;
      do {
        e = next();
      } while (e.type().equals("output") || e.type().equals("connected"));
      return e;
    }

    /** Detaches, as the page does, and closes the stream. */
    @Override
    public void close() throws Exception {
      detach(this);
      response.body().close();
    }
  }

  private HttpResponse<String> keys(User u, String id, byte[] keys, String csrf) throws Exception {
    HttpRequest.Builder b =
        req("/ui/console/" + node + "/keys?terminal=" + id)
            .header("Cookie", "amtpxe_session=" + u.cookie())
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(keys));
    if (csrf != null) {
      b.header(Sessions.CSRF_HEADER, csrf);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void detach(Terminal t) throws Exception {
    HttpResponse<String> r =
        http.send(
            req("/ui/console/" + node + "/detach?terminal=" + t.id)
                .header("Cookie", "amtpxe_session=" + t.user.cookie())
                .header(Sessions.CSRF_HEADER, t.user.csrf())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isIn(204, 401, 404); // 401: the session ended
  }

  private HttpResponse<String> attach(User u, String csrf) throws Exception {
    HttpRequest.Builder b =
        req("/ui/console/" + node)
            .header("Cookie", "amtpxe_session=" + u.cookie())
            .POST(HttpRequest.BodyPublishers.noBody());
    if (csrf != null) {
      b.header(Sessions.CSRF_HEADER, csrf);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }

  @Test
  void twoMembersSeeTheSameOutputAndTheirKeysReachTheMachine() throws Exception {
    enableConsole();
    User max = login("max", "member-pw");
    User mia = login("mia", "member-pw");
    try (Terminal a = new Terminal(max);
        Terminal b = new Terminal(mia)) {
      assertThat(await(() -> c.driver.serial().isOpen(node))).isTrue();
      c.driver.serial().writeLine(node, "Debian GNU/Linux 12 n1 ttyS0");
      assertThat(a.outputUntil("ttyS0")).contains("n1 ttyS0");
      assertThat(b.outputUntil("ttyS0")).contains("n1 ttyS0");
      assertThat(a.connected && b.connected).as("both told that the session is open").isTrue();

      HttpResponse<String> typed =
          keys(max, a.id, "root\r".getBytes(StandardCharsets.US_ASCII), max.csrf());

      assertThat(typed.statusCode()).as(typed.body()).isEqualTo(204);
      assertThat(a.outputUntil("root\r")).contains("root"); // the machine echoed it
      assertThat(b.outputUntil("root\r")).contains("root");
      assertThat(c.driver.serial().opened()).as("one session for both").isEqualTo(1);
    }
    assertThat(await(() -> web.terminals.open() == 0)).isTrue();
    assertThat(await(() -> !c.driver.serial().isOpen(node)))
        .as("the session ends with the last viewer")
        .isTrue();
  }

  @Test
  void everyByteOfTheSerialPortArrivesUnchanged() throws Exception {
    enableConsole();
    User max = login("max", "member-pw");
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    try (Terminal t = new Terminal(max)) {
      assertThat(await(() -> c.driver.serial().isOpen(node))).isTrue();
      c.driver.serial().write(node, all);
      byte[] seen = t.outputUntil(new byte[] {(byte) 0xfd, (byte) 0xfe, (byte) 0xff});
      assertThat(seen).containsSequence(all);
      // Keys are raw bytes too (an ESC sequence, a Ctrl-C, a byte that is no UTF-8).
      byte[] keys = {0x1b, '[', 'A', 0x03, (byte) 0xc3};
      assertThat(keys(max, t.id, keys, max.csrf()).statusCode()).isEqualTo(204);
      assertThat(t.outputUntil(keys)).containsSequence(keys);
    }
  }

  @Test
  void onlyAMemberWithTheSessionsTokenAttachesAndTypes() throws Exception {
    enableConsole();
    User rita = login("rita", "reader-pw");
    User max = login("max", "member-pw");
    User mia = login("mia", "member-pw");

    HttpResponse<String> reader = attach(rita, rita.csrf());
    assertThat(reader.statusCode()).isEqualTo(403);
    assertThat(reader.body()).contains("member role");
    HttpResponse<String> forged = attach(max, null);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains(Sessions.CSRF_HEADER);
    assertThat(attach(max, mia.csrf()).statusCode()).as("another session's token").isEqualTo(403);
    HttpResponse<String> anonymous =
        http.send(
            req("/ui/console/" + node).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    try (Terminal t = new Terminal(max)) {
      assertThat(await(() -> c.driver.serial().isOpen(node))).isTrue();
      byte[] k = "x".getBytes(StandardCharsets.US_ASCII);
      assertThat(keys(max, t.id, k, null).statusCode()).as("keys without the token").isEqualTo(403);
      assertThat(keys(rita, t.id, k, rita.csrf()).statusCode()).isEqualTo(403);
      HttpResponse<String> stolen = keys(mia, t.id, k, mia.csrf());
      assertThat(stolen.statusCode()).as("another session's terminal").isEqualTo(404);
      HttpResponse<String> big =
          keys(max, t.id, new byte[ConsoleTerminals.MAX_KEYS + 1], max.csrf());
      assertThat(big.statusCode()).isEqualTo(413);
      assertThat(keys(max, "0".repeat(32), k, max.csrf()).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aConsoleThatIsNotEnabledOrElsewhereIsSaidSo() throws Exception {
    User max = login("max", "member-pw");
    HttpResponse<String> off = attach(max, max.csrf());
    assertThat(off.statusCode()).isEqualTo(409);
    assertThat(off.body()).contains("is not enabled").contains("states/console");
    HttpResponse<String> unknown =
        http.send(
            req("/ui/console/no-such-node")
                .header("Cookie", "amtpxe_session=" + max.cookie())
                .header(Sessions.CSRF_HEADER, max.csrf())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);

    enableConsole();
    c.service
        .tasks()
        .ownership(
            new Ownership() {
              @Override
              public Optional<String> owner(Node n) {
                return Optional.of("cond-2");
              }

              @Override
              public boolean mine(Node n) {
                return false;
              }

              @Override
              public List<ConductorRegistry.Member> members() {
                return List.of();
              }
            });
    HttpResponse<String> elsewhere = attach(max, max.csrf());
    assertThat(elsewhere.statusCode()).isEqualTo(409);
    assertThat(elsewhere.body()).contains("served by its owner, conductor cond-2");
  }

  @Test
  void terminalsAreCappedPerUser() throws Exception {
    enableConsole();
    User max = login("max", "member-pw");
    List<Terminal> open = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < ConsoleTerminals.MAX_PER_USER; i++) {
        open.add(new Terminal(max));
      }
      HttpResponse<String> more = attach(max, max.csrf());
      assertThat(more.statusCode()).isEqualTo(429);
      assertThat(more.body()).contains("terminals open already");
      User mia = login("mia", "member-pw");
      try (Terminal other = new Terminal(mia)) {
        assertThat(other.id).isNotBlank();
      }
    } finally {
      for (Terminal t : open) {
        t.close();
      }
    }
    assertThat(await(() -> web.terminals.open() == 0)).isTrue();
  }

  /** The request that attaches a terminal over a raw connection, kept open (HTTP/1.1). */
  private byte[] attachRequest(User u) {
    return ("POST /ui/console/"
            + node
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: amtpxe_session="
            + u.cookie()
            + "\r\n"
            + Sessions.CSRF_HEADER
            + ": "
            + u.csrf()
            + "\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A page that goes away without detaching (a crash, a lost network, a killed browser) frees its
   * terminal at once: before, it counted against the cap until console output failed to reach it,
   * and a quiet console never writes.
   */
  @Test
  void aTerminalWhosePageWentAwayIsFreedAtOnce() throws Exception {
    enableConsole();
    User max = login("max", "member-pw");
    for (int round = 0; round < 3 * ConsoleTerminals.MAX_PER_USER; round++) {
      try (Socket page = new Socket("127.0.0.1", java.net.URI.create(web.base).getPort())) {
        page.setSoTimeout(10_000);
        page.getOutputStream().write(attachRequest(max));
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(page.getInputStream(), StandardCharsets.UTF_8));
        String line;
        do {
          line = in.readLine();
          assertThat(line).as("a hello event").isNotNull();
        } while (!line.equals("event: hello"));
      }
    }
    assertThat(await(() -> web.terminals.open() == 0))
        .as("terminals still open after their pages closed: " + web.terminals.open())
        .isTrue();
    try (Terminal t = new Terminal(max)) {
      assertThat(t.id).isNotBlank();
    }
  }

  /** A detached terminal's response ends normally and its connection carries the next request. */
  @Test
  void aDetachedTerminalsConnectionServesTheNextRequest() throws Exception {
    enableConsole();
    User max = login("max", "member-pw");
    try (Socket page = new Socket("127.0.0.1", java.net.URI.create(web.base).getPort())) {
      page.setSoTimeout(10_000);
      page.getOutputStream().write(attachRequest(max));
      java.io.InputStream in = page.getInputStream();
      String id = null;
      StringBuilder seen = new StringBuilder();
      while (id == null) {
        int b = in.read();
        assertThat(b).as(seen.toString()).isNotNegative();
        seen.append((char) b);
        Matcher m = Pattern.compile("\"terminal\":\"([0-9a-f]{32})\"").matcher(seen);
        if (m.find()) {
          id = m.group(1);
        }
      }
      HttpResponse<String> r =
          http.send(
              req("/ui/console/" + node + "/detach?terminal=" + id)
                  .header("Cookie", "amtpxe_session=" + max.cookie())
                  .header(Sessions.CSRF_HEADER, max.csrf())
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(204);
      // The stream's last chunk, then the same connection asks for the session.
      while (!seen.toString().endsWith("\r\n0\r\n\r\n")) {
        int b = in.read();
        assertThat(b).as("the end of the terminal's response: " + seen).isNotNegative();
        seen.append((char) b);
      }
      assertThat(seen.toString()).contains("event: ended");
      page.getOutputStream()
          .write(
              ("GET /ui/session HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: amtpxe_session="
                      + max.cookie()
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String status =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).readLine();
      assertThat(status).isEqualTo("HTTP/1.1 200 OK");
    }
    assertThat(await(() -> web.terminals.open() == 0)).isTrue();
  }

  @Test
  void aPageThatReadsNothingIsDroppedWhileAnotherKeepsReading() throws Exception {
    enableConsole();
    User max = login("max", "member-pw");
    User mia = login("mia", "member-pw");
    // A page that attaches and then never reads its stream.
    try (Socket slow = new Socket("127.0.0.1", java.net.URI.create(web.base).getPort());
        Terminal fast = new Terminal(mia)) {
      slow.setReceiveBufferSize(4096);
      OutputStream out = slow.getOutputStream();
      out.write(attachRequest(max));
      out.flush();
      assertThat(await(() -> web.terminals.open() == 2)).isTrue();
      assertThat(await(() -> c.driver.serial().isOpen(node))).isTrue();
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      long sent = 0;
      for (int i = 0; i < 64; i++) { // 4 MiB, far beyond a page's queue and the socket buffers
        c.driver.serial().write(node, chunk);
        sent += chunk.length;
        long need = sent;
        // the fast page keeps up: it reads everything while the slow one is dropped
        long got = 0;
        while (got < chunk.length) {
          Event e = fast.next();
          if (e.type().equals("output")) {
            got += Base64.getDecoder().decode(e.data()).length;
          }
        }
        assertThat(need).isPositive();
      }
      assertThat(await(() -> web.terminals.open() == 1))
          .as("the slow page was dropped, the fast one stays")
          .isTrue();
      c.driver.serial().writeLine(node, "still here");
      assertThat(fast.outputUntil("still here")).contains("still here");
    }
  }

  @Test
  void disablingTheConsoleEndsAnAttachedTerminalWithTheReason() throws Exception {
    enableConsole();
    User max = login("max", "member-pw");
    try (Terminal t = new Terminal(max)) {
      assertThat(await(() -> c.driver.serial().isOpen(node))).isTrue();

      c.service.consoles().setEnabled(node, false);

      Event ended = t.nextNotOutput();
      assertThat(ended.type()).isEqualTo("ended");
      assertThat(ended.data()).contains("the console was disabled");
      assertThat(t.next().type()).as("the stream ends").isEqualTo("eof");
    }
    assertThat(await(() -> web.terminals.open() == 0)).isTrue();
  }

  @Test
  void aTerminalEndsWhenNobodyTypesOrItsSessionEnds() throws Exception {
    web.close();
    web =
        new WebStack(
            c,
            TestRealm.authenticator(users),
            null,
            Duration.ofMillis(1500),
            Duration.ofMillis(100));
    enableConsole();
    User max = login("max", "member-pw");
    try (Terminal t = new Terminal(max)) {
      long opened = System.nanoTime();
      Thread.sleep(1000);
      assertThat(keys(max, t.id, new byte[] {'k'}, max.csrf()).statusCode()).isEqualTo(204);
      Event ended = t.nextNotOutput();
      long lived = (System.nanoTime() - opened) / 1_000_000;
      assertThat(ended.type()).isEqualTo("ended");
      assertThat(ended.data()).contains("nobody typed");
      assertThat(lived).as("typing kept it open past the first idle time").isGreaterThan(2000);
    }

    User mia = login("mia", "member-pw");
    try (Terminal t = new Terminal(mia)) {
      HttpResponse<String> out =
          http.send(
              req("/ui/logout")
                  .header("Cookie", "amtpxe_session=" + mia.cookie())
                  .header(Sessions.CSRF_HEADER, mia.csrf())
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(out.statusCode()).isEqualTo(204);
      Event ended = t.nextNotOutput();
      assertThat(ended.type()).isEqualTo("ended");
      assertThat(ended.data()).contains("web session ended");
    }
    assertThat(await(() -> web.terminals.open() == 0)).isTrue();
  }
}
