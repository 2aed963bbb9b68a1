package org.amtpxe.pxe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.amtpxe.pxe.internal.http.HttpBootServer;
import org.amtpxe.pxe.internal.tftp.TftpServer;
import org.amtpxe.pxe.internal.tftp.TftpServerOptions;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boot files real TFTP and HTTP servers send a node being deployed, noted in its history once
 * per file per deploy, and nothing else: not another node's, not a range, not a file outside the
 * node's folder, not after the deploy ended.
 */
class ServedFilesTest {
  static final String NODE = "1be26c0b-03f2-4d2e-ae87-c02d7f33c123";
  static final String OTHER = "2be26c0b-03f2-4d2e-ae87-c02d7f33c124";
  static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

  @TempDir Path root;
  final List<String> history = Collections.synchronizedList(new ArrayList<>());
  final ServedFiles served =
      new ServedFiles(
          () ->
              (node, at, type, event) ->
                  history.add(node.substring(0, 8) + " " + at + " " + type + " " + event),
          Clock.fixed(NOW, ZoneOffset.UTC));
  TftpServer tftp;
  HttpBootServer http;

  @BeforeEach
  void start() throws Exception {
    for (String node : List.of(NODE, OTHER)) {
      Files.createDirectories(root.resolve(node));
      Files.write(root.resolve(node + "/deploy_kernel"), new byte[3000]);
      Files.write(root.resolve(node + "/deploy_ramdisk"), new byte[5000]);
      Files.write(root.resolve(node + "/disk"), new byte[70_000]);
      Files.writeString(root.resolve(node + "/config.ipxe"), "#!ipxe\n");
    }
    Files.write(root.resolve("pxelinux.0"), new byte[100]);
    tftp =
        TftpServer.start(
            root,
            new InetSocketAddress("127.0.0.1", 0),
            new TftpServerOptions(
                1468,
                16,
                Duration.ofMillis(300),
                Duration.ofSeconds(5),
                3,
                Duration.ofSeconds(30),
                8,
                8),
            PxeMeters.NONE,
            served);
    http =
        HttpBootServer.start(
            root,
            new InetSocketAddress("127.0.0.1", 0),
            HttpBootServer.Options.DEFAULTS,
            PxeMeters.NONE,
            served);
  }

  @AfterEach
  void stop() {
    tftp.close();
    http.close();
  }

  void tftpGet(String file) throws Exception {
    TFTPClient client = new TFTPClient();
    client.setDefaultTimeout(Duration.ofSeconds(2));
    client.open();
    try {
      client.receiveFile(
          file,
          TFTP.BINARY_MODE,
          new ByteArrayOutputStream(),
          InetAddress.getByName("127.0.0.1"),
          tftp.localAddress().getPort());
    } finally {
      client.close();
    }
  }

  int httpGet(String path, String range) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + http.localAddress().getPort() + path));
    if (range != null) {
      b.header("Range", range);
    }
    return HttpClient.newHttpClient()
        .send(b.build(), HttpResponse.BodyHandlers.ofByteArray())
        .statusCode();
  }

  /** Waits for the servers' threads, which note a file after the client saw its end. */
  void awaitNotes(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (history.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(200); // and nothing more comes
  }

  @Test
  void eachBootFileOfAWatchedDeployIsNotedOnceWithItsServerClientAndSize() throws Exception {
    served.deployStarted(NODE);

    tftpGet(NODE + "/deploy_kernel");
    tftpGet(NODE + "/deploy_kernel"); // a second fetch of the same deploy: not noted again
    tftpGet(OTHER + "/deploy_kernel"); // a node not being deployed
    tftpGet("pxelinux.0"); // not a node's file
    assertThat(httpGet("/" + NODE + "/deploy_ramdisk", "bytes=0-9")).isEqualTo(206);
    assertThat(httpGet("/" + NODE + "/config.ipxe", null)).isEqualTo(200);
    assertThat(httpGet("/" + NODE + "/deploy_ramdisk", null)).isEqualTo(200);
    assertThat(httpGet("/" + NODE + "/disk", null)).isEqualTo(200);
    awaitNotes(3);

    String at = NOW.toString();
    assertThat(history)
        .containsExactly(
            "1be26c0b "
                + at
                + " deploying deploy.deploy: deploy_kernel served over tftp to 127.0.0.1 (3,000"
                + " bytes)",
            "1be26c0b "
                + at
                + " deploying deploy.deploy: deploy_ramdisk served over http to 127.0.0.1 (5,000"
                + " bytes)",
            "1be26c0b "
                + at
                + " deploying deploy.write_image: disk image served over http to 127.0.0.1"
                + " (70,000 bytes)");
  }

  @Test
  void aNewDeployNotesItsFilesAgainAndAnEndedOneNothing() throws Exception {
    served.deployStarted(NODE);
    assertThat(httpGet("/" + NODE + "/deploy_kernel", null)).isEqualTo(200);
    awaitNotes(1);
    served.deployEnded(NODE);
    assertThat(httpGet("/" + NODE + "/deploy_ramdisk", null)).isEqualTo(200);
    awaitNotes(2);
    assertThat(history).hasSize(1);

    served.deployStarted(NODE);
    assertThat(httpGet("/" + NODE + "/deploy_kernel", null)).isEqualTo(200);
    awaitNotes(2);
    assertThat(history).hasSize(2).allMatch(e -> e.contains("deploy_kernel served over http"));
  }

  @Test
  void withoutTheHistoryServiceNothingIsNotedAndFilesAreServed() throws Exception {
    ServedFiles none = new ServedFiles(() -> null, Clock.systemUTC());
    none.deployStarted(NODE);
    none.served("http", "/" + NODE + "/disk", "127.0.0.1", 10);
    assertThat(history).isEmpty();
  }

  @Test
  void theWatchedDeploysAreBounded() {
    for (int i = 0; i < ServedFiles.MAX_DEPLOYS + 10; i++) {
      served.deployStarted(String.format("00000000-0000-0000-0000-%012d", i));
    }
    assertThat(served.isWatched("00000000-0000-0000-0000-000000000000")).isFalse();
    assertThat(served.isWatched(String.format("00000000-0000-0000-0000-%012d", 10))).isTrue();
  }

  @Test
  void pathsThatAreNotANodesBootFileAreIgnored() {
    served.deployStarted(NODE);
    for (String p :
        List.of(
            NODE,
            NODE + "/",
            NODE + "/config",
            NODE + "/deploy_kernel/x",
            "../" + NODE + "/disk",
            "pxelinux.cfg/01-52-54-00-12-34-56",
            NODE.toUpperCase() + "/disk")) {
      served.served("http", p, "127.0.0.1", 1);
    }
    assertThat(history).isEmpty();
  }
}
