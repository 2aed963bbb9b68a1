package org.amtpxe.pxe.internal.tftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TFTP server under attack, with the packets an attacker would send over raw UDP: a flood of
 * requests asking long timeouts, many transfers from one address, a client that acknowledges
 * forever, strangers writing to a transfer's port, oversized and malformed requests.
 */
class TftpServerAbuseTest {
  static final String ATTACKER = "127.0.0.2";
  static final String VICTIM = "127.0.0.3";
  static final String STRANGER = "127.0.0.4";

  @TempDir Path dir;
  Path root;
  byte[] kernel;
  TftpServer server;
  final List<RawTftpClient> clients = new ArrayList<>();

  @BeforeEach
  void files() throws IOException {
    root = Files.createDirectories(dir.resolve("tftpboot"));
    kernel = new byte[300_000 + 17];
    new Random(42).nextBytes(kernel);
    Files.createDirectories(root.resolve("node"));
    Files.write(root.resolve("node/deploy_kernel"), kernel);
  }

  @AfterEach
  void stop() {
    clients.forEach(RawTftpClient::close);
    if (server != null) {
      server.close();
    }
  }

  /** Starts the server with blksize up to 1468, windows up to 16. */
  void start(
      Duration timeout,
      Duration maxTimeout,
      int retries,
      Duration lifetime,
      int maxTransfers,
      int maxPerClient)
      throws IOException {
    server =
        TftpServer.start(
            root,
            new InetSocketAddress("127.0.0.1", 0),
            new TftpServerOptions(
                1468, 16, timeout, maxTimeout, retries, lifetime, maxTransfers, maxPerClient));
  }

  RawTftpClient client(String address) throws IOException {
    RawTftpClient c = new RawTftpClient(server.localAddress(), address);
    clients.add(c);
    return c;
  }

  /** Downloads the kernel from {@code address} like a PXE client, returning how long it took. */
  Duration download(String address) throws IOException {
    RawTftpClient c = client(address);
    long start = System.nanoTime();
    c.request(TftpPackets.RRQ, "node/deploy_kernel", "octet", "blksize", "1468");
    assertThat(c.readAll(1468)).isEqualTo(kernel);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void aFloodOfLongTimeoutRequestsFromOneAddressDoesNotLockOutOtherClients() throws Exception {
    // The server's own defaults: 64 transfers, 8 per client; 1 s timeout so the flood holds on.
    start(Duration.ofSeconds(1), Duration.ofSeconds(5), 5, Duration.ofSeconds(30), 64, 8);
    List<RawTftpClient> flood = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      RawTftpClient a = client(ATTACKER); // each on its own source port
      a.request(
          TftpPackets.RRQ, "node/deploy_kernel", "octet", "timeout", "255", "blksize", "1468");
      flood.add(a);
    }
    List<RawTftpClient> holding = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (RawTftpClient a : flood) {
      byte[] p = a.receive(); // never acknowledged
      if (RawTftpClient.opcode(p) == TftpPackets.OACK) {
        holding.add(a);
      } else {
        refusals.add(RawTftpClient.errorMessage(p));
      }
    }

    Duration took = download(VICTIM);
    System.out.printf(
        "TFTP flood: %d of 64 attacker requests holding a transfer, victim's 300 kB download"
            + " took %d ms%n",
        holding.size(), took.toMillis());

    assertThat(took).isLessThan(Duration.ofSeconds(3));
    assertThat(holding).hasSize(8);
    assertThat(refusals)
        .hasSize(56)
        .allMatch(m -> m.toLowerCase(Locale.ROOT).contains("too many transfers"));
    // The flood was still holding its slots: its transfers go on retransmitting their OACKs.
    RawTftpClient first = holding.get(0);
    drain(first);
    first.socket.setSoTimeout(3000);
    assertThat(RawTftpClient.opcode(first.receive())).isEqualTo(TftpPackets.OACK);
  }

  /** Reads whatever already arrived. */
  static void drain(RawTftpClient c) throws IOException {
    c.socket.setSoTimeout(1);
    try {
      while (true) {
        c.receive();
      }
    } catch (SocketTimeoutException empty) {
      // nothing more
    }
  }

  @Test
  void aTimeoutAboveTheCapIsLeftOutOfTheOackAndTheServersOwnIntervalIsUsed() throws Exception {
    start(Duration.ofMillis(300), Duration.ofSeconds(1), 3, Duration.ofSeconds(30), 64, 8);
    RawTftpClient c = client(ATTACKER);
    c.request(TftpPackets.RRQ, "node/deploy_kernel", "octet", "timeout", "255", "blksize", "512");
    byte[] oack = c.receive();
    long first = System.nanoTime();
    assertThat(RawTftpClient.opcode(oack)).isEqualTo(TftpPackets.OACK);
    Map<String, String> granted = RawTftpClient.oackOptions(oack);
    assertThat(granted).containsEntry("blksize", "512").doesNotContainKey("timeout");
    assertThat(c.receive()).isEqualTo(oack); // not acknowledged: sent again
    Duration gap = Duration.ofNanos(System.nanoTime() - first);
    System.out.printf("TFTP timeout=255 asked: retransmitted after %d ms%n", gap.toMillis());
    assertThat(gap).isBetween(Duration.ofMillis(250), Duration.ofMillis(1000));

    // Only a timeout asked, and refused: no option left, so no OACK but DATA at once (RFC 2347).
    RawTftpClient only = client(ATTACKER);
    only.request(TftpPackets.RRQ, "node/deploy_kernel", "octet", "timeout", "200");
    assertThat(RawTftpClient.opcode(only.receive())).isEqualTo(TftpPackets.DATA);
  }

  @Test
  void aTimeoutWithinTheCapIsGrantedAndUsed() throws Exception {
    start(Duration.ofMillis(300), Duration.ofSeconds(1), 3, Duration.ofSeconds(30), 64, 8);
    RawTftpClient c = client(ATTACKER);
    c.request(TftpPackets.RRQ, "node/deploy_kernel", "octet", "timeout", "1");
    byte[] oack = c.receive();
    long first = System.nanoTime();
    assertThat(RawTftpClient.oackOptions(oack)).containsEntry("timeout", "1");
    assertThat(c.receive()).isEqualTo(oack);
    assertThat(Duration.ofNanos(System.nanoTime() - first))
        .isBetween(Duration.ofMillis(900), Duration.ofMillis(1800));
  }

  @Test
  void theNinthConcurrentRequestFromOneAddressIsRefusedWhileOthersAreServed() throws Exception {
    start(Duration.ofSeconds(1), Duration.ofSeconds(5), 3, Duration.ofSeconds(30), 64, 8);
    List<RawTftpClient> eight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      RawTftpClient a = client(ATTACKER);
      a.request(TftpPackets.RRQ, "node/deploy_kernel", "octet");
      assertThat(RawTftpClient.opcode(a.receive())).isEqualTo(TftpPackets.DATA);
      eight.add(a);
    }
    RawTftpClient ninth = client(ATTACKER);
    ninth.request(TftpPackets.RRQ, "node/deploy_kernel", "octet");
    byte[] p = ninth.receive();
    assertThat(RawTftpClient.opcode(p)).isEqualTo(TftpPackets.ERROR);
    assertThat(RawTftpClient.errorMessage(p)).containsIgnoringCase("too many transfers");

    assertThat(download(VICTIM)).isLessThan(Duration.ofSeconds(3));

    // One of the eight gives up (ERROR, as a client does): the address gets that slot back.
    RawTftpClient quitter = eight.get(0);
    quitter.send(TftpPackets.error(0, "cancelled"), quitter.transferPeer);
    assertThat(RawTftpClient.opcode(requestUntilServed(ATTACKER))).isEqualTo(TftpPackets.DATA);
  }

  /**
   * Asks for the kernel until the answer is not a refusal (a slot is released just after the
   * transfer's last packet), for at most two seconds; returns the first other answer.
   */
  byte[] requestUntilServed(String address) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (true) {
      RawTftpClient c = client(address);
      c.request(TftpPackets.RRQ, "node/deploy_kernel", "octet");
      byte[] p = c.receive();
      if (RawTftpClient.opcode(p) != TftpPackets.ERROR || System.nanoTime() > end) {
        return p;
      }
      Thread.sleep(50);
    }
  }

  @Test
  void aClientAcknowledgingSlowlyForeverIsCutOffAtTheLifetimeAndItsSlotFreed() throws Exception {
    // One slot in all, so that "served afterwards" shows the slot was given back.
    start(Duration.ofMillis(500), Duration.ofSeconds(1), 3, Duration.ofMillis(1500), 1, 1);
    RawTftpClient slow = client(ATTACKER);
    long start = System.nanoTime();
    slow.request(TftpPackets.RRQ, "node/deploy_kernel", "octet"); // 512-byte blocks: 587 of them
    byte[] end = null;
    int blocks = 0;
    while (System.nanoTime() - start < Duration.ofSeconds(6).toNanos()) {
      byte[] p = slow.receive();
      if (RawTftpClient.opcode(p) == TftpPackets.ERROR) {
        end = p;
        break;
      }
      Thread.sleep(200); // well within the 500 ms timeout: the transfer never times out
      slow.ack(RawTftpClient.block(p));
      blocks++;
    }
    Duration lasted = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf(
        "TFTP slow client: cut off after %d ms and %d blocks%n", lasted.toMillis(), blocks);
    assertThat(end).as("an ERROR ends the transfer").isNotNull();
    assertThat(RawTftpClient.errorMessage(end)).contains("1.5 s");
    assertThat(lasted).isBetween(Duration.ofMillis(1400), Duration.ofMillis(3000));

    assertThat(RawTftpClient.opcode(requestUntilServed(VICTIM))).isEqualTo(TftpPackets.DATA);
  }

  @Test
  void aStrangerWritingToATransfersPortGetsUnknownTidAndTheTransferGoesOn() throws Exception {
    start(Duration.ofMillis(300), Duration.ofSeconds(1), 3, Duration.ofSeconds(30), 64, 8);
    RawTftpClient c = client(VICTIM);
    c.request(TftpPackets.RRQ, "node/deploy_kernel", "octet");
    assertThat(RawTftpClient.block(c.receive())).isEqualTo(1);

    RawTftpClient stranger = client(STRANGER);
    stranger.send(TftpPackets.ack(1), c.transferPeer);
    byte[] p = stranger.receive();
    assertThat(RawTftpClient.opcode(p)).isEqualTo(TftpPackets.ERROR);
    assertThat(RawTftpClient.errorCode(p)).isEqualTo(TftpPackets.ERR_UNKNOWN_TID);
    // An ERROR from a stranger is not answered (no error ping-pong), nor does it end the transfer.
    stranger.send(TftpPackets.error(0, "abort"), c.transferPeer);

    // Block 1 comes again, as the stranger's ACK was not taken for the client's; then the rest.
    assertThat(c.readAll(512)).isEqualTo(kernel);
    stranger.socket.setSoTimeout(300);
    assertThatThrownBy(stranger::receive).isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void aRequestLongerThan512BytesIsRefused() throws Exception {
    start(Duration.ofMillis(300), Duration.ofSeconds(1), 3, Duration.ofSeconds(30), 64, 8);
    List<String> options = new ArrayList<>();
    for (int i = 0; i < 5000; i++) { // 5000 options, 44 kB: RFC 2347 allows 512 bytes
      options.add("opt" + i);
      options.add("x");
    }
    RawTftpClient c = client(ATTACKER);
    byte[] request =
        RawTftpClient.requestPacket(
            TftpPackets.RRQ, "node/deploy_kernel", "octet", options.toArray(String[]::new));
    c.send(request, c.server);
    byte[] p = c.receive();
    assertThat(RawTftpClient.opcode(p)).isEqualTo(TftpPackets.ERROR);
    assertThat(RawTftpClient.errorCode(p)).isEqualTo(TftpPackets.ERR_ILLEGAL);
    assertThat(RawTftpClient.errorMessage(p)).contains("512");

    // One byte over is refused, 512 bytes exactly is still a request.
    int base =
        RawTftpClient.requestPacket(TftpPackets.RRQ, "node/deploy_kernel", "octet", "pad", "")
            .length;
    for (int length : new int[] {513, 512}) {
      byte[] padded =
          RawTftpClient.requestPacket(
              TftpPackets.RRQ, "node/deploy_kernel", "octet", "pad", "y".repeat(length - base));
      assertThat(padded).hasSize(length);
      c.send(padded, c.server);
      assertThat(RawTftpClient.opcode(c.receive()))
          .as("%d bytes", length)
          .isEqualTo(length > 512 ? TftpPackets.ERROR : TftpPackets.DATA);
    }
  }

  @Test
  void requestsForMissingFilesAreAnsweredWithoutTakingATransferSlot() throws Exception {
    start(Duration.ofSeconds(1), Duration.ofSeconds(1), 3, Duration.ofSeconds(30), 1, 1);
    RawTftpClient holder = client(VICTIM);
    holder.request(TftpPackets.RRQ, "node/deploy_kernel", "octet");
    assertThat(RawTftpClient.block(holder.receive())).isEqualTo(1); // the only slot is taken

    RawTftpClient prober = client(ATTACKER);
    for (int i = 0; i < 200; i++) {
      prober.request(TftpPackets.RRQ, "pxelinux.cfg/missing-" + i, "octet");
    }
    for (int i = 0; i < 200; i++) {
      byte[] p = prober.receive();
      assertThat(RawTftpClient.errorCode(p)).as(RawTftpClient.errorMessage(p)).isEqualTo(1);
    }
  }

  @Test
  void junkOnTheWellKnownPortIsDroppedOrRefusedAndServiceGoesOn() throws Exception {
    start(Duration.ofMillis(300), Duration.ofSeconds(1), 3, Duration.ofSeconds(30), 64, 8);
    RawTftpClient junk = client(ATTACKER);
    junk.socket.setSoTimeout(300);
    // Not requests: no answer, whatever their length.
    Random random = new Random(3);
    List<byte[]> dropped = new ArrayList<>();
    dropped.add(new byte[0]);
    dropped.add(new byte[] {0});
    dropped.add(TftpPackets.ack(1));
    dropped.add(TftpPackets.error(0, "x"));
    dropped.add(new byte[] {0, 3, 0, 1, 1, 2, 3});
    dropped.add(new byte[] {0, 99});
    byte[] big = new byte[60_000];
    random.nextBytes(big);
    big[0] = 0;
    big[1] = 6;
    dropped.add(big);
    for (byte[] p : dropped) {
      junk.send(p, junk.server);
      assertThatThrownBy(junk::receive)
          .as("answer to opcode %d", TftpPackets.opcode(p, p.length))
          .isInstanceOf(SocketTimeoutException.class);
    }
    // Malformed requests: an ERROR 4 each.
    List<byte[]> malformed =
        List.of(
            new byte[] {0, 1},
            new byte[] {0, 1, 'a', 0},
            new byte[] {0, 1, 'a', 0, 'o', 'c', 't', 'e', 't'},
            new byte[] {0, 1, 'a', 0, 'o', 'c', 't', 'e', 't', 0, 'b', 'l', 'k', 0});
    for (byte[] p : malformed) {
      junk.send(p, junk.server);
      assertThat(RawTftpClient.errorCode(junk.receive())).isEqualTo(TftpPackets.ERR_ILLEGAL);
    }
    assertThat(download(VICTIM)).isLessThan(Duration.ofSeconds(3));
  }
}
