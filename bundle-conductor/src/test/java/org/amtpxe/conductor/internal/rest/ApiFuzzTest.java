package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.conductor.internal.auth.Authenticator;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.RawHttp;
import org.amtpxe.conductor.internal.testing.RawHttp.Reply;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded junk against the API, with nodes and ports that exist: bodies (invalid UTF-8, truncated,
 * deeply nested, huge numbers, junk JSON PATCH), paths (escapes, dot segments, overlong, unicode),
 * queries and headers (versions, lengths, transfer codings, credentials, media types), mostly over
 * raw sockets, some through java.net.http. Every request must be answered within a few seconds,
 * below 500, and every 4xx with Ironic's error body; afterwards every node and port must be exactly
 * as before. Replay a failure with {@code -Damtpxe.fuzz.seed=<seed>} (and {@code
 * -Damtpxe.fuzz.count=<n>}).
 */
class ApiFuzzTest {
  private static final long SEED = Long.getLong("amtpxe.fuzz.seed", 0x5EC0A71L);
  private static final int COUNT = Integer.getInteger("amtpxe.fuzz.count", 3000);
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);
  private static final String USER = "op";
  private static final String PASSWORD = "fuzz-pw";
  private static final Authenticator AUTH =
      (user, password) ->
          user.equals(USER) && new String(password).equals(PASSWORD)
              ? java.util.Optional.of(
                  new org.amtpxe.conductor.internal.auth.Caller(
                      USER, java.util.Set.of(org.amtpxe.conductor.internal.auth.Role.ADMIN)))
              : java.util.Optional.empty();
  private static final String BASIC =
      "Basic "
          + Base64.getEncoder()
              .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

  /** One generated request: raw bytes, or a java.net.http request. */
  private record Case(
      int index,
      String kind,
      boolean secured,
      byte[] raw,
      boolean halfClose,
      String method,
      String path,
      Map<String, String> headers,
      byte[] body) {
    boolean isHead() {
      return method.equals("HEAD");
    }

    String show() {
      String text =
          raw != null
              ? new String(raw, StandardCharsets.ISO_8859_1)
              : method
                  + " "
                  + path
                  + " "
                  + headers
                  + " "
                  + (body == null ? "" : new String(body, StandardCharsets.ISO_8859_1));
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < text.length() && b.length() < 600; i++) {
        char ch = text.charAt(i);
        if (ch == '\r') {
          b.append("\\r");
        } else if (ch == '\n') {
          b.append("\\n");
        } else if (ch < 0x20 || ch >= 0x7f) {
          b.append(String.format("\\x%02x", (int) ch));
        } else {
          b.append(ch);
        }
      }
      return b + (text.length() > 600 ? "...(" + text.length() + " chars)" : "");
    }
  }

  private TestConductor c;
  private ApiServer secured;
  private ApiServer open;
  private String nodeA;
  private String nodeB;
  private String nodeC;
  private String portA;
  private String portB;

  @BeforeEach
  void start() throws Exception {
    c = new TestConductor(Runnable::run);
    ApiHandler.Options options = new ApiHandler.Options(Duration.ofSeconds(1), false, true);
    secured = new ApiServer("127.0.0.1", 0, 8, new ApiHandler(c.service, AUTH, options));
    open = new ApiServer("127.0.0.1", 0, 8, new ApiHandler(c.service, null, options));
    Http http = new Http("http://127.0.0.1:" + open.port());
    nodeA = created(http.post("/v1/nodes", node("fz-a", "{\"rack\": \"r1\"}")));
    nodeB = created(http.post("/v1/nodes", node("fz-b", "{}")));
    nodeC = created(http.post("/v1/nodes", node("fz-c", "{}")));
    portA = created(http.post("/v1/ports", port("52:54:00:aa:00:01", nodeA)));
    portB = created(http.post("/v1/ports", port("52:54:00:bb:00:01", nodeB)));
    assertThat(http.put("/v1/nodes/" + nodeB + "/maintenance", "{\"reason\": \"fan\"}").status())
        .isEqualTo(202);
    http.patch(
        "/v1/nodes/" + nodeC,
        "[{\"op\": \"add\", \"path\": \"/instance_info/image_source\", \"value\": \"http://i\"}]");
    for (String target : List.of("manage", "provide", "active")) {
      assertThat(
              http.put(
                      "/v1/nodes/" + nodeC + "/states/provision",
                      "{\"target\": \"" + target + "\"}")
                  .status())
          .isEqualTo(202);
    }
    assertThat(c.reload(c.store.findNode(nodeC).orElseThrow()).provisionState().value())
        .isEqualTo("wait call-back");
  }

  private static String node(String name, String extra) {
    return "{\"driver\": \"fake\", \"name\": \""
        + name
        + "\", \"driver_info\": {\"fake_address\": \"10.0.0.7\", \"fake_password\": \"pw\"},"
        + " \"extra\": "
        + extra
        + ", \"properties\": {\"cpus\": 2}}";
  }

  private static String port(String mac, String node) {
    return "{\"address\": \"" + mac + "\", \"node_uuid\": \"" + node + "\"}";
  }

  private static String created(Http.Resp r) {
    assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
    return r.json().get("uuid").asText();
  }

  @AfterEach
  void stop() throws Exception {
    secured.close();
    open.close();
    c.close();
  }

  @Test
  void thousandsOfMalformedRequestsAreAnsweredWithIronicErrorsAndChangeNothing() throws Exception {
    List<Node> nodesBefore = c.service.nodes().nodes(NodeQuery.all());
    List<Port> portsBefore = c.service.ports().ports(null, null);
    Random random = new Random(SEED);
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      cases.add(generate(random, i));
    }
    System.out.printf("API fuzz: seed %d, %d requests%n", SEED, COUNT);

    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    Map<String, AtomicInteger> statuses = new TreeMap<>();
    Map<String, Integer> kinds = new TreeMap<>();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ANSWER_WITHIN)
            .build();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (Case k : cases) {
      pool.execute(
          () -> {
            String problem;
            try {
              problem = check(k, client, statuses);
            } catch (Exception | AssertionError e) {
              problem = e.toString();
            }
            if (problem != null) {
              String kind =
                  problem.startsWith("answered 5")
                      ? "5xx"
                      : problem.startsWith("no answer")
                          ? "no answer"
                          : problem.startsWith("a write")
                              ? "write accepted"
                              : problem.contains(" as ") || problem.contains("without Ironic")
                                  ? "not Ironic's JSON"
                                  : "other";
              synchronized (kinds) {
                kinds.merge(kind, 1, Integer::sum);
              }
              failures.add(
                  "seed "
                      + SEED
                      + " case #"
                      + k.index()
                      + " ("
                      + k.kind()
                      + (k.secured() ? ", with authentication" : ", without authentication")
                      + "): "
                      + problem
                      + "\n    request: "
                      + k.show());
            }
          });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
    System.out.printf(
        "API fuzz: seed %d, %d requests in %d ms, statuses %s%n",
        SEED, COUNT, (System.nanoTime() - start) / 1_000_000, statuses);
    System.out.printf("API fuzz: seed %d, failed requests by kind %s%n", SEED, kinds);

    assertThat(failures)
        .as(
            "seed %d: %d of %d requests failed (replay with -Damtpxe.fuzz.seed=%d):%n%s",
            SEED,
            failures.size(),
            COUNT,
            SEED,
            String.join("\n", failures.stream().limit(25).toList()))
        .isEmpty();
    assertThat(c.service.nodes().nodes(NodeQuery.all()))
        .as("seed %d: the nodes after the fuzz", SEED)
        .usingRecursiveComparison()
        .isEqualTo(nodesBefore);
    assertThat(c.service.ports().ports(null, null))
        .as("seed %d: the ports after the fuzz", SEED)
        .usingRecursiveComparison()
        .isEqualTo(portsBefore);
  }

  /** Sends one case; null when the answer is as required, else what is wrong. */
  private String check(Case k, HttpClient client, Map<String, AtomicInteger> statuses)
      throws Exception {
    int port = k.secured() ? secured.port() : open.port();
    int status;
    String contentType;
    String body;
    if (k.raw() != null) {
      Reply r;
      try {
        r =
            RawHttp.exchange(
                new InetSocketAddress("127.0.0.1", port), k.raw(), k.halfClose(), ANSWER_WITHIN);
      } catch (java.net.SocketTimeoutException e) {
        return "no answer within " + ANSWER_WITHIN.toSeconds() + " s";
      } catch (IOException e) {
        return "no answer: " + e;
      }
      status = r.status();
      contentType = r.header("Content-Type");
      body = r.text();
    } else {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + k.path()))
              .timeout(ANSWER_WITHIN)
              .method(
                  k.method(),
                  k.body() == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(k.body()));
      k.headers().forEach(b::header);
      HttpResponse<String> r;
      try {
        r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (java.net.http.HttpTimeoutException e) {
        return "no answer within " + ANSWER_WITHIN.toSeconds() + " s";
      }
      status = r.statusCode();
      contentType = r.headers().firstValue("Content-Type").orElse(null);
      body = r.body();
    }
    synchronized (statuses) {
      statuses.computeIfAbsent(String.valueOf(status), s -> new AtomicInteger()).incrementAndGet();
    }
    if (status >= 500) {
      return "answered " + status + ": " + body;
    }
    if (status < 300 && List.of("POST", "PUT", "PATCH", "DELETE").contains(k.method())) {
      return "a write that must fail was accepted (" + status + "): " + body;
    }
    if (status >= 400 && !k.isHead()) {
      if (contentType == null || !contentType.startsWith("application/json")) {
        return "answered " + status + " as " + contentType + ": " + body;
      }
      try {
        new Reply(status, Map.of(), body.getBytes(StandardCharsets.UTF_8), 0).fault();
      } catch (AssertionError e) {
        return "answered " + status + " without Ironic's error body: " + body;
      }
    }
    return null;
  }

  // ---- the generator ----

  private Case generate(Random r, int index) {
    int pick = r.nextInt(100);
    if (pick < 18) {
      return pathCase(r, index);
    }
    if (pick < 33) {
      return queryCase(r, index);
    }
    if (pick < 63) {
      return bodyCase(r, index);
    }
    if (pick < 85) {
      return headerCase(r, index);
    }
    if (pick < 98) {
      return clientCase(r, index);
    }
    return slowCase(r, index);
  }

  private static <T> T any(Random r, List<T> items) {
    return items.get(r.nextInt(items.size()));
  }

  @SafeVarargs
  private static <T> T any(Random r, T... items) {
    return items[r.nextInt(items.length)];
  }

  private List<String> nodeIdents() {
    return List.of(nodeA, nodeB, nodeC, "fz-a", "fz-b", "fz-c");
  }

  /** Junk in a path segment; the ones marked guaranteed make the path itself invalid. */
  private static final List<String> BAD_SEGMENTS =
      List.of(
          "%2e%2e",
          "%2E",
          "%2f",
          "%2F",
          "%00",
          "%0a",
          "%",
          "%z",
          "%zz",
          "%C0%AF",
          "%FF",
          "%ED%A0%80",
          "%F4%90%80%80",
          "%C3",
          "..",
          ".",
          "%5C",
          "a%2fb",
          "%u0041",
          "%%41");

  private static final List<String> ODD_SEGMENTS =
      List.of(
          "%C3%A9",
          "%E2%80%AE",
          "\u00e9",
          "\u202e",
          "x;y=z",
          "\\",
          "'",
          "%27%20OR%201=1",
          "<script>",
          "%3Cscript%3E",
          "~",
          "%7E",
          "+",
          " ",
          "%20",
          "\t",
          "*",
          "detail",
          "v1",
          "nodes",
          "ports",
          "states",
          "null",
          "undefined",
          "-1",
          "0",
          "9".repeat(40));

  private Case pathCase(Random r, int index) {
    String method = any(r, "GET", "GET", "GET", "GET", "HEAD", "DELETE", "PATCH", "FOO", "TRACE");
    boolean destructive = method.equals("DELETE") || method.equals("PATCH");
    StringBuilder path =
        new StringBuilder(
            any(
                r,
                "/v1/nodes/",
                "/v1/ports/",
                "/v1/drivers/",
                "/v1/",
                "/",
                "/v1/nodes/" + any(r, nodeIdents()) + "/",
                "/v1/ports/" + portA + "/"));
    int pieces = 1 + r.nextInt(3);
    for (int i = 0; i < pieces; i++) {
      if (i > 0) {
        path.append('/');
      }
      int kind = r.nextInt(10);
      if (kind < 4 || destructive && i == 0) {
        path.append(any(r, BAD_SEGMENTS));
      } else if (kind < 8) {
        path.append(any(r, ODD_SEGMENTS));
      } else if (kind < 9) {
        path.append("a".repeat(r.nextInt(12_000)));
      } else {
        path.append(randomText(r, 1 + r.nextInt(20)));
      }
    }
    if (destructive && BAD_SEGMENTS.stream().noneMatch(s -> path.indexOf(s) >= 0)) {
      path.append("%zz");
    }
    boolean secure = r.nextBoolean();
    List<String> lines = new ArrayList<>();
    lines.add(method + " " + path + " HTTP/1.1");
    lines.add("Host: 127.0.0.1");
    lines.add("X-OpenStack-Ironic-API-Version: " + any(r, "1.1", "1.31", "latest", "1.5"));
    if (secure) {
      lines.add("Authorization: " + BASIC);
    }
    if (method.equals("PATCH")) {
      String patch = "[{\"op\": \"add\", \"path\": \"/extra/fuzz\", \"value\": 1}]";
      lines.add("Content-Type: application/json");
      lines.add("Content-Length: " + patch.length());
      lines.add("Connection: close");
      return raw(index, "path", secure, lines, patch.getBytes(StandardCharsets.UTF_8), method);
    }
    lines.add("Connection: close");
    return raw(index, "path", secure, lines, new byte[0], method);
  }

  private static final List<String> QUERY_NAMES =
      List.of(
          "limit",
          "marker",
          "sort_key",
          "sort_dir",
          "fields",
          "driver",
          "provision_state",
          "maintenance",
          "associated",
          "instance_uuid",
          "detail",
          "node",
          "node_uuid",
          "address",
          "type",
          "resource_class",
          "",
          "%zz",
          "a%",
          "%00",
          "lim%69t",
          "limit[]",
          "%C0%AF");

  private Case queryCase(Random r, int index) {
    String path =
        any(
            r,
            "/v1/nodes",
            "/v1/nodes/detail",
            "/v1/ports",
            "/v1/ports/detail",
            "/v1/drivers",
            "/v1/drivers/fake",
            "/v1/nodes/" + nodeA,
            "/v1/nodes/" + nodeA + "/ports",
            "/v1/nodes/fz-b/ports/detail",
            "/v1/ports/" + portB,
            "/v1");
    StringBuilder q = new StringBuilder();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        q.append(any(r, "&", "&", "&&", ";"));
      }
      q.append(any(r, QUERY_NAMES));
      if (r.nextInt(8) > 0) {
        q.append('=');
        q.append(queryValue(r));
      }
    }
    if (r.nextInt(6) == 0) {
      q.append("&limit=1&limit=").append(queryValue(r)); // repeated
    }
    boolean secure = r.nextBoolean();
    List<String> lines = new ArrayList<>();
    lines.add("GET " + path + "?" + q + " HTTP/1.1");
    lines.add("Host: 127.0.0.1");
    lines.add("X-OpenStack-Ironic-API-Version: " + any(r, "1.1", "1.31", "latest", "1.9"));
    if (secure) {
      lines.add("Authorization: " + BASIC);
    }
    lines.add("Connection: close");
    return raw(index, "query", secure, lines, new byte[0], "GET");
  }

  private String queryValue(Random r) {
    return any(
        r,
        "99999999999999999999",
        "-1",
        "0",
        "1e3",
        "0x10",
        "%205",
        "%zz",
        "%C0%AF",
        "%00",
        "+",
        "%2B",
        "%C3%A9",
        "a".repeat(2000),
        nodeA,
        "00000000-0000-0000-0000-000000000000",
        portA,
        "driver_info",
        "password",
        "%27;%20DROP%20TABLE%20nodes;--",
        "uuid%20desc",
        "desc",
        "asc",
        "uuid,name",
        "uuid,,",
        "bogus",
        "true",
        "maybe",
        "%E2%80%AE",
        "%",
        "%F0%9F%98%80",
        randomText(r, 8));
  }

  /** A write route with what it needs to refuse anything the body generator makes. */
  private record Route(String method, String path, String kind) {}

  private List<Route> writeRoutes() {
    String a = nodeA;
    return List.of(
        new Route("POST", "/v1/nodes", "create-node"),
        new Route("PATCH", "/v1/nodes/" + a, "patch"),
        new Route("PATCH", "/v1/nodes/fz-b", "patch"),
        new Route("PUT", "/v1/nodes/" + a + "/states/power", "target"),
        new Route("PUT", "/v1/nodes/fz-b/states/provision", "target"),
        new Route("PUT", "/v1/nodes/" + a + "/management/boot_device", "boot"),
        new Route("PUT", "/v1/nodes/" + a + "/maintenance", "broken-only"),
        new Route("PUT", "/v1/nodes/fz-b/maintenance", "broken-only"),
        new Route("POST", "/v1/nodes/" + nodeC + "/vendor_passthru/" + FakeDriver.CALLBACK, "key"),
        new Route("POST", "/v1/nodes/fz-c/vendor_passthru?method=" + FakeDriver.CALLBACK, "key"),
        new Route("POST", "/v1/ports", "create-port"),
        new Route("PATCH", "/v1/ports/" + portA, "patch"));
  }

  private Case bodyCase(Random r, int index) {
    Route route = any(r, writeRoutes());
    byte[] body = junkBody(r, route);
    boolean secure = r.nextBoolean();
    boolean callback = route.kind().equals("key");
    List<String> lines = new ArrayList<>();
    lines.add(route.method() + " " + route.path() + " HTTP/1.1");
    lines.add("Host: 127.0.0.1");
    lines.add("X-OpenStack-Ironic-API-Version: " + any(r, "1.1", "1.31", "latest", "1.10"));
    if (secure && !(callback && r.nextBoolean())) {
      lines.add("Authorization: " + BASIC);
    }
    lines.add(
        "Content-Type: "
            + (route.method().equals("PATCH") && r.nextBoolean()
                ? "application/json-patch+json"
                : any(r, "application/json", "application/json; charset=UTF-8")));
    lines.add("Connection: close");
    if (r.nextInt(8) == 0) {
      lines.add("Transfer-Encoding: chunked");
      return raw(index, "body/chunked", secure, lines, chunked(r, body), route.method());
    }
    lines.add("Content-Length: " + body.length);
    return raw(index, "body", secure, lines, body, route.method());
  }

  /** A body the route must refuse: broken, or valid JSON with something that cannot apply. */
  private byte[] junkBody(Random r, Route route) {
    String valid = validBody(r, route);
    // NOTE: a maintenance PUT takes an empty body or {} (maintenance without a reason): its junk
    // must be broken for certain, so random bytes start with a byte no JSON starts with.
    boolean brokenOnly = route.kind().equals("broken-only");
    int kind = r.nextInt(brokenOnly ? 6 : 10);
    return switch (kind) {
      case 0 -> invalidUtf8(r, valid);
      case 1 -> utf8(valid.substring(0, 1 + r.nextInt(Math.max(1, valid.length() - 1))));
      case 2 -> utf8(nested(r));
      case 3 -> {
        byte[] b = randomBytes(r, 1 + r.nextInt(200));
        if (brokenOnly) {
          b[0] = '#';
        }
        yield b;
      }
      case 4 ->
          utf8(
              brokenOnly
                  ? any(r, "null", "[]", "5", "\"x\"", "{", "}", "{\"a\":}", "{'a': 1}", "[1,]")
                  : any(
                      r,
                      "",
                      "null",
                      "[]",
                      "5",
                      "\"x\"",
                      "{",
                      "}",
                      "{}}",
                      "{\"a\":}",
                      "{'a': 1}",
                      "\ufeff{}",
                      "{\"a\": 1} trailing",
                      "[1,]",
                      "NaN",
                      "{\"a\": NaN}"));
      case 5 -> utf8("{\"a\": \"" + "x".repeat(20_000 + r.nextInt(2_000_000)) + "\"}");
      case 6 -> utf8(hugeNumbers(r, route));
      case 7 -> utf8(junkJson(r, route));
      case 8 -> utf8(withNul(route));
      default -> utf8(duplicateKeys(route));
    };
  }

  private String validBody(Random r, Route route) {
    return switch (route.kind()) {
      case "create-node" -> "{\"driver\": \"fake\", \"name\": \"new-" + r.nextInt(1000) + "\"}";
      case "patch" -> "[{\"op\": \"add\", \"path\": \"/extra/fuzz\", \"value\": 1}]";
      case "target" -> "{\"target\": \"power off\"}";
      case "boot" -> "{\"boot_device\": \"disk\", \"persistent\": false}";
      case "broken-only" -> "{\"reason\": \"fuzz\"}";
      case "key" -> "{\"key\": \"guess\", \"address\": \"10.9.9.9\"}";
      default -> "{\"address\": \"52:54:00:cc:00:01\", \"node_uuid\": \"" + nodeA + "\"}";
    };
  }

  /** Valid JSON of the route's shape with huge or extreme numbers, and a value that fails. */
  private static String hugeNumbers(Random r, Route route) {
    String big = any(r, "1e999999", "-1e999999", "1" + "0".repeat(5000), "1E400", "4.9e-999");
    return switch (route.kind()) {
      case "create-node" -> "{\"driver\": " + big + ", \"properties\": {\"cpus\": " + big + "}}";
      case "patch" ->
          "[{\"op\": \"add\", \"path\": \"/extra/n\", \"value\": "
              + big
              + "}, "
              + failingOp(r)
              + "]";
      case "target" -> "{\"target\": " + big + "}";
      case "boot" -> "{\"boot_device\": " + big + "}";
      case "key" -> "{\"key\": " + big + "}";
      default -> "{\"address\": " + big + ", \"node_uuid\": " + big + "}";
    };
  }

  /** An operation that always fails, so that a patch in front of it changes nothing. */
  private static String failingOp(Random r) {
    return any(
        r,
        "{\"op\": \"remove\", \"path\": \"/extra/absent-" + r.nextInt(1000) + "\"}",
        "{\"op\": \"replace\", \"path\": \"/provision_state\", \"value\": \"active\"}",
        "{\"op\": \"frobnicate\", \"path\": \"/extra/x\"}",
        "{\"op\": \"test\", \"path\": \"/extra/absent\", \"value\": 1}");
  }

  private static String junkJson(Random r, Route route) {
    if (route.kind().equals("patch")) {
      StringBuilder b = new StringBuilder("[");
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        b.append('{');
        b.append("\"op\": ")
            .append(
                any(
                    r,
                    "\"add\"",
                    "\"replace\"",
                    "\"remove\"",
                    "\"test\"",
                    "\"move\"",
                    "\"copy\"",
                    "\"\"",
                    "\"ADD\"",
                    "5",
                    "null",
                    "[]"));
        b.append(", \"path\": ")
            .append(
                any(
                    r,
                    "\"/extra/x\"",
                    "\"/driver_info/fake_password\"",
                    "\"/provision_state\"",
                    "\"/\"",
                    "\"\"",
                    "\"extra\"",
                    "\"/extra/~2\"",
                    "\"/extra/~\"",
                    "\"/extra/a/b/c\"",
                    "\"/extra/rack/0\"",
                    "\"/properties/cpus/x\"",
                    "\"/name\"",
                    "\"/driver\"",
                    "\"/maintenance\"",
                    "\"/uuid\"",
                    "\"/../x\"",
                    "\"/extra/\\u0000\"",
                    "\"/extra/-\"",
                    "\"/address\"",
                    "\"/node_uuid\"",
                    "5",
                    "null"));
        if (r.nextBoolean()) {
          b.append(", \"value\": ")
              .append(
                  any(
                      r,
                      "null",
                      "1",
                      "\"s\"",
                      "[]",
                      "{}",
                      "{\"a\": [1, {\"b\": null}]}",
                      "true",
                      "-0.0",
                      "\"\\ud800\""));
        }
        if (r.nextInt(4) == 0) {
          b.append(", \"from\": \"/extra/rack\"");
        }
        b.append("}, ");
      }
      b.append(failingOp(r)).append(']');
      return b.toString();
    }
    String junkValue =
        any(
            r,
            "null",
            "[]",
            "{}",
            "\"\"",
            "\"power on\\u0000\"",
            "\"sideways\"",
            "\"ACTIVE\"",
            "true",
            "{\"$ne\": 1}",
            "\"" + "y".repeat(300) + "\"",
            "\"\\ud800\"");
    return switch (route.kind()) {
      case "create-node" ->
          "{\"driver\": \"fake\", \"colour\": " + junkValue + ", \"name\": " + junkValue + "}";
      case "target" -> "{\"target\": " + junkValue + ", \"extra\": 1}";
      case "boot" -> "{\"boot_device\": " + junkValue + ", \"persistent\": \"maybe\"}";
      case "key" -> "{\"key\": " + junkValue + ", \"address\": " + junkValue + "}";
      default -> "{\"address\": " + junkValue + ", \"node_uuid\": \"fz-a\", \"extra\": 1}";
    };
  }

  private String withNul(Route route) {
    return switch (route.kind()) {
      case "create-node" -> "{\"driver\": \"fa\\u0000ke\", \"name\": \"n\\u0000\"}";
      case "patch" ->
          "[{\"op\": \"add\", \"path\": \"/extra/k\\u0000\", \"value\": \"v\\u0000\"},"
              + " {\"op\": \"remove\", \"path\": \"/extra/absent\"}]";
      case "target" -> "{\"target\": \"power on\\u0000\"}";
      case "boot" -> "{\"boot_device\": \"pxe\\u0000\"}";
      case "key" -> "{\"key\": \"\\u0000\"}";
      default -> "{\"address\": \"52:54:00:cc:00:02\\u0000\", \"node_uuid\": \"" + nodeA + "\"}";
    };
  }

  /** Duplicate keys whose last value is invalid (Jackson keeps the last). */
  private String duplicateKeys(Route route) {
    return switch (route.kind()) {
      case "create-node" -> "{\"driver\": \"fake\", \"driver\": \"none\"}";
      case "patch" -> "[{\"op\": \"add\", \"op\": \"nope\", \"path\": \"/extra/d\", \"value\": 1}]";
      case "target" -> "{\"target\": \"power on\", \"target\": \"sideways\"}";
      case "boot" -> "{\"boot_device\": \"pxe\", \"boot_device\": \"floppy\"}";
      case "key" -> "{\"key\": \"a\", \"key\": \"b\"}";
      default -> "{\"address\": \"52:54:00:cc:00:03\", \"address\": \"zz\", \"node_uuid\": \"x\"}";
    };
  }

  private static String nested(Random r) {
    int depth = any(r, 600, 1001, 5000, 100_000);
    String open = r.nextBoolean() ? "[" : "{\"a\":";
    String close = open.equals("[") ? "]" : "}";
    return open.repeat(depth) + (r.nextBoolean() ? close.repeat(depth) : "");
  }

  private static byte[] invalidUtf8(Random r, String valid) {
    byte[] good = utf8(valid);
    byte[] bad =
        any(
            r,
            new byte[] {(byte) 0xC3},
            new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xC0, (byte) 0xAF},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0x80});
    // Inside a string value, where a lenient decoder would keep going.
    int at = Math.max(1, valid.indexOf('"', 1) + 1);
    byte[] out = new byte[good.length + bad.length];
    System.arraycopy(good, 0, out, 0, at);
    System.arraycopy(bad, 0, out, at, bad.length);
    System.arraycopy(good, at, out, at + bad.length, good.length - at);
    return out;
  }

  private static byte[] chunked(Random r, byte[] body) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int at = 0;
    while (at < body.length) {
      int n = Math.min(body.length - at, 1 + r.nextInt(4096));
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, at, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      at += n;
    }
    String end =
        any(
            r,
            "0\r\n\r\n",
            "0\r\n\r\n",
            "0\r\n\r\n",
            "zz\r\n\r\n",
            "0;ext=1\r\nTrailer: x\r\n\r\n",
            "-1\r\n\r\n",
            "fffffffffffffffff\r\n",
            "5\r\nab\r\n0\r\n\r\n");
    out.writeBytes(end.getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  private static final List<String> BAD_VERSIONS =
      List.of(
          "1.",
          ".1",
          "1.79",
          "1.0",
          "2.1",
          "1.1.1",
          "1.99999",
          "99999999999.1",
          "-1.1",
          "1.-1",
          "1.1e1",
          "1,2",
          "1.2, 1.3",
          "latest latest",
          "v1.1",
          "1.\u0663",
          "0x1.0x2",
          "1.31.",
          "\u0031\u002e\u0031\u0031\u0031\u0031\u0031");

  private Case headerCase(Random r, int index) {
    boolean write = r.nextBoolean();
    boolean secure = r.nextBoolean();
    List<String> lines = new ArrayList<>();
    byte[] body = new byte[0];
    String method = "GET";
    if (!write) {
      lines.add(
          "GET " + any(r, "/v1/nodes", "/v1/ports/detail", "/v1/nodes/fz-a", "/v1") + " HTTP/1.1");
      lines.add("Host: 127.0.0.1");
      if (secure) {
        lines.add("Authorization: " + BASIC);
      }
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        lines.addAll(anyHeaderJunk(r));
      }
      lines.add("Connection: close");
      return raw(index, "header/get", secure, lines, body, method);
    }
    // A write with a valid body and one header that must make it fail.
    Route route = any(r, writeRoutes());
    method = route.method();
    body = utf8(validBody(r, route));
    lines.add(method + " " + route.path() + " HTTP/1.1");
    String contentType = "Content-Type: application/json";
    String length = "Content-Length: " + body.length;
    String host = "Host: 127.0.0.1";
    String auth = secure ? "Authorization: " + BASIC : null;
    String version = "X-OpenStack-Ironic-API-Version: latest";
    boolean halfClose = false;
    int mutation = r.nextInt(secure ? 7 : 6);
    switch (mutation) {
      case 0 ->
          contentType =
              "Content-Type: "
                  + any(
                      r,
                      "text/plain",
                      "application/x-www-form-urlencoded",
                      "multipart/form-data; boundary=z",
                      "application/jsonx",
                      "application/json; charset=latin1",
                      "application/json;charset=utf-16",
                      "json",
                      "*/*",
                      "application/octet-stream",
                      "");
      case 1 -> version = "X-OpenStack-Ironic-API-Version: " + any(r, BAD_VERSIONS);
      case 2 -> {
        // Shorter than the body: the prefix of a JSON document is never valid JSON.
        length = "Content-Length: " + r.nextInt(body.length);
        if (length.equals("Content-Length: 0") && method.equals("PUT")) {
          length = "Content-Length: 1";
        }
      }
      case 3 -> {
        // Longer than the body, and the client stops sending: the body ended early.
        length = "Content-Length: " + (body.length + 1 + r.nextInt(100));
        halfClose = true;
      }
      case 4 ->
          length =
              any(
                  r,
                  "Content-Length: " + body.length + "\r\nContent-Length: " + (body.length + 1),
                  "Content-Length: " + body.length + ", " + (body.length + 1),
                  "Content-Length: -" + body.length,
                  "Content-Length: 0x" + Integer.toHexString(body.length),
                  "Content-Length: " + body.length + "\r\nTransfer-Encoding: chunked",
                  "Transfer-Encoding: gzip\r\n" + "Content-Length: " + body.length,
                  "Transfer-Encoding: chunked, chunked",
                  "Transfer-Encoding: xchunked\r\nContent-Length: " + body.length);
      case 5 -> host = secure ? "Host: 127.0.0.1\r\nHost: 127.0.0.2" : "Host: " + anyForeignHost(r);
      default -> auth = "Authorization: " + junkAuthorization(r);
    }
    if (mutation == 2 && method.equals("PUT") && route.kind().equals("broken-only")) {
      // A maintenance PUT whose body got cut to nothing would be a valid "no reason" request.
      length = "Content-Length: " + Math.max(1, r.nextInt(body.length));
    }
    lines.add(host);
    lines.add(version);
    if (auth != null) {
      lines.add(auth);
    }
    lines.add(contentType);
    lines.add(length);
    lines.add("Connection: close");
    Case k = raw(index, "header/write-" + mutation, secure, lines, body, method);
    return halfClose
        ? new Case(index, k.kind(), secure, k.raw(), true, method, route.path(), Map.of(), null)
        : k;
  }

  private static String anyForeignHost(Random r) {
    return any(
        r,
        "evil.example",
        "evil.example:6385",
        "127.0.0.1.nip.io",
        "localhost.evil.example",
        "[::ffff:7f00:1]x",
        "127.0.0.1:6385:80",
        "127.1",
        "2130706433",
        "0x7f000001",
        "[fe80::1]",
        "10.0.0.1",
        "\u00e9xample");
  }

  private static String junkAuthorization(Random r) {
    Base64.Encoder b64 = Base64.getEncoder();
    return any(
        r,
        "Basic !!!",
        "Basic ",
        "Basic",
        "Basic " + b64.encodeToString("no-colon".getBytes(StandardCharsets.UTF_8)),
        "Basic " + b64.encodeToString(new byte[] {(byte) 0xC3, ':', (byte) 0xFF}),
        "Basic " + b64.encodeToString(("op:" + "x".repeat(3000)).getBytes(StandardCharsets.UTF_8)),
        "Basic " + b64.encodeToString("op:wrong".getBytes(StandardCharsets.UTF_8)),
        "Basic " + b64.encodeToString(":".getBytes(StandardCharsets.UTF_8)),
        "Bearer abc",
        "Digest username=op",
        "basic%20b3A6ZnV6ei1wdw==",
        "Basic b3A6ZnV6ei1wdw=",
        "Basic b3A6ZnV6ei1wdw==x",
        "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==");
  }

  /** Header junk for a GET: anything goes, since a GET changes nothing. */
  private static List<String> anyHeaderJunk(Random r) {
    String base64 = Base64.getEncoder().encodeToString("op:fuzz-pw".getBytes());
    return switch (r.nextInt(12)) {
      case 0 ->
          List.of(
              "X-OpenStack-Ironic-API-Version: "
                  + any(r, any(r, BAD_VERSIONS), "latest", "1.1", "1.31", "LATEST", ""));
      case 1 ->
          List.of(
              any(
                  r,
                  "Content-Length: 5\r\nContent-Length: 6",
                  "Content-Length: -1",
                  "Content-Length: abc",
                  "Content-Length:  7",
                  "Content-Length: 99999999999999999999999",
                  "Content-Length: 1, 1"));
      case 2 ->
          List.of(
              any(
                  r,
                  "Transfer-Encoding: gzip",
                  "Transfer-Encoding: chunked\r\nContent-Length: 3",
                  "Transfer-Encoding: identity",
                  "Transfer-Encoding: chunked, gzip"));
      case 3 -> List.of("Authorization: " + junkAuthorization(r));
      case 4 ->
          List.of(
              "Content-Type: "
                  + any(r, "text/plain", "application/json; charset=x", ";;;", "\u00e9"));
      case 5 -> List.of("X-Big: " + "b".repeat(r.nextInt(20_000)));
      case 6 -> {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 300 + r.nextInt(900); i++) {
          many.add("X-H" + i + ": v");
        }
        yield many;
      }
      case 7 ->
          List.of(any(r, "NoColonHere", "Bad Name: x", ": empty", "X-Fold: a\r\n  continued"));
      case 8 -> List.of("X-Nul: a\u0000b", "X-Ctl: \u0001");
      case 9 -> List.of("Host: " + any(r, "", "a@b", "[::1", "127.0.0.1:99999", "evil.example"));
      case 10 -> List.of("X-Utf8: \u00c3\u00a9\u00ff", "Authorization: Basic " + base64);
      default -> List.of("Expect: " + any(r, "100-continue", "200-ok", "junk"));
    };
  }

  /** Valid-but-wrong requests through a real HTTP client (it frames them correctly). */
  private Case clientCase(Random r, int index) {
    boolean secure = r.nextBoolean();
    Map<String, String> headers = new TreeMap<>();
    if (secure) {
      headers.put("Authorization", r.nextInt(4) == 0 ? junkAuthorization(r) : BASIC);
    }
    List<String> asciiVersions =
        BAD_VERSIONS.stream().filter(v -> v.chars().allMatch(ch -> ch < 0x7f)).toList();
    headers.put("X-OpenStack-Ironic-API-Version", any(r, "1.31", "latest", any(r, asciiVersions)));
    Route route = any(r, writeRoutes());
    String method;
    String path;
    byte[] body;
    switch (r.nextInt(4)) {
      case 0 -> {
        // A valid body with a type a browser can send.
        method = route.method();
        path = route.path();
        body = utf8(validBody(r, route));
        headers.put("Content-Type", any(r, "text/plain", "application/x-www-form-urlencoded"));
      }
      case 1 -> {
        // A valid body with the wrong method for the route.
        method = route.method().equals("POST") ? "PUT" : "POST";
        path = route.path();
        body = utf8(validBody(r, route));
        headers.put("Content-Type", "application/json");
        if (path.contains("vendor_passthru")) {
          method = "PUT";
        }
      }
      case 2 -> {
        method = route.method();
        path = route.path();
        body = junkBody(r, route);
        headers.put(
            "Content-Type",
            route.method().equals("PATCH") ? "application/json-patch+json" : "application/json");
      }
      default -> {
        method = any(r, "GET", "DELETE");
        path =
            any(
                r,
                "/v1/nodes?limit=" + queryValue(r),
                "/v1/nodes/fz-zz",
                "/v1/ports/" + queryValue(r).replace("%", "%25"),
                "/v1/nodes/" + nodeA + "/states/raid",
                "/v1/chassis");
        body = method.equals("GET") && r.nextBoolean() ? utf8("{\"junk\": true}") : null;
        if (body != null) {
          headers.put("Content-Type", "application/json");
        }
        if (method.equals("DELETE")) {
          path = any(r, "/v1/nodes/fz-zz", "/v1/ports/00000000-0000-0000-0000-000000000000");
        }
      }
    }
    try {
      URI.create("http://127.0.0.1" + path);
    } catch (IllegalArgumentException e) {
      path = "/v1/nodes/fz-zz"; // the client would refuse it; raw cases send such paths
    }
    if (path.length() > 4000 || !path.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
      path = "/v1/nodes/fz-zz";
    }
    return new Case(index, "client", secure, null, false, method, path, headers, body);
  }

  /** Bodies that do not arrive: the deadline (1 s here) must answer them. */
  private Case slowCase(Random r, int index) {
    boolean secure = r.nextBoolean();
    List<String> lines = new ArrayList<>();
    Route route = any(r, writeRoutes());
    lines.add(route.method() + " " + route.path() + " HTTP/1.1");
    lines.add("Host: 127.0.0.1");
    if (secure) {
      lines.add("Authorization: " + BASIC);
    }
    lines.add("Content-Type: application/json");
    boolean chunked = r.nextBoolean();
    lines.add(chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + (10 + r.nextInt(500)));
    lines.add("Connection: close");
    byte[] partial = utf8(chunked ? "5\r\n{\"a\":" : "{\"a\":");
    return raw(index, "slow", secure, lines, partial, route.method());
  }

  private static Case raw(
      int index, String kind, boolean secure, List<String> lines, byte[] body, String method) {
    byte[] head = utf8(String.join("\r\n", lines) + "\r\n\r\n");
    return new Case(
        index,
        kind,
        secure,
        RawHttp.concat(head, body),
        false,
        method,
        lines.get(0),
        Map.of(),
        null);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static String randomText(Random r, int n) {
    StringBuilder b = new StringBuilder();
    Supplier<Integer> cp =
        () ->
            switch (r.nextInt(4)) {
              case 0 -> 0x21 + r.nextInt(0x5e);
              case 1 -> 0xa0 + r.nextInt(0x500);
              case 2 -> 0x4e00 + r.nextInt(0x100);
              default -> 0x1f600 + r.nextInt(0x40);
            };
    for (int i = 0; i < n; i++) {
      b.appendCodePoint(cp.get());
    }
    return b.toString();
  }
}
