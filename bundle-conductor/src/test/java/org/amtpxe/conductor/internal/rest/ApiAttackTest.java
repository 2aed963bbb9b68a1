package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.amtpxe.conductor.internal.auth.Authenticator;
import org.amtpxe.conductor.internal.service.RamdiskService;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.RawHttp;
import org.amtpxe.conductor.internal.testing.RawHttp.Reply;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API's transport as an attacker sees it: raw HTTP on loopback, requests a client library would
 * not send. Every test here failed on the API before its transport was hardened.
 */
class ApiAttackTest {
  private static final long CAP = 1024 * 1024;
  private static final String USER = "op";
  private static final String PASSWORD = "letmein";
  private static final Authenticator AUTH =
      (user, password) ->
          user.equals(USER) && new String(password).equals(PASSWORD)
              ? java.util.Optional.of(
                  new org.amtpxe.conductor.internal.auth.Caller(
                      USER, java.util.Set.of(org.amtpxe.conductor.internal.auth.Role.ADMIN)))
              : java.util.Optional.empty();
  private static final String BASIC =
      "Authorization: Basic "
          + Base64.getEncoder()
              .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

  private TestConductor c;
  private final List<ApiServer> servers = new ArrayList<>();

  @BeforeEach
  void conductor() {
    c = new TestConductor(Runnable::run);
  }

  @AfterEach
  void stop() throws Exception {
    for (ApiServer s : servers) {
      s.close();
    }
    c.close();
  }

  private InetSocketAddress serve(Authenticator auth, Duration bodyTimeout) throws Exception {
    ApiServer server =
        new ApiServer(
            "127.0.0.1",
            0,
            8,
            new ApiHandler(c.service, auth, new ApiHandler.Options(bodyTimeout, false, true)));
    servers.add(server);
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  private static Reply send(InetSocketAddress server, byte[] request) throws IOException {
    return RawHttp.exchange(server, request, false, Duration.ofSeconds(5));
  }

  private static byte[] post(
      InetSocketAddress server, String path, String contentType, String body, String... extra) {
    List<String> lines = new ArrayList<>();
    lines.add("POST " + path + " HTTP/1.1");
    lines.add("Host: 127.0.0.1:" + server.getPort());
    if (contentType != null) {
      lines.add("Content-Type: " + contentType);
    }
    lines.add("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length);
    lines.add("Connection: close");
    lines.addAll(Arrays.asList(extra));
    return RawHttp.concat(
        RawHttp.head(lines.toArray(String[]::new)), body.getBytes(StandardCharsets.UTF_8));
  }

  private String state() throws Exception {
    return c.service.nodes().nodes(NodeQuery.all()) + "\n" + c.service.ports().ports(null, null);
  }

  // ---- a body larger than the cap, chunked ----

  /** What one huge chunked POST did: the reply, and bytes the client could write. */
  private record Flood(
      Reply reply, long writtenAtReply, long writtenTotal, long heapGrowth, long heapRetained) {}

  /**
   * Sends a 300 MB chunked POST /v1/nodes while reading the reply on another thread; stops writing
   * once the reply is there or the server closed.
   */
  private static Flood flood(InetSocketAddress server, String... extra) throws Exception {
    long total = 300L * 1024 * 1024;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(heapBefore);
    AtomicBoolean done = new AtomicBoolean();
    Thread sampler =
        new Thread(
            () -> {
              while (!done.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(2);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.start();
    AtomicLong written = new AtomicLong();
    try (Socket s = new Socket()) {
      s.connect(server);
      s.setSoTimeout(60_000);
      List<String> lines = new ArrayList<>();
      lines.add("POST /v1/nodes HTTP/1.1");
      lines.add("Host: 127.0.0.1:" + server.getPort());
      lines.add("Content-Type: application/json");
      lines.add("Transfer-Encoding: chunked");
      lines.addAll(Arrays.asList(extra));
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      CompletableFuture<Reply> reply =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return RawHttp.read(in, System.nanoTime());
                } catch (IOException e) {
                  return null;
                }
              });
      out.write(RawHttp.head(lines.toArray(String[]::new)));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.UTF_8);
      byte[] crlf = "\r\n".getBytes(StandardCharsets.UTF_8);
      long atReply = -1;
      try {
        while (written.get() < total) {
          if (reply.isDone() && atReply < 0) {
            atReply = written.get();
            break;
          }
          out.write(size);
          out.write(chunk);
          out.write(crlf);
          written.addAndGet(chunk.length);
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // The server closed the connection: the point of the test.
      }
      Reply r = reply.get(60, TimeUnit.SECONDS);
      done.set(true);
      sampler.join();
      System.gc();
      long retained = memory.getHeapMemoryUsage().getUsed() - heapBefore;
      return new Flood(
          r,
          atReply < 0 ? written.get() : atReply,
          written.get(),
          peak.get() - heapBefore,
          retained);
    } finally {
      done.set(true);
    }
  }

  @Test
  void aHugeChunkedBodyWithoutCredentialsIsRefusedBeforeItIsRead() throws Exception {
    InetSocketAddress server = serve(AUTH, Duration.ofSeconds(10));
    String before = state();

    Flood f = flood(server);

    System.out.printf(
        "300 MB chunked POST without credentials: %s after %d bytes written (%d in all), heap"
            + " peak growth %d KiB, after GC %+d KiB%n",
        f.reply() == null ? "closed" : f.reply().status(),
        f.writtenAtReply(),
        f.writtenTotal(),
        f.heapGrowth() >> 10,
        f.heapRetained() >> 10);
    assertThat(f.reply()).as("a reply before the connection closes").isNotNull();
    assertThat(f.reply().status()).isEqualTo(401);
    assertThat(f.reply().fault()).contains("Authentication required");
    assertThat(f.writtenTotal()).as("bytes the client could write").isLessThan(32L << 20);
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void aHugeChunkedBodyWithCredentialsIsCutOffAtTheCap() throws Exception {
    InetSocketAddress server = serve(AUTH, Duration.ofSeconds(10));
    String before = state();

    Flood f = flood(server, BASIC);

    System.out.printf(
        "300 MB chunked POST with credentials: %s after %d bytes written (%d in all), heap peak"
            + " growth %d KiB, after GC %+d KiB%n",
        f.reply() == null ? "closed" : f.reply().status(),
        f.writtenAtReply(),
        f.writtenTotal(),
        f.heapGrowth() >> 10,
        f.heapRetained() >> 10);
    assertThat(f.reply()).as("a reply before the connection closes").isNotNull();
    assertThat(f.reply().status()).isEqualTo(413);
    assertThat(f.reply().fault()).contains("larger than " + CAP + " bytes");
    assertThat(f.reply().header("Connection")).isEqualTo("close");
    assertThat(f.writtenTotal()).as("bytes the client could write").isLessThan(32L << 20);
    assertThat(f.heapGrowth()).as("heap growth while serving it").isLessThan(200L << 20);
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void aDeclaredLengthAboveTheCapIs413WithoutWaitingForTheBody() throws Exception {
    InetSocketAddress server = serve(AUTH, Duration.ofSeconds(10));

    Reply r =
        send(
            server,
            RawHttp.head(
                "POST /v1/nodes HTTP/1.1",
                "Host: 127.0.0.1",
                BASIC,
                "Content-Type: application/json",
                "Content-Length: " + (CAP + 1)));

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.fault()).contains("larger than " + CAP + " bytes");
    assertThat(r.millis()).isLessThan(2000);
  }

  @Test
  void theDeployCallbackReadsAtMost16KiBWithoutCredentials() throws Exception {
    InetSocketAddress server = serve(AUTH, Duration.ofSeconds(10));
    String uuid = c.enroll("cb").uuid();
    String path = "/v1/nodes/" + uuid + "/vendor_passthru/" + FakeDriver.CALLBACK;
    String big = "{\"agent_token\": \"" + "k".repeat(20_000) + "\"}";

    assertThat(send(server, post(server, path, "application/json", big)).status()).isEqualTo(413);
    Reply small = send(server, post(server, path, "application/json", "{\"agent_token\": \"x\"}"));
    assertThat(small.status()).isEqualTo(404);
    assertThat(small.fault()).isEqualTo(RamdiskService.RAMDISK_REFUSED);
  }

  @Test
  void anEarlyAnswerToAnExpect100RequestIsTheOnlyAnswer() throws Exception {
    InetSocketAddress server = serve(AUTH, Duration.ofSeconds(10));
    try (Socket s = new Socket()) {
      s.connect(server);
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              RawHttp.head(
                  "POST /v1/nodes HTTP/1.1",
                  "Host: 127.0.0.1",
                  "Content-Type: application/json",
                  "Expect: 100-continue",
                  "Content-Length: 5000"));
      Reply r = RawHttp.read(s.getInputStream(), System.nanoTime());
      assertThat(r.status()).isEqualTo(401);
      // The client may still send its body; the server discards it and never says "continue".
      s.getOutputStream().write(new byte[5000]);
      assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
          .isEmpty();
    }
  }

  // ---- slow bodies ----

  @Test
  void aTrickledBodyGets408AtTheDeadline() throws Exception {
    InetSocketAddress server = serve(null, Duration.ofSeconds(2));
    try (Socket s = new Socket()) {
      s.connect(server);
      s.setSoTimeout(8000);
      long start = System.nanoTime();
      OutputStream out = s.getOutputStream();
      out.write(
          RawHttp.head(
              "POST /v1/nodes HTTP/1.1",
              "Host: 127.0.0.1",
              "Content-Type: application/json",
              "Content-Length: 1000"));
      ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
      try {
        trickle.scheduleAtFixedRate(
            () -> {
              try {
                out.write(' ');
                out.flush();
              } catch (IOException e) {
                // closed by the server
              }
            },
            0,
            200,
            TimeUnit.MILLISECONDS);
        Reply r = RawHttp.read(s.getInputStream(), start);

        assertThat(r.status()).isEqualTo(408);
        assertThat(r.fault()).contains("within 2 s");
        assertThat(r.millis()).isBetween(1500L, 6000L);
        assertThat(r.header("Connection")).isEqualTo("close");
      } finally {
        trickle.shutdownNow();
      }
    }
    assertThat(c.store.countNodes()).isZero();
  }

  @Test
  void fortyTricklingClientsDoNotStopAGet() throws Exception {
    InetSocketAddress server = serve(null, Duration.ofSeconds(10));
    c.enroll("present");
    List<Socket> slow = new ArrayList<>();
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try {
      for (int i = 0; i < 40; i++) {
        Socket s = new Socket();
        s.connect(server);
        s.getOutputStream()
            .write(
                RawHttp.head(
                    "POST /v1/nodes HTTP/1.1",
                    "Host: 127.0.0.1",
                    "Content-Type: application/json",
                    "Content-Length: 100000"));
        slow.add(s);
      }
      trickle.scheduleAtFixedRate(
          () -> {
            for (Socket s : slow) {
              try {
                s.getOutputStream().write(' ');
              } catch (IOException e) {
                // closed by the server
              }
            }
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      Thread.sleep(500); // every trickler has a request in the server

      Reply r =
          RawHttp.exchange(
              server,
              RawHttp.head(
                  "GET /v1/nodes HTTP/1.1",
                  "Host: 127.0.0.1",
                  "X-OpenStack-Ironic-API-Version: latest",
                  "Connection: close"),
              false,
              Duration.ofSeconds(5));

      System.out.printf("GET /v1/nodes beside 40 trickling clients: %d ms%n", r.millis());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).contains("present");
      assertThat(r.millis()).isLessThan(2000);
    } finally {
      trickle.shutdownNow();
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  // ---- cross-site requests from the operator's browser ----

  @Test
  void aBrowserFormOrFetchPostIsRefusedWith415() throws Exception {
    InetSocketAddress server = serve(null, Duration.ofSeconds(10));
    c.enroll("existing");
    String before = state();

    for (String type :
        List.of(
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x")) {
      Reply r =
          send(
              server,
              post(
                  server,
                  "/v1/nodes",
                  type,
                  "{\"driver\": \"fake\"}",
                  "Origin: http://evil.example",
                  "Referer: http://evil.example/page.html"));

      assertThat(r.status()).as(type).isEqualTo(415);
      assertThat(r.fault()).as(type).contains("application/json");
      assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
    }
    assertThat(state()).isEqualTo(before);
  }

  /** One request of a write route, with a body it would accept. */
  private record Write(String method, String path, String body) {}

  private byte[] write(InetSocketAddress server, Write w, String contentType) {
    List<String> lines = new ArrayList<>();
    lines.add(w.method() + " " + w.path() + " HTTP/1.1");
    lines.add("Host: 127.0.0.1:" + server.getPort());
    lines.add("X-OpenStack-Ironic-API-Version: latest");
    if (contentType != null) {
      lines.add("Content-Type: " + contentType);
    }
    lines.add("Content-Length: " + w.body().length());
    lines.add("Connection: close");
    return RawHttp.concat(
        RawHttp.head(lines.toArray(String[]::new)), w.body().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyWriteRouteTakesOnlyJson() throws Exception {
    InetSocketAddress server = serve(null, Duration.ofSeconds(10));
    String node = c.enroll("typed").uuid();
    String port =
        c.service
            .ports()
            .createPort(
                org.amtpxe.api.model.Port.builder(
                        java.util.UUID.randomUUID().toString(),
                        org.amtpxe.api.model.MacAddress.parse("52:54:00:00:00:11"),
                        node)
                    .build())
            .uuid();
    String patch = "[{\"op\": \"add\", \"path\": \"/extra/x\", \"value\": 1}]";
    List<Write> writes =
        List.of(
            new Write("POST", "/v1/nodes", "{\"driver\": \"fake\"}"),
            new Write("PATCH", "/v1/nodes/" + node, patch),
            new Write("PUT", "/v1/nodes/" + node + "/states/power", "{\"target\": \"power on\"}"),
            new Write("PUT", "/v1/nodes/" + node + "/states/provision", "{\"target\": \"manage\"}"),
            new Write(
                "PUT",
                "/v1/nodes/" + node + "/management/boot_device",
                "{\"boot_device\": \"pxe\"}"),
            new Write("PUT", "/v1/nodes/" + node + "/management/inject_nmi", "{}"),
            new Write("PUT", "/v1/nodes/" + node + "/maintenance", "{\"reason\": \"x\"}"),
            new Write(
                "POST",
                "/v1/nodes/" + node + "/vendor_passthru/" + FakeDriver.CALLBACK,
                "{\"key\": \"x\"}"),
            new Write(
                "POST",
                "/v1/nodes/" + node + "/vendor_passthru?method=" + FakeDriver.CALLBACK,
                "{\"key\": \"x\"}"),
            new Write(
                "POST",
                "/v1/ports",
                "{\"address\": \"52:54:00:00:00:77\", \"node_uuid\": \"" + node + "\"}"),
            new Write("PATCH", "/v1/ports/" + port, patch));
    String before = state();
    List<String> refused =
        Arrays.asList(
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            null,
            "",
            "application/jsonx",
            "text/json",
            "application/json; charset=ISO-8859-1",
            "application/octet-stream");

    for (Write w : writes) {
      for (String type : refused) {
        Reply r = send(server, write(server, w, type));
        assertThat(r.status()).as(w + " as " + type).isEqualTo(415);
        assertThat(r.fault()).as(w + " as " + type).contains("application/json");
      }
      if (!w.method().equals("PATCH")) {
        Reply r = send(server, write(server, w, "application/json-patch+json"));
        assertThat(r.status()).as(w + " as json-patch").isEqualTo(415);
      }
    }
    assertThat(state()).as("nothing written by a refused request").isEqualTo(before);

    for (String type :
        List.of(
            "application/json",
            "application/json; charset=UTF-8",
            "Application/JSON;charset=\"utf-8\"")) {
      Reply r = send(server, write(server, writes.get(5), type));
      assertThat(r.status()).as(type).isEqualTo(204);
    }
    Reply jsonPatch = send(server, write(server, writes.get(1), "application/json-patch+json"));
    assertThat(jsonPatch.status()).as(jsonPatch.text()).isEqualTo(200);

    // Bodiless: a PUT without a type or labelled octet-stream (the CLI's label) is fine, as is a
    // DELETE; a bodiless POST must still say JSON (a page can send one without a preflight).
    Write nmi = new Write("PUT", "/v1/nodes/" + node + "/management/inject_nmi", "");
    assertThat(send(server, write(server, nmi, null)).status()).isEqualTo(204);
    assertThat(send(server, write(server, nmi, "application/octet-stream")).status())
        .isEqualTo(204);
    assertThat(send(server, write(server, nmi, "text/plain")).status()).isEqualTo(415);
    Write bodilessPost = new Write("POST", "/v1/nodes", "");
    assertThat(send(server, write(server, bodilessPost, null)).status()).isEqualTo(415);
    Write delete = new Write("DELETE", "/v1/ports/" + port, "");
    assertThat(send(server, write(server, delete, "application/octet-stream")).status())
        .isEqualTo(204);
  }

  @Test
  void basicCredentialsOverPlainHttpOffLoopbackAreRefusedUnchecked() throws Exception {
    List<String> checked = new ArrayList<>();
    Authenticator recording =
        (user, password) -> {
          checked.add(user);
          return AUTH.authenticate(user, password);
        };
    // As a client on another machine: this test may only use loopback.
    ApiServer plain =
        new ApiServer(
            "127.0.0.1",
            0,
            8,
            new ApiHandler(
                c.service, recording, new ApiHandler.Options(Duration.ofSeconds(10), true, false)));
    servers.add(plain);
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", plain.port());
    String uuid = c.enroll("plain").uuid();

    Reply withPassword =
        send(server, RawHttp.head("GET /v1/nodes HTTP/1.1", "Host: 127.0.0.1", BASIC));
    assertThat(withPassword.status()).isEqualTo(403);
    assertThat(withPassword.fault()).contains("api_tls_keystore").contains("plain HTTP");
    Reply without = send(server, RawHttp.head("GET /v1/nodes HTTP/1.1", "Host: 127.0.0.1"));
    assertThat(without.status()).isEqualTo(403);
    assertThat(without.header("WWW-Authenticate")).as("no invitation to send one").isNull();
    assertThat(checked).as("the password is never checked").isEmpty();

    assertThat(send(server, get("/v1")).status()).isEqualTo(200);
    Reply callback =
        send(
            server,
            post(
                server,
                "/v1/nodes/" + uuid + "/vendor_passthru/" + FakeDriver.CALLBACK,
                "application/json",
                "{\"agent_token\": \"x\"}"));
    assertThat(callback.status()).as("the ramdisk's callback still works").isEqualTo(404);
    assertThat(callback.fault()).isEqualTo(RamdiskService.RAMDISK_REFUSED);

    // A client on this machine, through the loopback interface, crosses no network.
    ApiServer local =
        new ApiServer(
            "127.0.0.1",
            0,
            8,
            new ApiHandler(
                c.service, recording, new ApiHandler.Options(Duration.ofSeconds(10), true, true)));
    servers.add(local);
    Reply viaLoopback =
        send(
            new InetSocketAddress("127.0.0.1", local.port()),
            RawHttp.head("GET /v1/nodes HTTP/1.1", "Host: 127.0.0.1", BASIC));
    assertThat(viaLoopback.status()).isEqualTo(200);
    assertThat(checked).containsExactly(USER);
  }

  @Test
  void dnsRebindingIsRefusedWhenTheApiHasNoAuthentication() throws Exception {
    InetSocketAddress server = serve(null, Duration.ofSeconds(10));
    String create = "{\"driver\": \"fake\", \"name\": \"rebound\"}";
    int port = server.getPort();

    for (String host :
        List.of(
            "evil.example",
            "evil.example:" + port,
            "127.0.0.1.evil.example",
            "localhost.evil.example:" + port,
            "127.0.0.1:" + port + "@evil.example",
            "[::2]:" + port,
            "0.0.0.0:" + port)) {
      Reply r =
          send(
              server,
              RawHttp.concat(
                  RawHttp.head(
                      "POST /v1/nodes HTTP/1.1",
                      "Host: " + host,
                      "Content-Type: application/json",
                      "Content-Length: " + create.length(),
                      "Connection: close"),
                  create.getBytes(StandardCharsets.UTF_8)));
      assertThat(r.status()).as(host).isBetween(400, 499);
      r.fault();
    }
    Reply absolute =
        send(
            server,
            RawHttp.head(
                "GET http://evil.example/v1/nodes HTTP/1.1",
                "Host: 127.0.0.1:" + port,
                "Connection: close"));
    assertThat(absolute.status()).isEqualTo(400);
    assertThat(absolute.fault()).contains("Host");
    assertThat(c.store.countNodes()).isZero();

    for (String host :
        List.of(
            "localhost:" + port, "127.0.0.1", "LOCALHOST", "127.0.0.2:" + port, "[::1]:" + port)) {
      Reply r =
          send(
              server, RawHttp.head("GET /v1/nodes HTTP/1.1", "Host: " + host, "Connection: close"));
      assertThat(r.status()).as(host).isEqualTo(200);
    }
  }

  @Test
  void optionsIs405AndNoResponseCarriesCorsHeaders() throws Exception {
    InetSocketAddress server = serve(null, Duration.ofSeconds(10));

    Reply r =
        send(
            server,
            RawHttp.head(
                "OPTIONS /v1/nodes HTTP/1.1",
                "Host: 127.0.0.1",
                "Origin: http://evil.example",
                "Access-Control-Request-Method: POST",
                "Access-Control-Request-Headers: content-type",
                "Connection: close"));

    assertThat(r.status()).isEqualTo(405);
    r.fault();
    assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
  }

  // ---- what Jetty rejects, and what used to be a 500 ----

  @Test
  void malformedRequestsGetIronicErrorBodiesNeverHtmlOr500() throws Exception {
    InetSocketAddress server = serve(null, Duration.ofSeconds(10));
    String longPath = "/v1/nodes/" + "a".repeat(20_000);
    String bigHeader = "X-Junk: " + "b".repeat(20_000);
    List<byte[]> requests =
        List.of(
            get("/v1/nodes/%2e%2e/x"),
            get("/v1/%2f"),
            get("/v1//nodes"),
            get("/v1/nodes/%00"),
            get("/v1/nodes/%zz"),
            get("/v1/nodes/%C0%AF"),
            get("/v1/nodes/%FF"),
            get("/v1/nodes?limit=%zz"),
            get("/v1/nodes?x=%C0%AF"),
            get("/v1/nodes?fields=%"),
            get("*"),
            get(longPath),
            RawHttp.head("GET /v1/nodes HTTP/1.1", "Host: 127.0.0.1", bigHeader),
            RawHttp.head("GET /v1/nodes HTTP/1.1", "Host: 127.0.0.1", "Content-Length: abc"),
            RawHttp.head(
                "POST /v1/nodes HTTP/1.1",
                "Host: 127.0.0.1",
                "Content-Type: application/json",
                "Content-Length: 5",
                "Transfer-Encoding: chunked"),
            RawHttp.concat(
                RawHttp.head(
                    "POST /v1/nodes HTTP/1.1",
                    "Host: 127.0.0.1",
                    "Content-Type: application/json",
                    "Transfer-Encoding: chunked"),
                "zz\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8)),
            RawHttp.head("GET /v1/nodes HTTP/1.1", "Host: a", "Host: b"),
            RawHttp.head("GET /v1/nodes HTTP/9.9", "Host: 127.0.0.1"),
            RawHttp.head("G\u00c9T /v1/nodes HTTP/1.1", "Host: 127.0.0.1"),
            RawHttp.head("GET /v1/nodes HTTP/1.1", "Host: 127.0.0.1", "Bad Header: x"));
    for (byte[] request : requests) {
      String shown = new String(request, StandardCharsets.ISO_8859_1);
      shown = shown.substring(0, Math.min(120, shown.length()));
      Reply r = send(server, request);

      assertThat(r.status()).as(shown).isBetween(400, 499);
      assertThat(r.header("Content-Type")).as(shown).startsWith("application/json");
      assertThat(r.fault()).as(shown).isNotBlank();
    }
  }

  @Test
  void jettysRejectionsSayWhatIsWrongAndWhatToSend() throws Exception {
    InetSocketAddress server = serve(null, Duration.ofSeconds(10));
    java.util.Map<byte[], String> expected = new java.util.LinkedHashMap<>();
    expected.put(get("/v1/nodes/%zz"), "invalid percent-escape in the path");
    expected.put(get("/v1/nodes/%2e%2e/x"), "send the plain path");
    expected.put(get("/v1/nodes/%C0%AF"), "not valid UTF-8");
    expected.put(get("/v1/nodes/" + "a".repeat(9000)), "longer than 8192 bytes");
    expected.put(
        RawHttp.head("GET /v1/nodes HTTP/1.1", "Host: 127.0.0.1", "X: " + "b".repeat(9000)),
        "headers are larger than 8192 bytes");
    expected.put(RawHttp.head("GET /v1/nodes HTTP/9.9", "Host: 127.0.0.1"), "send HTTP/1.1");
    expected.put(
        RawHttp.head("POST /v1/nodes HTTP/1.1", "Host: 127.0.0.1", "Transfer-Encoding: gzip"),
        "Transfer-Encoding");
    for (var e : expected.entrySet()) {
      Reply r = send(server, e.getKey());
      assertThat(r.status()).as(e.getValue()).isBetween(400, 499);
      assertThat(r.fault()).contains(e.getValue());
    }
  }

  private static byte[] get(String target) {
    return RawHttp.head("GET " + target + " HTTP/1.1", "Host: 127.0.0.1", "Connection: close");
  }

  @Test
  void invalidUtf8AndBadEscapesAre400SayingWhatToSend() throws Exception {
    InetSocketAddress server = serve(null, Duration.ofSeconds(10));
    byte[] badBody = {'{', '"', 'd', 'r', 'i', 'v', 'e', 'r', '"', ':', '"', (byte) 0xC3, '"', '}'};

    Reply body =
        send(
            server,
            RawHttp.concat(
                RawHttp.head(
                    "POST /v1/nodes HTTP/1.1",
                    "Host: 127.0.0.1",
                    "Content-Type: application/json",
                    "Content-Length: " + badBody.length,
                    "Connection: close"),
                badBody));
    assertThat(body.status()).isEqualTo(400);
    assertThat(body.fault()).contains("not valid UTF-8").contains("send");

    Reply query = send(server, get("/v1/nodes?limit=%zz"));
    assertThat(query.status()).isEqualTo(400);
    assertThat(query.fault()).contains("query").contains("percent");

    Reply utf8Query = send(server, get("/v1/nodes?driver=%C0%AF"));
    assertThat(utf8Query.status()).isEqualTo(400);
    assertThat(utf8Query.fault()).contains("UTF-8");
    assertThat(c.store.countNodes()).isZero();
  }
}
