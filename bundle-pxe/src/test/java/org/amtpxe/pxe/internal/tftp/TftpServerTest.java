package org.amtpxe.pxe.internal.tftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TftpServerTest {
  @TempDir Path dir;
  Path root;
  TftpServer server;
  byte[] kernel;

  @BeforeEach
  void start() throws IOException {
    root = Files.createDirectories(dir.resolve("tftpboot"));
    kernel = new byte[300_000 + 17];
    new Random(42).nextBytes(kernel);
    Files.createDirectories(root.resolve("node"));
    Files.write(root.resolve("node/deploy_kernel"), kernel);
    server = startServer(1468, 16, Duration.ofMillis(300), 64);
  }

  TftpServer startServer(int blksize, int window, Duration timeout, int transfers)
      throws IOException {
    return TftpServer.start(
        root,
        new InetSocketAddress("127.0.0.1", 0),
        new TftpServerOptions(
            blksize,
            window,
            timeout,
            Duration.ofSeconds(5),
            3,
            Duration.ofSeconds(30),
            transfers,
            64)); // per client: every test client sends from 127.0.0.1
  }

  @AfterEach
  void stop() {
    server.close();
  }

  byte[] commonsNetGet(String name, int mode) throws IOException {
    TFTPClient client = new TFTPClient();
    client.setDefaultTimeout(Duration.ofSeconds(2));
    client.open();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      client.receiveFile(
          name, mode, out, InetAddress.getByName("127.0.0.1"), server.localAddress().getPort());
      return out.toByteArray();
    } finally {
      client.close();
    }
  }

  @Test
  void aClosedServerFreesItsPortBeforeCloseReturns() throws IOException {
    // A configuration change stops the server and binds a new one on the same port at once; the
    // listener blocked in receive must have let go of the port by then (seen in the e2e lab).
    InetSocketAddress bound = server.localAddress();
    for (int i = 0; i < 200; i++) {
      server.close();
      server =
          TftpServer.start(
              root,
              bound,
              new TftpServerOptions(
                  1468,
                  16,
                  Duration.ofMillis(300),
                  Duration.ofSeconds(5),
                  3,
                  Duration.ofSeconds(30),
                  64,
                  64));
    }
    assertThat(commonsNetGet("node/deploy_kernel", TFTP.BINARY_MODE)).isEqualTo(kernel);
  }

  @Test
  void servesAFileToTheCommonsNetClientWithoutOptions() throws IOException {
    assertThat(commonsNetGet("node/deploy_kernel", TFTP.BINARY_MODE)).isEqualTo(kernel);
  }

  @Test
  void servesAFileWhoseSizeIsAMultipleOfTheBlockSize() throws IOException {
    byte[] exact = new byte[512 * 3];
    new Random(1).nextBytes(exact);
    Files.write(root.resolve("exact"), exact);
    assertThat(commonsNetGet("exact", TFTP.BINARY_MODE)).isEqualTo(exact);
  }

  @Test
  void servesAnEmptyFile() throws IOException {
    Files.write(root.resolve("empty"), new byte[0]);
    assertThat(commonsNetGet("empty", TFTP.BINARY_MODE)).isEmpty();
  }

  @Test
  void convertsNetasciiSoThatTheClientGetsTheFileBack() throws IOException {
    String text = "line one\nline two\n";
    Files.writeString(root.resolve("text"), text);
    // commons-net converts CR LF back to the local line separator (but not CR NUL to CR; the
    // tftp-hpa test covers bare CRs).
    String got = new String(commonsNetGet("text", TFTP.ASCII_MODE), StandardCharsets.ISO_8859_1);
    assertThat(got).isEqualTo(text.replace("\n", System.lineSeparator()));
  }

  @Test
  void netasciiOnTheWireHasCrLfAndCrNul() throws IOException {
    Files.writeString(root.resolve("text"), "a\nb\rc");
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(TftpPackets.RRQ, "text", "netascii");
      byte[] p = c.receive();
      assertThat(RawTftpClient.opcode(p)).isEqualTo(TftpPackets.DATA);
      assertThat(new String(p, 4, p.length - 4, StandardCharsets.ISO_8859_1))
          .isEqualTo("a\r\nb\r\0c");
    }
  }

  @Test
  void negotiatesBlksizeTsizeTimeoutAndWindowsize() throws IOException {
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(
          TftpPackets.RRQ,
          "node/deploy_kernel",
          "octet",
          "blksize",
          "9000",
          "tsize",
          "0",
          "timeout",
          "2",
          "windowsize",
          "64",
          "unknown",
          "x");
      byte[] oack = c.receive();
      assertThat(RawTftpClient.opcode(oack)).isEqualTo(TftpPackets.OACK);
      assertThat(RawTftpClient.oackOptions(oack))
          .containsExactly(
              java.util.Map.entry("blksize", "1468"),
              java.util.Map.entry("timeout", "2"),
              java.util.Map.entry("tsize", String.valueOf(kernel.length)),
              java.util.Map.entry("windowsize", "16"));
    }
  }

  @Test
  void sendsAWholeWindowBeforeWaitingAndResendsFromTheLastAck() throws IOException {
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(
          TftpPackets.RRQ, "node/deploy_kernel", "octet", "blksize", "1024", "windowsize", "4");
      c.receive();
      c.ack(0);
      List<Integer> blocks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        blocks.add(RawTftpClient.block(c.receive()));
      }
      assertThat(blocks).containsExactly(1, 2, 3, 4);
      c.ack(2); // blocks 3 and 4 "lost": the next window starts at 3
      blocks.clear();
      for (int i = 0; i < 4; i++) {
        blocks.add(RawTftpClient.block(c.receive()));
      }
      assertThat(blocks).containsExactly(3, 4, 5, 6);
    }
  }

  @Test
  void retransmitsABlockWhoseAckIsLost() throws IOException {
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(TftpPackets.RRQ, "node/deploy_kernel", "octet");
      byte[] first = c.receive();
      long start = System.nanoTime();
      byte[] again = c.receive(); // no ACK sent: the server times out and resends block 1
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(200));
      assertThat(RawTftpClient.block(again)).isEqualTo(1);
      assertThat(again).isEqualTo(first);
    }
  }

  @Test
  void abandonsTheTransferAfterTheRetries() throws IOException {
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(TftpPackets.RRQ, "node/deploy_kernel", "octet");
      int copies = 0;
      c.socket.setSoTimeout(1000);
      try {
        while (true) {
          c.receive();
          copies++;
        }
      } catch (java.net.SocketTimeoutException expected) {
        // the server gave up
      }
      assertThat(copies).isEqualTo(4); // the first send and 3 retries
    }
  }

  @Test
  void readsWithLargeBlocksThroughTheRawClient() throws IOException {
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(TftpPackets.RRQ, "node/deploy_kernel", "octet", "blksize", "1468");
      assertThat(c.readAll(1468)).isEqualTo(kernel);
    }
  }

  @Test
  void rollsBlockNumbersOverPast65535() throws IOException {
    byte[] big = new byte[8 * 70_000 + 3];
    new Random(7).nextBytes(big);
    Files.write(root.resolve("big"), big);
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(TftpPackets.RRQ, "big", "octet", "blksize", "8");
      assertThat(c.readAll(8)).isEqualTo(big);
    }
  }

  @Test
  void refusesWriteRequests() throws IOException {
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(TftpPackets.WRQ, "node/evil", "octet");
      byte[] p = c.receive();
      assertThat(RawTftpClient.opcode(p)).isEqualTo(TftpPackets.ERROR);
      assertThat(RawTftpClient.errorCode(p)).isEqualTo(TftpPackets.ERR_ACCESS);
      assertThat(RawTftpClient.errorMessage(p)).contains("read-only");
    }
    assertThat(root.resolve("node/evil")).doesNotExist();
  }

  @Test
  void refusesUnknownModes() throws IOException {
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(TftpPackets.RRQ, "node/deploy_kernel", "mail");
      byte[] p = c.receive();
      assertThat(RawTftpClient.errorCode(p)).isEqualTo(TftpPackets.ERR_ILLEGAL);
    }
  }

  @Test
  void reportsMissingFiles() throws IOException {
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(TftpPackets.RRQ, "node/nothing", "octet");
      byte[] p = c.receive();
      assertThat(RawTftpClient.errorCode(p)).isEqualTo(TftpPackets.ERR_NOT_FOUND);
    }
  }

  @Test
  void refusesTraversalOutOfTheRoot() throws IOException {
    Files.writeString(dir.resolve("secret"), "secret");
    for (String name : List.of("../secret", "node/../../secret", "/../secret", "..\\secret")) {
      try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
        c.request(TftpPackets.RRQ, name, "octet");
        byte[] p = c.receive();
        assertThat(RawTftpClient.opcode(p)).as(name).isEqualTo(TftpPackets.ERROR);
        // The same answer as for a missing file: nothing is learned about what lies outside.
        assertThat(RawTftpClient.errorCode(p)).as(name).isEqualTo(TftpPackets.ERR_NOT_FOUND);
        assertThat(RawTftpClient.errorMessage(p)).as(name).isEqualTo("File not found");
      }
    }
  }

  @Test
  void refusesSymlinksThatLeaveTheRoot() throws IOException {
    Files.writeString(dir.resolve("secret"), "secret");
    Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret"));
    Files.createSymbolicLink(root.resolve("escape-dir"), dir);
    for (String name : List.of("escape", "escape-dir/secret")) {
      try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
        c.request(TftpPackets.RRQ, name, "octet");
        byte[] p = c.receive();
        assertThat(RawTftpClient.errorCode(p)).as(name).isEqualTo(TftpPackets.ERR_NOT_FOUND);
        assertThat(RawTftpClient.errorMessage(p)).as(name).isEqualTo("File not found");
      }
    }
  }

  @Test
  void followsRelativeSymlinksInsideTheRoot() throws IOException {
    Files.createDirectories(root.resolve("pxelinux.cfg"));
    Files.createSymbolicLink(
        root.resolve("pxelinux.cfg/01-52-54-00-12-34-56"), Path.of("../node/deploy_kernel"));
    assertThat(commonsNetGet("pxelinux.cfg/01-52-54-00-12-34-56", TFTP.BINARY_MODE))
        .isEqualTo(kernel);
  }

  @Test
  void mapsAbsolutePathsUnderTheRootOntoIt() throws IOException {
    assertThat(commonsNetGet(root + "/node/deploy_kernel", TFTP.BINARY_MODE)).isEqualTo(kernel);
    assertThat(commonsNetGet("/node/deploy_kernel", TFTP.BINARY_MODE)).isEqualTo(kernel);
  }

  @Test
  void refusesAbsolutePathsOutsideTheRootThatDoNotExistUnderIt() {
    assertThatThrownBy(() -> commonsNetGet("/etc/passwd", TFTP.BINARY_MODE))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("File not found");
  }

  @Test
  void servesManyClientsAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        Callable<byte[]> get = () -> commonsNetGet("node/deploy_kernel", TFTP.BINARY_MODE);
        results.add(pool.submit(get));
      }
      for (Future<byte[]> f : results) {
        assertThat(f.get()).isEqualTo(kernel);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void answersServerBusyWhenEveryTransferSlotIsTaken() throws IOException {
    server.close();
    server = startServer(1468, 16, Duration.ofMillis(2000), 1);
    try (RawTftpClient slow = new RawTftpClient(server.localAddress());
        RawTftpClient second = new RawTftpClient(server.localAddress())) {
      slow.request(TftpPackets.RRQ, "node/deploy_kernel", "octet");
      slow.receive(); // the slot is now busy waiting for our ACK
      second.request(TftpPackets.RRQ, "node/deploy_kernel", "octet");
      byte[] p = second.receive();
      assertThat(RawTftpClient.opcode(p)).isEqualTo(TftpPackets.ERROR);
      assertThat(RawTftpClient.errorMessage(p)).contains("busy");
    }
  }

  @Test
  void closingStopsRunningTransfersPromptly() throws IOException {
    try (RawTftpClient c = new RawTftpClient(server.localAddress())) {
      c.request(TftpPackets.RRQ, "node/deploy_kernel", "octet");
      c.receive();
      long start = System.nanoTime();
      server.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }
}
