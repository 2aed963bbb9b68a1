package org.amtpxe.pxe.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpBootServerTest {
  @TempDir Path dir;
  Path root;
  HttpBootServer server;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    root = Files.createDirectories(dir.resolve("httpboot"));
    Files.createDirectories(root.resolve("node"));
    Files.writeString(root.resolve("node/config.ipxe"), "#!ipxe\n");
    Files.writeString(root.resolve("boot.ipxe"), "#!ipxe\nchain x\n");
    Files.createDirectories(root.resolve("pxelinux.cfg"));
    Files.createSymbolicLink(
        root.resolve("pxelinux.cfg/52-54-00-12-34-56"), Path.of("../node/config.ipxe"));
    Files.writeString(dir.resolve("secret"), "secret");
    Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret"));
    server = HttpBootServer.start(root, new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesFilesAndRelativeSymlinksInsideTheRoot() throws Exception {
    assertThat(get("/boot.ipxe").body()).isEqualTo("#!ipxe\nchain x\n");
    HttpResponse<String> mac = get("/pxelinux.cfg/52-54-00-12-34-56");
    assertThat(mac.statusCode()).isEqualTo(200);
    assertThat(mac.body()).isEqualTo("#!ipxe\n");
  }

  @Test
  void refusesSymlinksLeavingTheRoot() throws Exception {
    assertThat(get("/escape").statusCode()).isEqualTo(404);
  }

  @Test
  void listsNoDirectories() throws Exception {
    assertThat(get("/node/").statusCode()).isIn(403, 404);
    assertThat(get("/").statusCode()).isIn(403, 404);
  }

  @Test
  void refusesTraversal() throws Exception {
    // The JDK client normalises "..", so send the raw request line.
    try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
      s.getOutputStream()
          .write(
              ("GET /node/../../secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(reply).startsWith("HTTP/1.1 400").doesNotContain("secret\n");
    } catch (IOException e) {
      throw e;
    }
    assertThat(get("/%2e%2e/secret").statusCode()).isIn(400, 404);
  }

  @Test
  void answersRanges() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.localAddress().getPort() + "/boot.ipxe");
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(uri).header("Range", "bytes=0-5").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.body()).isEqualTo("#!ipxe");
  }

  /** Sends raw bytes on a new connection; the socket stays open. */
  Socket send(HttpBootServer on, String request) throws IOException {
    Socket s = new Socket("127.0.0.1", on.localAddress().getPort());
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  static String readAll(Socket s) throws IOException {
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void answersOnlyGetAndHead() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PROPFIND")) {
      try (Socket s =
          send(
              server,
              method
                  + " /node/config.ipxe HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                  + "Connection: close\r\n\r\nhello")) {
        String reply = readAll(s);
        assertThat(reply).as(method).startsWith("HTTP/1.1 405").contains("Allow: GET, HEAD");
      }
    }
    assertThat(root.resolve("node/config.ipxe")).hasContent("#!ipxe\n");
    try (Socket s =
        send(server, "HEAD /boot.ipxe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) {
      assertThat(readAll(s)).startsWith("HTTP/1.1 200").doesNotContain("chain x");
    }
  }

  @Test
  void anIdleConnectionIsClosedAtTheIdleTimeout() throws Exception {
    HttpBootServer bounded =
        HttpBootServer.start(
            root,
            new InetSocketAddress("127.0.0.1", 0),
            new HttpBootServer.Options(Duration.ofSeconds(1), 16, Duration.ofSeconds(1), null));
    try (Socket s = send(bounded, "GET /boot.ipxe HTTP/1.1\r\nHo")) { // and then nothing
      long started = System.nanoTime();
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () -> {
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
              // Jetty may answer 408 before closing
            }
          });
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isBetween(Duration.ofMillis(800), Duration.ofMillis(3000));
    } finally {
      bounded.close();
    }
  }

  @Test
  void connectionsAreBoundedAndIdleOnesAreShedAtTheLimit() throws Exception {
    HttpBootServer bounded =
        HttpBootServer.start(
            root,
            new InetSocketAddress("127.0.0.1", 0),
            new HttpBootServer.Options(Duration.ofSeconds(60), 4, Duration.ofSeconds(1), null));
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        idle.add(send(bounded, "GET /boot.ipxe HTTP/1.1\r\nHo")); // a slowloris client
        // NOTE: Jetty shortens the idle timeout of the connections open when the limit is
        // reached; one still being accepted then (here the fourth) keeps the normal one.
        Thread.sleep(200);
      }
      try (Socket fifth =
          send(bounded, "GET /boot.ipxe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) {
        fifth.setSoTimeout(500);
        assertThatThrownBy(() -> fifth.getInputStream().read())
            .as("not accepted while four connections are open")
            .isInstanceOf(SocketTimeoutException.class);
        // At the limit the idle ones got the 1 s idle timeout: they are shed, the fifth is served
        // long before the normal 60 s idle timeout.
        long started = System.nanoTime();
        fifth.setSoTimeout(10_000);
        assertThat(readAll(fifth)).startsWith("HTTP/1.1 200").endsWith("chain x\n");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      }
      for (Socket s : idle.subList(0, 3)) {
        // Closed by the server (reading on past the timeout would throw), and served nothing.
        s.setSoTimeout(5000);
        assertThat(readAll(s)).doesNotContain("chain x");
      }
    } finally {
      for (Socket s : idle) {
        s.close();
      }
      bounded.close();
    }
  }

  @Test
  void servesHttpsFromAPkcs12Keystore() throws Exception {
    Path keystore = TestKeystore.create(dir.resolve("boot.p12"), "changeit-boot");
    HttpBootServer tls =
        HttpBootServer.start(
            root,
            new InetSocketAddress("127.0.0.1", 0),
            HttpBootServer.Options.DEFAULTS.withTls(new HttpTls(keystore, "changeit-boot")));
    try {
      SSLContext trustAll = SSLContext.getInstance("TLS");
      trustAll.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      HttpClient https = HttpClient.newBuilder().sslContext(trustAll).build();
      URI uri = URI.create("https://127.0.0.1:" + tls.localAddress().getPort() + "/boot.ipxe");
      HttpResponse<String> r =
          https.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("#!ipxe\nchain x\n");
      // Plain HTTP on the TLS port gets no file.
      try (Socket s =
          send(tls, "GET /boot.ipxe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) {
        s.setSoTimeout(5000);
        assertThat(readAll(s)).doesNotContain("chain x");
      }
    } finally {
      tls.close();
    }
  }
}
