package org.amtpxe.pxe.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
