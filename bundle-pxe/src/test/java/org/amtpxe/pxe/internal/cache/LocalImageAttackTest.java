package org.amtpxe.pxe.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.amtpxe.api.error.DeployFailureException;
import org.amtpxe.pxe.internal.cache.ImageSourcePolicy.ImageRefusedException;
import org.amtpxe.pxe.internal.cache.ImageSourcePolicy.LocalImage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local image sources as an attacker names them, at fetch time (the file may have changed since
 * validate): links out of image_dirs, {@code ..}, encoded file: URIs, devices, FIFOs, files above
 * the cap. The image cache must refuse each before reading a byte of it.
 */
class LocalImageAttackTest {
  static final long MIB = 1024 * 1024;

  @TempDir Path dir;
  Path images;
  Path secret;
  ImageCache cache;

  @BeforeEach
  void setUp() throws IOException {
    images = Files.createDirectories(dir.resolve("images"));
    secret = dir.resolve("secret.txt");
    Files.writeString(secret, "amt_password=hunter2");
    cache = cache(MIB);
  }

  ImageCache cache(long maxBytes) {
    List<Path> protectedDirs = new ArrayList<>(ImageSourcePolicy.SYSTEM_DIRS);
    protectedDirs.add(dir.resolve("master"));
    ImageSourcePolicy policy =
        new ImageSourcePolicy(
            List.of(images), protectedDirs, List.of(), List.of(), maxBytes, Duration.ofSeconds(5));
    return new ImageCache(
        dir.resolve("master"), 1L << 30, Duration.ofDays(1), policy, Clock.systemUTC());
  }

  Path dest() {
    return dir.resolve("root/node/deploy_kernel");
  }

  void assertRefused(String href) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> cache.fetch(ImageSource.unverified(href), dest()))
                .as(href)
                .isInstanceOf(DeployFailureException.class)
                .hasMessageContaining("image_dirs")
                .hasMessageNotContaining("hunter2"));
    assertThat(dest()).as(href).doesNotExist();
  }

  @Test
  void aLinkOutOfAnImageDirIsRefused() throws Exception {
    Files.createSymbolicLink(images.resolve("passwd"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(images.resolve("secret"), secret);
    Files.createSymbolicLink(images.resolve("rel"), Path.of("../secret.txt"));
    assertRefused(images.resolve("passwd").toString());
    assertRefused(images.resolve("secret").toString());
    assertRefused(images.resolve("rel").toUri().toString());
  }

  @Test
  void dotDotAndEncodedUrisOutOfAnImageDirAreRefused() {
    assertRefused(images + "/../secret.txt");
    assertRefused("file://" + images + "/%2e%2e/secret.txt");
    assertRefused("file://" + images + "/%2E%2E%2Fsecret.txt");
    assertRefused("file://" + images + "/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd");
    assertThatThrownBy(
            () -> cache.fetch(ImageSource.unverified("file:" + images + "/x%00.img"), dest()))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("is not an absolute path or a file: URI");
    assertThatThrownBy(
            () -> cache.fetch(ImageSource.unverified("file://localhost/etc/passwd"), dest()))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("without host");
  }

  @Test
  void protectedDirectoriesAreRefusedEvenWhenAnImageDirContainsThem() throws Exception {
    // A policy whose image_dirs entry is "/" (PxeSettings refuses that; the policy holds anyway).
    ImageSourcePolicy wide =
        new ImageSourcePolicy(
            List.of(Path.of("/")),
            ImageSourcePolicy.SYSTEM_DIRS,
            List.of(),
            List.of(),
            MIB,
            Duration.ofSeconds(5));
    cache =
        new ImageCache(
            dir.resolve("master"), 1L << 30, Duration.ofDays(1), wide, Clock.systemUTC());
    assertRefused("/etc/passwd");
    assertRefused("/dev/zero");
    assertRefused("file:///proc/self/environ");
    assertRefused("file:/sys/kernel/notes");
  }

  @Test
  void aFifoInAnImageDirIsNeverOpened() throws Exception {
    Path fifo = images.resolve("fifo.img");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");
    // Opening a FIFO for reading blocks until a writer comes: the check must refuse it unopened.
    assertRefused(fifo.toString());
  }

  @Test
  void aLocalFileAboveTheCapIsRefused() throws Exception {
    Path big = images.resolve("big.img");
    Files.write(big, new byte[(int) MIB + 1]);
    assertThatThrownBy(() -> cache.fetch(ImageSource.unverified(big.toString()), dest()))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("is " + (MIB + 1) + " bytes")
        .hasMessageContaining("image_max_size_mb (1 MiB)");
    assertThat(dest()).doesNotExist();
  }

  @Test
  void aLocalFileAboveTheFreeSpaceIsRefusedBeforeCopying() throws Exception {
    long size = 1L << 42; // a sparse 4 TiB file, below the cap
    Path huge = images.resolve("huge.img");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(size);
    }
    assumeTrue(Files.getFileStore(dir).getUsableSpace() < size, "more than 4 TiB free");
    ImageSourcePolicy policy =
        new ImageSourcePolicy(
            List.of(images),
            ImageSourcePolicy.SYSTEM_DIRS,
            List.of(),
            List.of(),
            1L << 50,
            Duration.ofSeconds(2)); // bounds what a broken check would copy
    cache =
        new ImageCache(
            dir.resolve("master"), 1L << 30, Duration.ofDays(1), policy, Clock.systemUTC());
    long started = System.nanoTime();
    assertThatThrownBy(() -> cache.fetch(ImageSource.unverified(huge.toString()), dest()))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("is " + size + " bytes")
        .hasMessageContaining("image_cache_dir")
        .hasMessageContaining("bytes free");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    assertThat(dest()).doesNotExist();
  }

  @Test
  void aLinkInsideTheImageDirIsFollowed() throws Exception {
    Files.createDirectories(images.resolve("v2"));
    Files.writeString(images.resolve("v2/kernel"), "kernel v2");
    Files.createSymbolicLink(images.resolve("current"), Path.of("v2/kernel"));
    cache.fetch(ImageSource.unverified(images.resolve("current").toUri().toString()), dest());
    assertThat(dest()).hasContent("kernel v2");
  }

  @Test
  void aComponentSwappedForALinkAfterTheCheckIsNotFollowedWhenOpened() throws Exception {
    Files.createDirectories(images.resolve("sub"));
    Files.writeString(images.resolve("sub/kernel"), "kernel");
    ImageSourcePolicy policy = cache.policy();
    LocalImage checked = policy.resolveLocal(images.resolve("sub/kernel").toString());
    // Between the check and the open, sub becomes a link to a directory outside.
    Files.createDirectories(dir.resolve("outside"));
    Files.writeString(dir.resolve("outside/kernel"), "amt_password=hunter2");
    Files.move(images.resolve("sub"), images.resolve("sub.old"));
    Files.createSymbolicLink(images.resolve("sub"), dir.resolve("outside"));
    assertThatThrownBy(() -> ImageFetcher.open(checked)).isInstanceOf(IOException.class);
    // And the file itself swapped for a link:
    LocalImage file = policy.resolveLocal(images.resolve("sub.old/kernel").toString());
    Files.delete(images.resolve("sub.old/kernel"));
    Files.createSymbolicLink(images.resolve("sub.old/kernel"), dir.resolve("outside/kernel"));
    assertThatThrownBy(() -> ImageFetcher.open(file)).isInstanceOf(IOException.class);
  }

  @Test
  void aReplacedImageDirIsRecognisedWhenOpened() throws Exception {
    Files.writeString(images.resolve("kernel"), "kernel");
    LocalImage checked = cache.policy().resolveLocal(images.resolve("kernel").toString());
    Files.move(images, dir.resolve("images.old"));
    Files.createDirectories(images);
    Files.writeString(images.resolve("kernel"), "another kernel");
    assertThatThrownBy(() -> ImageFetcher.open(checked))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("directory was replaced");
  }

  @Test
  void theCheckedFileIsWhatIsOpened() throws Exception {
    Files.writeString(images.resolve("kernel"), "kernel");
    LocalImage checked = cache.policy().resolveLocal(images.resolve("kernel").toString());
    try (SeekableByteChannel in = ImageFetcher.open(checked)) {
      ByteBuffer b = ByteBuffer.allocate(64);
      in.read(b);
      assertThat(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII))
          .isEqualTo("kernel");
    }
  }

  @Test
  void localFilesAreOffWhenImageDirsIsEmpty() throws Exception {
    Files.writeString(images.resolve("kernel"), "kernel");
    ImageSourcePolicy off = ImageSourcePolicy.of(List.of(), MIB, Duration.ofSeconds(5));
    assertThatThrownBy(() -> off.check(images.resolve("kernel").toString()))
        .isInstanceOf(ImageRefusedException.class)
        .hasMessageContaining("image_dirs is empty");
  }

  @Test
  void hostPatternsMatchSubdomainsOnly() {
    ImageSourcePolicy p =
        new ImageSourcePolicy(
            List.of(),
            List.of(),
            List.of(),
            List.of("images.example.org", "*.cdn.example.net"),
            MIB,
            Duration.ofSeconds(1));
    assertThat(p.hostAllowed("images.example.org")).isTrue();
    assertThat(p.hostAllowed("IMAGES.example.org.")).isTrue();
    assertThat(p.hostAllowed("a.cdn.example.net")).isTrue();
    assertThat(p.hostAllowed("a.b.cdn.example.net")).isTrue();
    assertThat(p.hostAllowed("cdn.example.net")).isFalse();
    assertThat(p.hostAllowed("evilcdn.example.net")).isFalse();
    assertThat(p.hostAllowed("images.example.org.evil.com")).isFalse();
    assertThat(p.hostAllowed("127.0.0.1")).isFalse();
  }
}
