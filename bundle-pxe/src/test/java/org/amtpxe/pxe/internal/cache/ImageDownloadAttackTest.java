package org.amtpxe.pxe.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.amtpxe.api.error.DeployFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image servers as an attacker runs them, on loopback: a body that never ends, a declared length
 * far above the cap, a trickle, silence, redirects out of the allowed hosts. Every download must
 * stop at its limit, name the setting that stopped it and leave no partial file.
 */
class ImageDownloadAttackTest {
  static final long MIB = 1024 * 1024;
  static final String WRONG_SHA = "0".repeat(64);

  @TempDir Path dir;
  final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void stopServers() throws Exception {
    for (AutoCloseable s : servers) {
      s.close();
    }
  }

  RawHttpServer serve(String address, RawHttpServer.Script script) throws IOException {
    RawHttpServer s = new RawHttpServer(address, script);
    servers.add(s);
    return s;
  }

  ImageCache cache(long maxBytes, Duration timeout, List<String> hosts) {
    List<Path> protectedDirs = new ArrayList<>(ImageSourcePolicy.SYSTEM_DIRS);
    protectedDirs.add(dir.resolve("master"));
    ImageSourcePolicy policy =
        new ImageSourcePolicy(
            List.of(dir.resolve("images")), protectedDirs, List.of(), hosts, maxBytes, timeout);
    return new ImageCache(
        dir.resolve("master"), 1L << 40, Duration.ofDays(1), policy, Clock.systemUTC());
  }

  Path dest() {
    return dir.resolve("root/node/deploy_kernel");
  }

  /** Nothing of the download is left: no partial file, no master, no link. */
  void assertNothingLeft() throws IOException {
    assertThat(dest()).doesNotExist();
    Path master = dir.resolve("master");
    if (Files.exists(master)) {
      try (var files = Files.walk(master)) {
        assertThat(files.filter(Files::isRegularFile)).isEmpty();
      }
    }
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void aBodyThatNeverEndsIsCutOffAtTheCapAndDeleted() throws Exception {
    AtomicLong sent = new AtomicLong();
    CountDownLatch clientGone = new CountDownLatch(1);
    byte[] chunk = new byte[64 * 1024];
    new Random(1).nextBytes(chunk);
    RawHttpServer server =
        serve(
            "127.0.0.1",
            (s, head) -> {
              RawHttpServer.write(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
              OutputStream out = s.getOutputStream();
              try {
                // "Forever", bounded only so that a client without a cap cannot fill the disk.
                while (sent.get() < 256 * MIB) {
                  out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes());
                  out.write(chunk);
                  out.write("\r\n".getBytes());
                  sent.addAndGet(chunk.length);
                }
              } catch (IOException e) {
                clientGone.countDown();
              }
            });
    ImageCache cache = cache(MIB, Duration.ofSeconds(30), List.of());
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () ->
            assertThatThrownBy(
                    () ->
                        cache.fetch(
                            new ImageSource(server.base() + "/forever", "sha256", WRONG_SHA),
                            dest()))
                .isInstanceOf(DeployFailureException.class)
                .hasMessageContaining("image_max_size_mb (1 MiB)")
                .hasMessageContaining("grew past it"));
    assertThat(clientGone.await(5, TimeUnit.SECONDS)).as("the connection was closed").isTrue();
    // What the server got into the socket before it noticed: the cap plus socket buffers.
    assertThat(sent.get()).isLessThan(64 * MIB);
    assertNothingLeft();
  }

  @Test
  void aDeclaredLengthAboveTheCapIsRefusedBeforeReadingTheBody() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    RawHttpServer server =
        serve(
            "127.0.0.1",
            (s, head) -> {
              RawHttpServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 107374182400\r\n\r\n");
              RawHttpServer.awaitClientClose(s); // sends no body at all
              clientGone.countDown();
            });
    ImageCache cache = cache(MIB, Duration.ofSeconds(60), List.of());
    long started = System.nanoTime();
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertThatThrownBy(
                    () ->
                        cache.fetch(
                            new ImageSource(server.base() + "/huge", "sha256", WRONG_SHA), dest()))
                .isInstanceOf(DeployFailureException.class)
                .hasMessageContaining("declares 107374182400 bytes")
                .hasMessageContaining("image_max_size_mb"));
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("refused on the headers, not after waiting for the body")
        .isLessThan(Duration.ofSeconds(5));
    assertThat(clientGone.await(5, TimeUnit.SECONDS)).isTrue();
    assertNothingLeft();
  }

  @Test
  void aDeclaredLengthAboveTheFreeSpaceIsRefusedBeforeReadingTheBody() throws Exception {
    long petabyte = 1L << 50; // below the cap, far above any test machine's free space
    RawHttpServer server =
        serve(
            "127.0.0.1",
            (s, head) -> {
              RawHttpServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: " + petabyte + "\r\n\r\n");
              RawHttpServer.awaitClientClose(s);
            });
    ImageCache cache = cache(1L << 60, Duration.ofSeconds(60), List.of());
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertThatThrownBy(
                    () ->
                        cache.fetch(
                            new ImageSource(server.base() + "/big", "sha256", WRONG_SHA), dest()))
                .isInstanceOf(DeployFailureException.class)
                .hasMessageContaining("declares " + petabyte + " bytes")
                .hasMessageContaining("image_cache_dir")
                .hasMessageContaining("bytes free"));
    assertNothingLeft();
  }

  @Test
  void aServerThatTricklesIsCutOffAtTheDeadline() throws Exception {
    AtomicLong clientGoneAt = new AtomicLong();
    RawHttpServer server =
        serve(
            "127.0.0.1",
            (s, head) -> {
              RawHttpServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
              try {
                while (true) {
                  Thread.sleep(200);
                  RawHttpServer.write(s, "x");
                }
              } catch (IOException e) {
                clientGoneAt.set(System.nanoTime());
              }
            });
    ImageCache cache = cache(MIB, Duration.ofSeconds(2), List.of());
    long started = System.nanoTime();
    assertTimeoutPreemptively(
        Duration.ofSeconds(15),
        () ->
            assertThatThrownBy(
                    () ->
                        cache.fetch(
                            new ImageSource(server.base() + "/slow", "sha256", WRONG_SHA), dest()))
                .isInstanceOf(DeployFailureException.class)
                .hasMessageContaining("image_download_timeout_seconds (2 s)")
                .hasMessageContaining("bytes had arrived"));
    long stopped = System.nanoTime();
    Duration took = Duration.ofNanos(stopped - started);
    assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofMillis(3500));
    Thread.sleep(1000); // two more trickled bytes: the server notices the closed connection
    assertThat(clientGoneAt.get()).as("the server saw the connection closed").isNotZero();
    assertThat(Duration.ofNanos(clientGoneAt.get() - stopped)).isLessThan(Duration.ofSeconds(1));
    assertNothingLeft();
  }

  @Test
  void aServerThatNeverAnswersIsCutOffAtTheDeadline() throws Exception {
    RawHttpServer server =
        serve("127.0.0.1", (s, head) -> RawHttpServer.awaitClientClose(s)); // no status line
    ImageCache cache = cache(MIB, Duration.ofSeconds(2), List.of());
    long started = System.nanoTime();
    assertTimeoutPreemptively(
        Duration.ofSeconds(15),
        () ->
            assertThatThrownBy(
                    () ->
                        cache.fetch(
                            new ImageSource(server.base() + "/mute", "sha256", WRONG_SHA), dest()))
                .isInstanceOf(DeployFailureException.class)
                .hasMessageContaining("image_download_timeout_seconds (2 s)"));
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isBetween(Duration.ofMillis(1900), Duration.ofMillis(3500));
    assertNothingLeft();
  }

  @Test
  void aRedirectToAHostOutsideTheAllowListIsRefusedWithoutContactingIt() throws Exception {
    byte[] secret = "internal data".getBytes(StandardCharsets.US_ASCII);
    RawHttpServer inside =
        serve(
            "127.0.0.2",
            (s, head) -> {
              RawHttpServer.write(
                  s, "HTTP/1.1 200 OK\r\nContent-Length: " + secret.length + "\r\n\r\n");
              s.getOutputStream().write(secret);
            });
    RawHttpServer redirector =
        serve(
            "127.0.0.1",
            (s, head) ->
                RawHttpServer.write(
                    s,
                    "HTTP/1.1 302 Found\r\nLocation: "
                        + inside.base()
                        + "/secret?token=hunter2\r\nContent-Length: 0\r\n\r\n"));
    ImageCache cache = cache(MIB, Duration.ofSeconds(10), List.of("127.0.0.1"));
    assertThatThrownBy(
            () ->
                cache.fetch(
                    new ImageSource(redirector.base() + "/kernel", "sha256", sha256(secret)),
                    dest()))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("redirected to " + inside.base() + "/secret?…")
        .hasMessageContaining("host 127.0.0.2, which is not in image_url_allowed_hosts")
        .hasMessageNotContaining("hunter2");
    assertThat(inside.requestLines).as("the refused host was never contacted").isEmpty();
    assertNothingLeft();
  }

  @Test
  void aRedirectToAFileUriIsRefused() throws Exception {
    RawHttpServer redirector =
        serve(
            "127.0.0.1",
            (s, head) ->
                RawHttpServer.write(
                    s,
                    "HTTP/1.1 301 Moved\r\nLocation: file:///etc/passwd\r\n"
                        + "Content-Length: 0\r\n\r\n"));
    ImageCache cache = cache(MIB, Duration.ofSeconds(10), List.of());
    assertThatThrownBy(
            () ->
                cache.fetch(new ImageSource(redirector.base() + "/k", "sha256", WRONG_SHA), dest()))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("redirected to file:/etc/passwd")
        .hasMessageContaining("not an http(s) URL");
    assertNothingLeft();
  }

  @Test
  void redirectsAreFollowedAFewTimesOnly() throws Exception {
    RawHttpServer loop =
        serve(
            "127.0.0.1",
            (s, head) ->
                RawHttpServer.write(
                    s, "HTTP/1.1 307 Again\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n"));
    ImageCache cache = cache(MIB, Duration.ofSeconds(10), List.of());
    assertThatThrownBy(
            () -> cache.fetch(new ImageSource(loop.base() + "/k", "sha256", WRONG_SHA), dest()))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("redirected more than " + ImageFetcher.MAX_REDIRECTS + " times");
    assertThat(loop.requestLines).hasSize(ImageFetcher.MAX_REDIRECTS + 1);
  }

  @Test
  void aRedirectWithinTheAllowedHostsIsFollowed() throws Exception {
    byte[] kernel = "a kernel".getBytes(StandardCharsets.US_ASCII);
    RawHttpServer server =
        serve(
            "127.0.0.1",
            (s, head) -> {
              if (head.startsWith("GET /old ")) {
                RawHttpServer.write(
                    s, "HTTP/1.1 308 Moved\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n");
              } else {
                RawHttpServer.write(
                    s, "HTTP/1.1 200 OK\r\nContent-Length: " + kernel.length + "\r\n\r\n");
                s.getOutputStream().write(kernel);
              }
            });
    ImageCache cache = cache(MIB, Duration.ofSeconds(10), List.of("127.0.0.1"));
    cache.fetch(new ImageSource(server.base() + "/old", "sha256", sha256(kernel)), dest());
    assertThat(dest()).hasBinaryContent(kernel);
    assertThat(server.requestLines).containsExactly("GET /old HTTP/1.1", "GET /new HTTP/1.1");
  }

  @Test
  void aHostOutsideTheAllowListIsNeverContacted() throws Exception {
    RawHttpServer server = serve("127.0.0.2", (s, head) -> RawHttpServer.write(s, "HTTP/1.1 200"));
    ImageCache cache = cache(MIB, Duration.ofSeconds(10), List.of("*.images.example.org"));
    assertThatThrownBy(
            () -> cache.fetch(new ImageSource(server.base() + "/k", "sha256", WRONG_SHA), dest()))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("names host 127.0.0.2, which is not in image_url_allowed_hosts");
    assertThat(server.requestLines).isEmpty();
  }

  @Test
  void errorsCarryNoPasswordOrQuery() throws Exception {
    RawHttpServer server =
        serve(
            "127.0.0.1",
            (s, head) -> RawHttpServer.write(s, "HTTP/1.1 403 No\r\nContent-Length: 0\r\n\r\n"));
    String href =
        "http://admin:s3cret@127.0.0.1:" + server.port() + "/k?X-Amz-Signature=abcdef0123";
    ImageCache cache = cache(MIB, Duration.ofSeconds(10), List.of());
    assertThatThrownBy(() -> cache.fetch(new ImageSource(href, "sha256", WRONG_SHA), dest()))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageNotContaining("s3cret")
        .hasMessageNotContaining("abcdef0123");
  }
}
