package org.amtpxe.pxe.internal.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.amtpxe.api.error.DeployFailureException;
import org.amtpxe.pxe.internal.cache.ImageSourcePolicy.ImageRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Master copies of images, shared between nodes through hard links, after Ironic's image cache: a
 * download goes to a temporary file, is verified against its checksum and only then becomes the
 * master; a hit never downloads again. Masters that no node links (link count 1) are evicted by age
 * and then, oldest first, by the total size. One lock per image makes concurrent deploys of the
 * same image download it once. Every fetch checks its source against the {@link ImageSourcePolicy}
 * first, a hit included, and every download keeps to its byte cap and deadline.
 */
public final class ImageCache {
  private static final Logger LOG = LoggerFactory.getLogger(ImageCache.class);
  private static final String TEMP_DIR = ".download";

  private final Path masterDir;
  private final long maxBytes;
  private final Duration ttl;
  private final ImageSourcePolicy policy;
  private final ImageFetcher fetcher;
  private final Clock clock;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final AtomicLong downloads = new AtomicLong();
  private final AtomicLong hits = new AtomicLong();

  /**
   * @param masterDir where masters live; must be on the filesystem of the roots it links into
   * @param maxBytes the size above which unused masters are evicted
   * @param ttl the age after which unused masters are evicted
   * @param policy which sources may be read, the byte cap and the deadline of a download
   * @param clock the time used for ages
   */
  public ImageCache(
      Path masterDir, long maxBytes, Duration ttl, ImageSourcePolicy policy, Clock clock) {
    this.masterDir = masterDir;
    this.maxBytes = maxBytes;
    this.ttl = ttl;
    this.policy = policy;
    this.fetcher = new ImageFetcher(policy);
    this.clock = clock;
  }

  /** The policy sources are checked against. */
  public ImageSourcePolicy policy() {
    return policy;
  }

  /** The directory of master copies. */
  public Path masterDir() {
    return masterDir;
  }

  /** Downloads made since creation (a hit makes none). */
  public long downloads() {
    return downloads.get();
  }

  /** Fetches answered from a master already present. */
  public long hits() {
    return hits.get();
  }

  /**
   * Makes {@code destination} a hard link to the verified master copy of an image, downloading it
   * first when no master exists.
   *
   * @param source where the image comes from and its checksum
   * @param destination the per-node path to link; replaced when it is another file
   * @throws DeployFailureException when the source is refused by the policy, exceeds a limit,
   *     cannot be fetched, fails its checksum, or cannot be linked
   */
  public void fetch(ImageSource source, Path destination) throws DeployFailureException {
    try {
      // Again at fetch time, a hit included: the file may have become a link out since validate,
      // and the configuration may have changed since the master was made.
      policy.check(source.href());
    } catch (ImageRefusedException e) {
      throw new DeployFailureException(
          "Image " + source.redactedHref() + " " + e.getMessage() + ".");
    }
    String key = key(source);
    Path master = masterDir.resolve(key);
    ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
    lock.lock();
    try {
      Files.createDirectories(masterDir);
      if (Files.isRegularFile(master)) {
        hits.incrementAndGet();
        LOG.debug("Image cache hit for {}", source.redactedHref());
      } else {
        download(source, master);
      }
      link(master, destination);
    } catch (IOException e) {
      throw new DeployFailureException(
          "Could not cache image "
              + source.redactedHref()
              + " into "
              + destination
              + ": "
              + e
              + ". Check that "
              + masterDir
              + " is writable and on the same filesystem as the TFTP/HTTP roots.",
          e);
    } finally {
      lock.unlock();
    }
    cleanUp();
  }

  private void download(ImageSource source, Path master)
      throws IOException, DeployFailureException {
    Path tempDir = Files.createDirectories(masterDir.resolve(TEMP_DIR));
    Path temp = Files.createTempFile(tempDir, master.getFileName().toString(), ".part");
    try {
      MessageDigest digest = source.algorithm() == null ? null : digest(source.algorithm());
      long started = System.nanoTime();
      long bytes = fetcher.fetch(source, temp, digest);
      downloads.incrementAndGet();
      if (digest != null) {
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(source.checksum())) {
          // NOTE: the actual digest goes to the log only. In an error (a node's last_error) it
          // would be an oracle: fetch any reachable URL with a wrong checksum, read the right one
          // from the error, and the next deploy serves the content.
          LOG.warn(
              "Image {} failed verification: expected {} {}, got {}",
              source.redactedHref(),
              source.algorithm(),
              source.checksum(),
              actual);
          throw new DeployFailureException(
              "Image "
                  + source.redactedHref()
                  + " failed verification: expected "
                  + source.algorithm()
                  + " "
                  + source.checksum()
                  + "; the conductor's log has the actual digest. The download was discarded;"
                  + " check the checksum on the node or the image at its source.");
        }
      }
      Files.move(temp, master, StandardCopyOption.ATOMIC_MOVE);
      LOG.info(
          "Cached image {} ({} bytes) in {} ms",
          source.redactedHref(),
          bytes,
          (System.nanoTime() - started) / 1_000_000);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void link(Path master, Path destination) throws IOException {
    Files.createDirectories(destination.getParent());
    try {
      if (Files.isSameFile(master, destination)) {
        return;
      }
      Files.delete(destination);
    } catch (NoSuchFileException absent) {
      // nothing to replace
    }
    try {
      Files.createLink(destination, master);
    } catch (FileAlreadyExistsException raced) {
      Files.delete(destination);
      Files.createLink(destination, master);
    }
  }

  /**
   * Evicts unused masters: first those older than the TTL, then the oldest until the cache fits its
   * size. A master still linked from a node (link count above 1) is never removed.
   */
  public synchronized void cleanUp() {
    List<Entry> entries = new ArrayList<>();
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(masterDir)) {
      for (Path p : files) {
        if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Entry e = entry(p);
        total += e.size;
        if (e.links == 1) {
          entries.add(e);
        }
      }
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      LOG.warn("Could not scan image cache {}: {}", masterDir, e.toString());
      return;
    }
    entries.sort(Comparator.comparing(Entry::lastUsed));
    Instant expiry = clock.instant().minus(ttl);
    List<Entry> kept = new ArrayList<>();
    for (Entry e : entries) {
      if (e.lastUsed.isBefore(expiry) && evict(e, "older than the TTL")) {
        total -= e.size;
      } else {
        kept.add(e);
      }
    }
    for (Entry e : kept) {
      if (total <= maxBytes) {
        break;
      }
      if (evict(e, "cache above its size")) {
        total -= e.size;
      }
    }
    if (total > maxBytes) {
      LOG.info(
          "Image cache {} holds {} bytes, above its {} bytes, in images still linked by nodes",
          masterDir,
          total,
          maxBytes);
    }
  }

  private boolean evict(Entry e, String why) {
    ReentrantLock lock =
        locks.computeIfAbsent(e.path.getFileName().toString(), k -> new ReentrantLock());
    if (!lock.tryLock()) {
      return false; // being fetched or linked right now
    }
    try {
      if (((Number) Files.getAttribute(e.path, "unix:nlink")).intValue() != 1) {
        return false;
      }
      Files.delete(e.path);
      LOG.debug("Evicted cached image {} ({})", e.path.getFileName(), why);
      return true;
    } catch (IOException ex) {
      LOG.warn("Could not evict cached image {}: {}", e.path, ex.toString());
      return false;
    } finally {
      lock.unlock();
    }
  }

  private record Entry(Path path, long size, int links, Instant lastUsed) {}

  private static Entry entry(Path p) throws IOException {
    Map<String, Object> a =
        Files.readAttributes(p, "unix:size,nlink,lastModifiedTime," + "lastAccessTime,ctime");
    Instant used =
        max(
            ((FileTime) a.get("lastModifiedTime")).toInstant(),
            ((FileTime) a.get("lastAccessTime")).toInstant(),
            ((FileTime) a.get("ctime")).toInstant());
    return new Entry(p, (Long) a.get("size"), ((Number) a.get("nlink")).intValue(), used);
  }

  private static Instant max(Instant a, Instant b, Instant c) {
    Instant m = a.isAfter(b) ? a : b;
    return m.isAfter(c) ? m : c;
  }

  /** The master file name: a digest of the href and the expected checksum. */
  static String key(ImageSource source) {
    String id = source.href() + "\n" + source.algorithm() + ":" + source.checksum();
    return HexFormat.of()
        .formatHex(digest("sha256").digest(id.getBytes(StandardCharsets.UTF_8)))
        .substring(0, 40);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }
}
