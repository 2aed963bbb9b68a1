package org.amtpxe.pxe.internal.cache;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.amtpxe.api.error.DeployFailureException;
import org.amtpxe.pxe.internal.cache.ImageSourcePolicy.ImageRefusedException;
import org.amtpxe.pxe.internal.cache.ImageSourcePolicy.LocalImage;

/**
 * Copies one image from its source into a file within the policy's limits: the byte cap on what is
 * declared and on what arrives, the deadline on the whole download (connect, headers, body), local
 * files checked again and opened without following links, and redirects followed by hand, at most
 * {@value #MAX_REDIRECTS}, each to an http(s) URL on an allowed host.
 */
final class ImageFetcher {
  static final int MAX_REDIRECTS = 5;
  private static final int CHUNK = 64 * 1024;
  private static final Duration MAX_CONNECT = Duration.ofSeconds(30);

  private final ImageSourcePolicy policy;
  private final HttpClient http;

  ImageFetcher(ImageSourcePolicy policy) {
    this.policy = policy;
    Duration connect =
        policy.downloadTimeout().compareTo(MAX_CONNECT) < 0
            ? policy.downloadTimeout()
            : MAX_CONNECT;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connect)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Copies an image into {@code target}, which exists and is overwritten.
   *
   * @param source the image; checked again here
   * @param target the (temporary) file to write
   * @param digest updated with every byte written, or null
   * @return the number of bytes written
   * @throws DeployFailureException when the source is refused, exceeds a limit or cannot be read;
   *     the message names the setting that stopped it
   * @throws IOException when the target cannot be written
   */
  long fetch(ImageSource source, Path target, MessageDigest digest)
      throws DeployFailureException, IOException {
    long deadline = System.nanoTime() + policy.downloadTimeout().toNanos();
    String href = source.href();
    if (ImageSourcePolicy.isLocal(href)) {
      LocalImage image = refused(source, () -> policy.resolveLocal(href));
      return copyLocal(source, image, target, digest, deadline);
    }
    URI uri = refused(source, () -> ImageSourcePolicy.httpUri(href));
    refused(source, () -> policy.checkUrl(source.redactedHref(), uri));
    return download(source, uri, target, digest, deadline);
  }

  private long copyLocal(
      ImageSource source, LocalImage image, Path target, MessageDigest digest, long deadline)
      throws DeployFailureException, IOException {
    SeekableByteChannel in;
    try {
      in = open(image);
    } catch (IOException e) {
      throw new DeployFailureException(
          "Image "
              + source.redactedHref()
              + " changed since it was checked ("
              + changed(e)
              + "); it must be a regular file inside "
              + ImageSourcePolicy.IMAGE_DIRS
              + " "
              + policy.imageDirs()
              + ", not a link out of it.");
    }
    try (in;
        Target out = new Target(target, digest)) {
      long size = in.size();
      if (size > policy.maxBytes()) {
        throw tooLarge(source, "is " + size + " bytes");
      }
      String noSpace = noSpace(source, "is " + size + " bytes", size, target);
      if (noSpace != null) {
        throw new DeployFailureException(noSpace);
      }
      ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
      long total = 0;
      while (in.read(buffer.clear()) >= 0) {
        total += buffer.position();
        if (total > policy.maxBytes()) {
          throw tooLarge(source, "grew past it while it was read");
        }
        out.write(buffer.flip());
        if (System.nanoTime() - deadline > 0) {
          throw timedOut(source, total);
        }
      }
      return total;
    }
  }

  private static String changed(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Opens a checked local image without following a link below its directory.
   *
   * <p>NOTE: Java has no fstat of an open channel and no O_NONBLOCK, so what is opened is pinned as
   * far as SecureDirectoryStream (openat) allows. The image directory is opened by its real path
   * and recognised by its file key (fstat of the directory's descriptor). Every component below it
   * is opened relative to its parent's descriptor with O_NOFOLLOW, so a component swapped for a
   * link since the check fails to open. What remains: the file's type and identity are read by name
   * relative to the pinned directory (fstatat) just before and after the open. An entry swapped for
   * a FIFO between those two reads blocks the open, and a swap and a swap back within that window
   * goes unnoticed. Both need write access to an image directory.
   */
  static SeekableByteChannel open(LocalImage image) throws IOException {
    DirectoryStream<Path> root = Files.newDirectoryStream(image.dir());
    if (!(root instanceof SecureDirectoryStream<Path> dir)) {
      // No openat on this platform: open the checked real path, refusing a final link.
      root.close();
      return Files.newByteChannel(image.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }
    List<SecureDirectoryStream<Path>> opened = new ArrayList<>();
    opened.add(dir);
    try {
      Object key =
          dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
      if (!Objects.equals(key, image.dirKey())) {
        throw new IOException("its image directory was replaced");
      }
      SecureDirectoryStream<Path> current = dir;
      Path relative = image.relative();
      for (int i = 0; i < relative.getNameCount() - 1; i++) {
        current = current.newDirectoryStream(relative.getName(i), LinkOption.NOFOLLOW_LINKS);
        opened.add(current);
      }
      Path name = relative.getFileName();
      BasicFileAttributeView view =
          current.getFileAttributeView(
              name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      BasicFileAttributes before = view.readAttributes();
      if (!before.isRegularFile()) {
        throw new IOException("no longer a regular file");
      }
      Set<OpenOption> options = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      SeekableByteChannel channel = current.newByteChannel(name, options);
      BasicFileAttributes after = view.readAttributes();
      if (!after.isRegularFile() || !Objects.equals(before.fileKey(), after.fileKey())) {
        channel.close();
        throw new IOException("replaced while it was opened");
      }
      return channel;
    } finally {
      for (SecureDirectoryStream<Path> s : opened) {
        s.close();
      }
    }
  }

  private long download(
      ImageSource source, URI start, Path target, MessageDigest digest, long deadline)
      throws DeployFailureException, IOException {
    try (Target out = new Target(target, digest)) {
      URI uri = start;
      for (int redirects = 0; ; redirects++) {
        BodySink sink = new BodySink(source, out, target);
        HttpResponse<Long> response = exchange(source, uri, sink, deadline);
        int status = response.statusCode();
        if (isRedirect(status)) {
          if (redirects == MAX_REDIRECTS) {
            throw new DeployFailureException(
                "Image "
                    + source.redactedHref()
                    + " was redirected more than "
                    + MAX_REDIRECTS
                    + " times; give the final URL.");
          }
          uri = redirectTarget(source, uri, response.headers().firstValue("location"));
          continue;
        }
        if (status != 200) {
          throw new DeployFailureException(
              "Image "
                  + source.redactedHref()
                  + " could not be downloaded: HTTP status "
                  + status
                  + (redirects > 0 ? " after " + redirects + " redirects" : "")
                  + ". Check the URL in driver_info/instance_info.");
        }
        return response.body();
      }
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private URI redirectTarget(ImageSource source, URI from, Optional<String> location)
      throws DeployFailureException {
    URI next = null;
    if (location.isPresent()) {
      try {
        next = from.resolve(new URI(location.get().trim()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        next = null;
      }
    }
    if (next == null) {
      throw new DeployFailureException(
          "Image "
              + source.redactedHref()
              + " was redirected without a usable Location; give the final URL.");
    }
    String shown = ImageSource.unverified(next.toString()).redactedHref();
    try {
      policy.checkUrl(shown, next);
    } catch (ImageRefusedException e) {
      throw new DeployFailureException(
          "Image "
              + source.redactedHref()
              + " was redirected to "
              + shown
              + ", which "
              + e.getMessage()
              + ".");
    }
    return next;
  }

  private HttpResponse<Long> exchange(ImageSource source, URI uri, BodySink sink, long deadline)
      throws DeployFailureException {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw timedOut(source, 0);
    }
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(remaining)).GET().build();
    } catch (IllegalArgumentException e) {
      throw new DeployFailureException(
          "Image "
              + source.redactedHref()
              + " is not a URL the HTTP client accepts; give a plain http(s) URL.");
    }
    CompletableFuture<HttpResponse<Long>> response = http.sendAsync(request, sink::start);
    try {
      return response.get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      sink.stop();
      response.cancel(true);
      throw timedOut(source, sink.count());
    } catch (InterruptedException e) {
      sink.stop();
      response.cancel(true);
      Thread.currentThread().interrupt();
      throw new DeployFailureException(
          "Image " + source.redactedHref() + ": the download was interrupted.");
    } catch (ExecutionException e) {
      sink.stop();
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof LimitException limit) {
          throw new DeployFailureException(limit.getMessage());
        }
        if (t instanceof HttpTimeoutException) {
          throw timedOut(source, sink.count());
        }
      }
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new DeployFailureException(
          "Image "
              + source.redactedHref()
              + " could not be downloaded: "
              + cause.getClass().getSimpleName()
              + (cause.getMessage() == null ? "" : ": " + redactUris(cause.getMessage()))
              + ". Check the URL and that its server is reachable.",
          cause);
    }
  }

  /** The JDK's messages may quote the URL; keep queries and user info out of ours. */
  private static String redactUris(String message) {
    return message.replaceAll("(https?://)[^/\\s@]*@", "$1").replaceAll("\\?[^\\s]*", "?…");
  }

  /** The file being written, and the digest every byte written goes through. */
  private static final class Target implements AutoCloseable {
    private final FileChannel channel;
    private final MessageDigest digest;

    Target(Path file, MessageDigest digest) throws IOException {
      this.channel =
          FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      this.digest = digest;
    }

    /** Writes the buffer's remaining bytes, consuming them. */
    void write(ByteBuffer b) throws IOException {
      if (digest != null) {
        digest.update(b.duplicate());
      }
      while (b.hasRemaining()) {
        channel.write(b);
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private DeployFailureException tooLarge(ImageSource source, String what) {
    return new DeployFailureException(tooLargeMessage(source, what));
  }

  private String tooLargeMessage(ImageSource source, String what) {
    return "Image "
        + source.redactedHref()
        + " "
        + what
        + ", above "
        + ImageSourcePolicy.MAX_SIZE
        + " ("
        + policy.maxMiB()
        + " MiB); the partial download was deleted. Use a smaller image or raise "
        + ImageSourcePolicy.MAX_SIZE
        + " in etc/org.amtpxe.pxe.cfg.";
  }

  /**
   * Why an image of the given size does not fit the free space of the target's filesystem, or null
   * when it fits or the free space is unknown (a full disk then fails the write).
   */
  private static String noSpace(ImageSource source, String what, long size, Path target) {
    if (size <= 0) {
      return null;
    }
    long free;
    try {
      free = Files.getFileStore(target).getUsableSpace();
    } catch (IOException e) {
      return null;
    }
    if (free >= size) {
      return null;
    }
    return "Image "
        + source.redactedHref()
        + " "
        + what
        + " and the filesystem of image_cache_dir, which holds "
        + target.getParent()
        + ", has only "
        + free
        + " bytes free; free space there, or lower image_cache_size_mb so that fewer unused"
        + " images are kept.";
  }

  private DeployFailureException timedOut(ImageSource source, long bytes) {
    return new DeployFailureException(
        "Image "
            + source.redactedHref()
            + " was not downloaded within "
            + ImageSourcePolicy.DOWNLOAD_TIMEOUT
            + " ("
            + policy.downloadTimeout().toSeconds()
            + " s); "
            + bytes
            + " bytes had arrived and were deleted. Check the image's server and the network, or"
            + " raise "
            + ImageSourcePolicy.DOWNLOAD_TIMEOUT
            + " in etc/org.amtpxe.pxe.cfg.");
  }

  private interface Check<T> {
    T run() throws ImageRefusedException;
  }

  private interface VoidCheck {
    void run() throws ImageRefusedException;
  }

  private static <T> T refused(ImageSource source, Check<T> check) throws DeployFailureException {
    try {
      return check.run();
    } catch (ImageRefusedException e) {
      throw new DeployFailureException(
          "Image " + source.redactedHref() + " " + e.getMessage() + ".");
    }
  }

  private static void refused(ImageSource source, VoidCheck check) throws DeployFailureException {
    refused(
        source,
        () -> {
          check.run();
          return null;
        });
  }

  /** A limit stopped the body; the message is the whole error. */
  private static final class LimitException extends IOException {
    private static final long serialVersionUID = 1L;

    LimitException(String message) {
      super(message);
    }
  }

  /**
   * Receives a response body into the target, counting against the cap; refuses a declared length
   * above the cap or above the free space before reading any of it. Writes happen under the lock
   * and stop for good once {@link #stop} returns, so the caller may then close and delete the
   * target.
   */
  private final class BodySink implements HttpResponse.BodySubscriber<Long> {
    private final ImageSource source;
    private final Target out;
    private final Path target;
    private final CompletableFuture<Long> body = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long count;
    private boolean stopped;

    BodySink(ImageSource source, Target out, Path target) {
      this.source = source;
      this.out = out;
      this.target = target;
    }

    /** The subscriber for this response: this one for a 200, else one that reads nothing. */
    HttpResponse.BodySubscriber<Long> start(HttpResponse.ResponseInfo info) {
      if (info.statusCode() != 200) {
        return new Refusal(null); // a redirect or an error: its body is not needed
      }
      long declared = declaredLength(info);
      if (declared > policy.maxBytes()) {
        return new Refusal(
            new LimitException(tooLargeMessage(source, "declares " + declared + " bytes")));
      }
      String noSpace = noSpace(source, "declares " + declared + " bytes", declared, target);
      if (noSpace != null) {
        return new Refusal(new LimitException(noSpace));
      }
      return this;
    }

    private long declaredLength(HttpResponse.ResponseInfo info) {
      try {
        OptionalLong length = info.headers().firstValueAsLong("content-length");
        return length.orElse(-1);
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    @Override
    public CompletionStage<Long> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      boolean cancel;
      synchronized (this) {
        cancel = stopped;
        subscription = s;
      }
      if (cancel) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      IOException failure = null;
      Flow.Subscription s;
      synchronized (this) {
        if (stopped) {
          return;
        }
        s = subscription;
        try {
          for (ByteBuffer b : buffers) {
            int n = b.remaining();
            if (count + n > policy.maxBytes()) {
              failure =
                  new LimitException(tooLargeMessage(source, "grew past it while it arrived"));
              break;
            }
            out.write(b);
            count += n;
          }
        } catch (IOException e) {
          failure = e;
        }
        if (failure != null) {
          stopped = true;
        }
      }
      if (failure != null) {
        s.cancel();
        body.completeExceptionally(failure);
      } else {
        s.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      synchronized (this) {
        stopped = true;
      }
      body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      long total;
      synchronized (this) {
        stopped = true;
        total = count;
      }
      body.complete(total);
    }

    /** Stops receiving: no byte is written after this returns. */
    void stop() {
      Flow.Subscription s;
      synchronized (this) {
        stopped = true;
        s = subscription;
      }
      if (s != null) {
        s.cancel();
      }
    }

    synchronized long count() {
      return count;
    }
  }

  /** Reads nothing: cancels at once, completing with -1 or with the given failure. */
  private static final class Refusal implements HttpResponse.BodySubscriber<Long> {
    private final CompletableFuture<Long> body = new CompletableFuture<>();
    private final IOException failure;

    Refusal(IOException failure) {
      this.failure = failure;
    }

    @Override
    public CompletionStage<Long> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.cancel();
      if (failure == null) {
        body.complete(-1L);
      } else {
        body.completeExceptionally(failure);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {}

    @Override
    public void onError(Throwable t) {
      body.completeExceptionally(failure == null ? t : failure);
    }

    @Override
    public void onComplete() {
      body.complete(-1L);
    }
  }
}
