package org.amtpxe.pxe.internal.cache;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which image sources the service may read, and how much of them: local files only inside {@code
 * image_dirs} and never in a protected directory, http(s) hosts only from {@code
 * image_url_allowed_hosts} (when set), and a byte cap and a deadline for every download.
 *
 * @param imageDirs absolute directories local images may come from; empty turns local files off
 * @param protectedDirs directories never read, whatever imageDirs says (system, served and own
 *     data)
 * @param exemptDirs directories inside a protected directory that are nonetheless readable (the
 *     default images directory inside Karaf's data)
 * @param allowedHosts host names and {@code *.suffix} patterns, lower case; empty allows any host
 * @param maxBytes the largest image, in bytes
 * @param downloadTimeout the longest one download may take, from connecting to the last byte
 */
public record ImageSourcePolicy(
    List<Path> imageDirs,
    List<Path> protectedDirs,
    List<Path> exemptDirs,
    List<String> allowedHosts,
    long maxBytes,
    Duration downloadTimeout) {

  /** Setting names, as they appear in errors. */
  public static final String IMAGE_DIRS = "image_dirs";

  public static final String ALLOWED_HOSTS = "image_url_allowed_hosts";
  public static final String MAX_SIZE = "image_max_size_mb";
  public static final String DOWNLOAD_TIMEOUT = "image_download_timeout_seconds";

  /** Never read, whatever image_dirs says (Ironic's list after OSSA-2025-001). */
  public static final List<Path> SYSTEM_DIRS =
      List.of(
          Path.of("/dev"),
          Path.of("/proc"),
          Path.of("/sys"),
          Path.of("/boot"),
          Path.of("/etc"),
          Path.of("/run"));

  public ImageSourcePolicy {
    imageDirs = List.copyOf(imageDirs);
    protectedDirs = List.copyOf(protectedDirs);
    exemptDirs = List.copyOf(exemptDirs);
    allowedHosts = List.copyOf(allowedHosts);
    Objects.requireNonNull(downloadTimeout, "downloadTimeout");
  }

  /**
   * A policy for tests and tools: local images from the given directories only, with the system
   * directories protected, any host, and the given limits.
   */
  public static ImageSourcePolicy of(List<Path> imageDirs, long maxBytes, Duration timeout) {
    return new ImageSourcePolicy(imageDirs, SYSTEM_DIRS, List.of(), List.of(), maxBytes, timeout);
  }

  /** The largest image in MiB, for messages. */
  public long maxMiB() {
    return maxBytes / (1024 * 1024);
  }

  /**
   * A local image that passed the checks: its real path, as a directory from image_dirs (real) and
   * the path below it, which holds no symbolic link.
   *
   * @param dir the real path of the image_dirs entry it lies in
   * @param relative the path from dir to the file, without links
   * @param dirKey the file key of dir when it was checked, to recognise it when it is opened
   */
  public record LocalImage(Path dir, Path relative, Object dirKey) {
    /** The real path of the file. */
    public Path path() {
      return dir.resolve(relative);
    }
  }

  /**
   * Checks a source before anything is read: a local file must be a regular file inside image_dirs
   * and outside every protected directory, an http(s) URL must name an allowed host.
   *
   * @param href an http(s) URL, a file: URI or an absolute path
   * @throws ImageRefusedException naming the setting that refuses it
   */
  public void check(String href) throws ImageRefusedException {
    if (isLocal(href)) {
      resolveLocal(href);
    } else {
      checkUrl(href, httpUri(href));
    }
  }

  /** Whether the href names a local file (an absolute path or a file: URI). */
  public static boolean isLocal(String href) {
    return href.startsWith("/") || href.regionMatches(true, 0, "file:", 0, 5);
  }

  /**
   * Resolves a local source to its real path and checks it. The lexical checks come first, so that
   * a protected or outside path is refused without touching the filesystem (no stat of {@code
   * /dev/zero}, no automount); only a path that names an image_dirs entry is then resolved, and its
   * real path (links followed) must again lie inside the real path of an entry, outside every
   * protected directory, and be a regular file. Missing, outside, protected, a link out and not a
   * regular file all get the same answer.
   *
   * @param href an absolute path or a file: URI
   * @return the checked file
   * @throws ImageRefusedException naming image_dirs
   */
  public LocalImage resolveLocal(String href) throws ImageRefusedException {
    Path path = localPath(href);
    if (imageDirs.isEmpty()) {
      throw new ImageRefusedException(
          "is a local file, and local image files are turned off ("
              + IMAGE_DIRS
              + " is empty); use an http(s) URL, or set "
              + IMAGE_DIRS
              + " to the directories images may be read from");
    }
    if (isProtected(path) || lexicalDir(path) == null) {
      throw outside();
    }
    Path real;
    BasicFileAttributes attributes;
    try {
      real = path.toRealPath();
      attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | SecurityException e) {
      throw outside();
    }
    if (!attributes.isRegularFile() || isProtected(real)) {
      throw outside();
    }
    for (Path dir : imageDirs) {
      Path realDir;
      Object dirKey;
      try {
        realDir = dir.toRealPath();
        dirKey =
            Files.readAttributes(realDir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
      } catch (IOException | SecurityException e) {
        continue;
      }
      if (real.startsWith(realDir) && !real.equals(realDir) && !isProtected(realDir)) {
        return new LocalImage(realDir, realDir.relativize(real), dirKey);
      }
    }
    throw outside();
  }

  private ImageRefusedException outside() {
    return new ImageRefusedException(
        "is not a regular file inside "
            + IMAGE_DIRS
            + " "
            + imageDirs
            + " (the boot roots, the image cache, Karaf's data and etc directories and /dev, /proc,"
            + " /sys, /boot, /etc and /run are never read); put the image into one of those"
            + " directories, or add its directory to "
            + IMAGE_DIRS
            + " in etc/org.amtpxe.pxe.cfg");
  }

  /** The image_dirs entry the normalized path lies in, as written or as its real path, or null. */
  private Path lexicalDir(Path path) {
    for (Path dir : imageDirs) {
      if (path.startsWith(dir) && !path.equals(dir)) {
        return dir;
      }
      Path real = realOrNormal(dir);
      if (path.startsWith(real) && !path.equals(real)) {
        return dir;
      }
    }
    return null;
  }

  /**
   * Whether a path lies in a protected directory (as configured or as its real path) without lying
   * in an exempt directory inside that protected directory.
   */
  public boolean isProtected(Path path) {
    for (Path p : protectedDirs) {
      for (Path form : List.of(p, realOrNormal(p))) {
        if (path.startsWith(form) && !isExempt(path, form)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean isExempt(Path path, Path protectedDir) {
    for (Path e : exemptDirs) {
      for (Path form : List.of(e, realOrNormal(e))) {
        if (path.startsWith(form) && form.startsWith(protectedDir) && !form.equals(protectedDir)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The absolute, normalized path a local href names. A file: URI is decoded once ({@code %2e%2e}
   * and {@code %2f} become {@code ..} and {@code /} and are then normalized like any other path).
   *
   * @throws ImageRefusedException when it is no absolute path or file: URI without a host
   */
  static Path localPath(String href) throws ImageRefusedException {
    String path;
    if (href.startsWith("/")) {
      path = href;
    } else {
      try {
        URI uri = new URI(href);
        String authority = uri.getRawAuthority();
        if (uri.isOpaque()
            || uri.getPath() == null
            || !uri.getPath().startsWith("/")
            || authority != null && !authority.isEmpty()
            || uri.getRawQuery() != null
            || uri.getRawFragment() != null) {
          throw notAPath();
        }
        path = uri.getPath();
      } catch (URISyntaxException e) {
        throw notAPath();
      }
    }
    try {
      return Path.of(path).normalize();
    } catch (InvalidPathException e) {
      throw notAPath();
    }
  }

  private static ImageRefusedException notAPath() {
    return new ImageRefusedException(
        "is not an absolute path or a file: URI without host, query or fragment (use"
            + " file:///dir/name or /dir/name)");
  }

  /**
   * Parses an http(s) URL.
   *
   * @throws ImageRefusedException when it is not one with a host
   */
  static URI httpUri(String href) throws ImageRefusedException {
    try {
      URI uri = new URI(href);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw new ImageRefusedException("is not an http(s) URL with a host, a file: URI or a path");
  }

  /**
   * Checks an http(s) URL: its scheme and, when image_url_allowed_hosts is set, its host.
   *
   * @param shown how the URL appears in the message (redacted)
   * @param uri the URL
   * @throws ImageRefusedException naming image_url_allowed_hosts
   */
  void checkUrl(String shown, URI uri) throws ImageRefusedException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new ImageRefusedException("is not an http(s) URL with a host");
    }
    if (!hostAllowed(uri.getHost())) {
      throw new ImageRefusedException(
          "names host "
              + uri.getHost()
              + ", which is not in "
              + ALLOWED_HOSTS
              + " "
              + allowedHosts
              + "; use an allowed host, or add it to "
              + ALLOWED_HOSTS
              + " in etc/org.amtpxe.pxe.cfg");
    }
  }

  /** Whether a host is allowed: any when the list is empty, else an exact or suffix match. */
  public boolean hostAllowed(String host) {
    if (allowedHosts.isEmpty()) {
      return true;
    }
    String h = host.toLowerCase(Locale.ROOT);
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    for (String allowed : allowedHosts) {
      if (allowed.startsWith("*.")) {
        String suffix = allowed.substring(1); // ".example.org"
        if (h.endsWith(suffix) && h.length() > suffix.length()) {
          return true;
        }
      } else if (h.equals(allowed)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The real path of a path that may not exist yet: the real path of its deepest existing ancestor
   * with the rest appended; the normalized path when nothing can be resolved.
   */
  public static Path realOrNormal(Path path) {
    Path p = path.toAbsolutePath().normalize();
    Path existing = p;
    while (existing != null) {
      try {
        Path real = existing.toRealPath();
        return real.resolve(existing.relativize(p)).normalize();
      } catch (IOException | SecurityException e) {
        existing = existing.getParent();
      }
    }
    return p;
  }

  /** Why a source is refused; the message names the setting and says what to do. */
  public static final class ImageRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageRefusedException(String message) {
      super(message);
    }
  }
}
