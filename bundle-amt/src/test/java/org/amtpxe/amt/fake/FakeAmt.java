package org.amtpxe.amt.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.amtpxe.amt.internal.wsman.AmtEndpoint;
import org.dom4j.Document;
import org.dom4j.DocumentException;
import org.dom4j.DocumentHelper;

/**
 * An AMT on loopback for tests: a real HTTP(S) server that challenges exactly like firmware (the
 * 401 headers of docs/amt-wsman.md#digest, irregular separators, nonces with + and /), checks the
 * RFC 2617 / 7616 Digest response (MD5, qop=auth, nonce count strictly increasing), and answers
 * from an {@link AmtModel} unless a test installs its own {@link Responder}. Counts every HTTP
 * request.
 */
public final class FakeAmt implements AutoCloseable {
  public static final String REALM = "Digest:34BF4B5A0561F95248F58509A406E046";
  public static final String USER = "admin";
  public static final String PASSWORD = "Sup3r+Secret/pw";

  /** Answers an authenticated request; null falls back to the model. */
  @FunctionalInterface
  public interface Responder {
    Reply reply(Document request, String messageId) throws Exception;
  }

  private static final Pattern PARAM =
      Pattern.compile("([A-Za-z-]+)\\s*=\\s*(?:\"([^\"]*)\"|([^,\\s]*))");
  private static final SecureRandom RANDOM = new SecureRandom();

  static {
    // NOTE: the JDK server writes headers and body separately; without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed ACK add about 40 ms to every reply.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  public final AmtModel model = new AmtModel();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);

  private volatile String password = PASSWORD;
  private volatile String qopOffer = "auth";
  private volatile boolean irregularSeparators = true;
  private volatile int nonceUses = Integer.MAX_VALUE;
  private volatile Responder responder;
  private volatile Duration replyDelay = Duration.ZERO;
  private volatile boolean chunked = true;
  private volatile int slowPieces = 0;
  private volatile Duration slowPause = Duration.ZERO;

  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger challenges = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder serverNanos =
      new java.util.concurrent.atomic.LongAdder();
  private final Map<String, long[]> nonces = new ConcurrentHashMap<>();
  private final List<String> authorizations = new ArrayList<>();
  private final List<Document> received = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  private FakeAmt(HttpServer server) {
    this.server = server;
    server.createContext("/wsman", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** An http AMT on 127.0.0.1 and a free port. */
  public static FakeAmt start() throws IOException {
    return new FakeAmt(
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16));
  }

  /** An https AMT with the given server TLS context. */
  public static FakeAmt startTls(SSLContext context) throws IOException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new FakeAmt(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** An endpoint with the right credentials. */
  public AmtEndpoint endpoint() {
    return new AmtEndpoint(
        "Node fake",
        "127.0.0.1",
        port(),
        server instanceof HttpsServer,
        USER,
        PASSWORD,
        null,
        true);
  }

  /** The driver_info a node needs to reach this AMT. */
  public Map<String, Object> driverInfo() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("amt_address", "127.0.0.1");
    info.put("amt_username", USER);
    info.put("amt_password", PASSWORD);
    info.put("amt_port", port());
    info.put("amt_protocol", server instanceof HttpsServer ? "https" : "http");
    return info;
  }

  public FakeAmt password(String value) {
    password = value;
    return this;
  }

  /** The qop list offered in challenges, for example {@code auth-int, auth}. */
  public FakeAmt qop(String value) {
    qopOffer = value;
    return this;
  }

  public FakeAmt irregularSeparators(boolean value) {
    irregularSeparators = value;
    return this;
  }

  /** After this many uses a nonce is answered with {@code stale="true"} and a new nonce. */
  public FakeAmt nonceUses(int value) {
    nonceUses = value;
    return this;
  }

  public FakeAmt responder(Responder value) {
    responder = value;
    return this;
  }

  public FakeAmt replyDelay(Duration value) {
    replyDelay = value;
    return this;
  }

  public FakeAmt chunked(boolean value) {
    chunked = value;
    return this;
  }

  /** Writes replies in {@code pieces} parts with a pause between them. */
  public FakeAmt slow(int pieces, Duration pause) {
    slowPieces = pieces;
    slowPause = pause;
    return this;
  }

  /** HTTP requests received so far (challenged or not). */
  public int requests() {
    return requests.get();
  }

  /** 401 challenges sent so far. */
  public int challenges() {
    return challenges.get();
  }

  /** The most requests ever handled at the same time. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  /** Authorization headers received, in order. */
  public synchronized List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** The authenticated requests, parsed, in order. */
  public synchronized List<Document> received() {
    return List.copyOf(received);
  }

  /** Protocol violations seen (bad digest, replayed nonce count, wrong qop...). */
  public synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  /** Time spent handling requests (reading, checking, answering), in nanoseconds. */
  public long serverNanos() {
    return serverNanos.sum();
  }

  public synchronized void resetCounters() {
    serverNanos.reset();
    requests.set(0);
    challenges.set(0);
    authorizations.clear();
    received.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    long start = System.nanoTime();
    requests.incrementAndGet();
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    // NOTE: a request stops counting as in flight just before the last byte of its reply goes
    // out; only then can a client that waits for the whole reply send the next one.
    Runnable done =
        new Runnable() {
          private boolean ran;

          @Override
          public synchronized void run() {
            if (!ran) {
              ran = true;
              inFlight.decrementAndGet();
            }
          }
        };
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      synchronized (this) {
        if (authorization != null) {
          authorizations.add(authorization);
        }
      }
      String verdict =
          verify(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), authorization);
      if (verdict != null) {
        done.run();
        challenge(exchange, verdict.equals("stale"));
        return;
      }
      if (!replyDelay.isZero()) {
        sleep(replyDelay);
      }
      Document request;
      try {
        request = DocumentHelper.parseText(new String(body, StandardCharsets.UTF_8));
      } catch (DocumentException e) {
        problem("unparseable request: " + e.getMessage());
        done.run();
        send(exchange, Reply.raw(400, "text/plain", "bad request"), done);
        return;
      }
      synchronized (this) {
        received.add(request);
      }
      String messageId =
          request.getRootElement().element("Header").element("MessageID").getTextTrim();
      Reply reply = null;
      Responder custom = responder;
      if (custom != null) {
        try {
          reply = custom.reply(request, messageId);
        } catch (Exception e) {
          throw new IOException(e);
        }
      }
      if (reply == null) {
        reply = model.handle(request);
      }
      send(exchange, reply, done);
    } finally {
      done.run();
      serverNanos.add(System.nanoTime() - start);
    }
  }

  /** Null when the request is authorized, "stale" for an expired nonce, else why it is not. */
  private String verify(String method, String uri, String header) {
    if (header == null) {
      return "no authorization";
    }
    if (!header.startsWith("Digest ")) {
      return problem("not digest: " + header);
    }
    Map<String, String> p = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(header.substring(7));
    while (m.find()) {
      p.put(m.group(1).toLowerCase(), m.group(2) != null ? m.group(2) : m.group(3));
    }
    String nonce = p.get("nonce");
    long[] state = nonce == null ? null : nonces.get(nonce);
    if (state == null) {
      return problem("unknown nonce " + nonce);
    }
    if (!"auth".equals(p.get("qop"))) {
      return problem("qop " + p.get("qop") + " instead of auth");
    }
    if (!REALM.equals(p.get("realm")) || !uri.equals(p.get("uri"))) {
      return problem("realm or uri mismatch: " + p);
    }
    long nc = Long.parseLong(p.get("nc"), 16);
    synchronized (state) {
      if (nc <= state[0]) {
        return problem("nonce count " + nc + " replayed (last " + state[0] + ")");
      }
      state[0] = nc;
      state[1]++;
      if (state[1] > nonceUses) {
        nonces.remove(nonce);
        return "stale";
      }
    }
    String ha1 = md5(p.get("username") + ":" + REALM + ":" + password);
    String ha2 = md5(method + ":" + uri);
    String expected =
        md5(ha1 + ":" + nonce + ":" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
    if (!USER.equals(p.get("username")) || !expected.equals(p.get("response"))) {
      return "wrong credentials";
    }
    return null;
  }

  private synchronized String problem(String text) {
    problems.add(text);
    return text;
  }

  private void challenge(HttpExchange exchange, boolean stale) throws IOException {
    challenges.incrementAndGet();
    byte[] random = new byte[18];
    RANDOM.nextBytes(random);
    // NOTE: firmware nonces are base64 and carry + and /; make sure both appear.
    String nonce = "a+/" + Base64.getEncoder().encodeToString(random);
    nonces.put(nonce, new long[] {0, 0});
    String sep = irregularSeparators ? "," : ", ";
    String value =
        "Digest realm=\""
            + REALM
            + "\", nonce=\""
            + nonce
            + "\""
            + sep
            + "stale=\""
            + stale
            + "\""
            + sep
            + "qop=\""
            + qopOffer
            + "\"";
    exchange.getResponseHeaders().add("WWW-Authenticate", value);
    exchange.getResponseHeaders().add("Connection", "close");
    byte[] html =
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\"><html><head><title>401 Unauthorized</title></head><body>Unauthorized</body></html>"
            .getBytes(StandardCharsets.US_ASCII);
    exchange.getResponseHeaders().add("Content-Type", "text/html");
    exchange.sendResponseHeaders(401, html.length);
    exchange.getResponseBody().write(html);
  }

  private void send(HttpExchange exchange, Reply reply, Runnable beforeLastPiece)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", reply.contentType());
    exchange
        .getResponseHeaders()
        .add("Server", "Intel(R) Active Management Technology 11.8.55.3510");
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    byte[] body = reply.body();
    exchange.sendResponseHeaders(reply.status(), chunked ? 0 : body.length);
    OutputStream out = exchange.getResponseBody();
    int pieces = Math.max(1, slowPieces);
    int step = Math.max(1, (body.length + pieces - 1) / pieces);
    if (body.length == 0) {
      beforeLastPiece.run();
    }
    for (int offset = 0; offset < body.length; offset += step) {
      if (offset + step >= body.length) {
        beforeLastPiece.run();
      }
      out.write(body, offset, Math.min(step, body.length - offset));
      out.flush();
      if (slowPieces > 0 && offset + step < body.length) {
        sleep(slowPause);
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String md5(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a test resource as bytes. */
  public static byte[] resource(String path) throws IOException {
    try (InputStream in = FakeAmt.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("no test resource " + path);
      }
      return in.readAllBytes();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
