package org.amtpxe.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.amtpxe.itests.support.FreePorts;
import org.amtpxe.itests.support.KarafProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our distribution configured as on a real provisioning network: HTTPS with the certificate the
 * conductor generates on its first start, API users checked through Karaf's own JAAS realm {@code
 * karaf} (etc/users.properties) with their roles, the audit file, owner-only secrets, and the Karaf
 * process's memory while a client streams a 300 MB chunked body at it.
 */
class SecurityIT {
  private static final Duration START = Duration.ofSeconds(120);
  private static final String KEYSTORE_PASSWORD = "it-keystore-pw";

  private static KarafProcess karaf;
  private static int apiPort;
  private static SSLContext trust;
  private static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    Path itDir = Path.of(System.getProperty("amtpxe.itest.dir", "target/it"));
    karaf = KarafProcess.unpack(itDir.resolve("distribution.tar.gz"), itDir.resolve("security"));
    apiPort = FreePorts.tcp();
    karaf
        .etc("org.amtpxe.conductor")
        .set(
            Map.of(
                "api_host", "127.0.0.1",
                "api_port", String.valueOf(apiPort),
                "auth_realm", "karaf",
                "api_tls_keystore", "amtpxe-api.p12",
                "api_tls_keystore_password", KEYSTORE_PASSWORD,
                "api_tls_generate", "true",
                "sync_interval", "0"));
    karaf
        .etc("org.amtpxe.pxe")
        .set(
            Map.of(
                "tftp_address",
                "127.0.0.1",
                "tftp_port",
                String.valueOf(FreePorts.udp()),
                "http_address",
                "127.0.0.1",
                "http_port",
                String.valueOf(FreePorts.tcp())));
    karaf.etc("org.apache.karaf.shell").set(Map.of("sshPort", String.valueOf(FreePorts.tcp())));
    karaf
        .etc("org.apache.karaf.management")
        .set(
            Map.of(
                "rmiRegistryPort", String.valueOf(FreePorts.tcp()),
                "rmiServerPort", String.valueOf(FreePorts.tcp())));
    // Karaf's realm: users and their roles after the password (the karaf user is in admingroup,
    // whose roles include admin).
    Path users = karaf.home().resolve("etc/users.properties");
    Files.writeString(
        users,
        Files.readString(users) + "\nrita = rita-pw, reader\nmax = max-pw, member\n",
        StandardCharsets.UTF_8);
    karaf.start();
    Path keystore = karaf.home().resolve("etc/amtpxe-api.p12");
    long deadline = System.nanoTime() + START.toNanos();
    while (!Files.isRegularFile(keystore) && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    assertThat(keystore).as(karaf.logTail(40)).isRegularFile();
    trust = trusting(keystore);
    client =
        HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
    while (System.nanoTime() < deadline) {
      try {
        if (get("/v1", null).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not up yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("The API did not come up over HTTPS; " + karaf.logTail(40));
  }

  @AfterAll
  static void stop() {
    if (karaf != null) {
      karaf.close();
    }
  }

  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, KEYSTORE_PASSWORD.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    for (String alias : Collections.list(ks.aliases())) {
      trusted.setCertificateEntry(alias, (X509Certificate) ks.getCertificate(alias));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trusted);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static HttpRequest.Builder request(String path, String credentials) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + apiPort + path))
            .timeout(Duration.ofSeconds(60))
            .header("X-OpenStack-Ironic-API-Version", "1.31");
    if (credentials != null) {
      b.header("Authorization", credentials);
    }
    return b;
  }

  private static HttpResponse<String> get(String path, String credentials) throws Exception {
    return client.send(request(path, credentials).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(
      String method, String path, String credentials, String json) throws Exception {
    return client.send(
        request(path, credentials)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void usersOfKarafsRealmGetTheirRolesAndEveryWriteIsAudited() throws Exception {
    String admin = basic("karaf", "karaf");
    String reader = basic("rita", "rita-pw");
    String member = basic("max", "max-pw");

    assertThat(get("/v1/nodes", null).statusCode()).isEqualTo(401);
    HttpResponse<String> created =
        send(
            "POST",
            "/v1/nodes",
            admin,
            "{\"driver\": \"pxe_amt\", \"name\": \"sec-1\", \"driver_info\": {\"amt_address\":"
                + " \"127.0.0.9\", \"amt_password\": \"amt-secret-pw\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(get("/v1/nodes/sec-1", reader).statusCode()).isEqualTo(200);

    HttpResponse<String> refused =
        send("PUT", "/v1/nodes/sec-1/maintenance", reader, "{\"reason\": \"r\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body())
        .contains("baremetal:node:set_maintenance is disallowed by policy")
        .contains("error_message");
    HttpResponse<String> memberCreate =
        send("POST", "/v1/nodes", member, "{\"driver\": \"pxe_amt\", \"name\": \"sec-2\"}");
    assertThat(memberCreate.statusCode()).isEqualTo(403);
    assertThat(
            send("PUT", "/v1/nodes/sec-1/maintenance", member, "{\"reason\": \"m\"}").statusCode())
        .isEqualTo(202);
    assertThat(send("PUT", "/v1/nodes/sec-1/maintenance", basic("max", "wrong"), "{}").statusCode())
        .isEqualTo(401);

    Path audit = karaf.home().resolve("data/log/amtpxe-audit.log");
    String log = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && !log.contains("user=max")) {
      log = Files.exists(audit) ? Files.readString(audit) : "";
      Thread.sleep(200);
    }
    assertThat(log)
        .contains("user=karaf address=127.0.0.1 method=POST path=/v1/nodes node=- status=201")
        .contains(
            "user=rita address=127.0.0.1 method=PUT path=/v1/nodes/sec-1/maintenance"
                + " node=sec-1 status=403 outcome=denied")
        .contains(
            "user=max address=127.0.0.1 method=PUT path=/v1/nodes/sec-1/maintenance"
                + " node=sec-1 status=202 outcome=ok")
        .contains(
            "user=- address=127.0.0.1 method=PUT path=/v1/nodes/sec-1/maintenance"
                + " node=sec-1 status=401 outcome=denied")
        .doesNotContain("method=GET")
        .doesNotContain("amt-secret-pw")
        .doesNotContain("max-pw");
    assertThat(Files.readString(karaf.home().resolve("data/log/karaf.log")))
        .doesNotContain("amt-secret-pw")
        .doesNotContain("rita-pw")
        .doesNotContain("max-pw")
        .doesNotContain(KEYSTORE_PASSWORD);
  }

  @Test
  void secretsAreReadableByTheServiceUserOnly() throws Exception {
    assertThat(perms(karaf.home().resolve("etc/amtpxe-api.p12"))).isEqualTo("rw-------");
    Path data = karaf.home().resolve("data/amtpxe");
    assertThat(perms(data)).isEqualTo("rwx------");
    try (var files = Files.list(data)) {
      files
          .filter(f -> f.getFileName().toString().startsWith("conductor"))
          .forEach(f -> assertThat(perms(f)).as(f.toString()).isEqualTo("rw-------"));
    }
  }

  private static String perms(Path p) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The measurement: one 300 MB chunked POST to /v1/nodes, with and without credentials,
   * while the Karaf process's resident memory is sampled. Before, the body was read whole before
   * authentication (308 MB to 1.13 GB RSS).
   */
  @Test
  void a300MbChunkedBodyDoesNotGrowTheProcess() throws Exception {
    long pid = Long.parseLong(Files.readString(karaf.home().resolve("karaf.pid")).strip());
    for (String credentials : new String[] {null, basic("karaf", "karaf")}) {
      System.gc();
      long before = rssKb(pid);
      AtomicLong peak = new AtomicLong(before);
      Thread sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  peak.accumulateAndGet(rssKb(pid), Math::max);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      sampler.start();
      long[] sent = new long[1];
      int status;
      try {
        status = chunkedPost(credentials, 300L * 1024 * 1024, sent);
      } finally {
        sampler.interrupt();
        sampler.join();
      }
      long growthMb = (peak.get() - before) / 1024;
      System.out.printf(
          "300 MB chunked POST %s: HTTP %d after %.1f MB sent; Karaf RSS %d MB -> peak %d MB"
              + " (+%d MB)%n",
          credentials == null ? "without credentials" : "with credentials",
          status,
          sent[0] / 1e6,
          before / 1024,
          peak.get() / 1024,
          growthMb);
      assertThat(status).isIn(401, 413);
      assertThat(sent[0]).as("the server stopped reading").isLessThan(64L * 1024 * 1024);
      assertThat(growthMb).as("RSS growth").isLessThan(50);
    }
  }

  /** Streams a chunked body until the server answers or closes; returns the status. */
  private static int chunkedPost(String credentials, long total, long[] sent) throws Exception {
    try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", apiPort)) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      String head =
          "POST /v1/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "X-OpenStack-Ironic-API-Version: 1.31\r\nTransfer-Encoding: chunked\r\n"
              + (credentials == null ? "" : "Authorization: " + credentials + "\r\n")
              + "\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      // The answer is read while the body goes out, as a client that notices an early refusal.
      java.util.concurrent.CompletableFuture<String> answer =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  byte[] line = s.getInputStream().readNBytes(12);
                  return new String(line, StandardCharsets.US_ASCII);
                } catch (java.io.IOException e) {
                  return "read failed: " + e;
                }
              });
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      byte[] size =
          (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      try {
        while (sent[0] < total && !answer.isDone()) {
          out.write(size);
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          sent[0] += chunk.length;
        }
        if (!answer.isDone()) {
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (java.io.IOException closed) {
        // The server answered and closed: what an attacker sees.
      }
      String status = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
      if (!status.startsWith("HTTP/1.1 ")) {
        throw new AssertionError("no HTTP answer after " + sent[0] + " bytes: " + status);
      }
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  private static long rssKb(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no VmRSS for " + pid);
  }
}
