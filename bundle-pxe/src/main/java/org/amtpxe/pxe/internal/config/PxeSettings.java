package org.amtpxe.pxe.internal.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.amtpxe.pxe.internal.cache.ImageSourcePolicy;
import org.amtpxe.pxe.internal.http.HttpTls;

/**
 * The validated, immutable form of {@link PxeConfig}: paths resolved, URLs checked, ranges
 * enforced. Built by {@link #from}, which reports every bad value at once.
 *
 * @param imageSources image_dirs, image_url_allowed_hosts, image_max_size_mb and the download
 *     deadline, with the directories never read
 * @param httpTls the HTTP boot server's keystore, or null for plain HTTP
 */
public record PxeSettings(
    boolean tftpEnabled,
    InetAddress tftpAddress,
    int tftpPort,
    Path tftpRoot,
    int tftpMaxBlockSize,
    int tftpMaxWindowSize,
    Duration tftpTimeout,
    Duration tftpMaxTimeout,
    int tftpRetries,
    Duration tftpTransferLifetime,
    int tftpMaxTransfers,
    int tftpMaxTransfersPerClient,
    boolean httpEnabled,
    InetAddress httpAddress,
    int httpPort,
    Path httpRoot,
    String httpUrl,
    String apiUrl,
    Path imageCacheDir,
    long imageCacheSizeBytes,
    Duration imageCacheTtl,
    Duration imageDownloadTimeout,
    BootMode defaultBootMode,
    String pxeAppendParams,
    List<String> diskDevices,
    int notifyPort,
    Duration notifyTimeout,
    boolean rearmBeforeReboot,
    // image sources
    ImageSourcePolicy imageSources,
    // HTTP boot server TLS
    HttpTls httpTls) {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern DISK = Pattern.compile("[A-Za-z0-9/_.-]+");
  private static final Pattern HOST =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9a-f:.]+\\]");
  private static final long MAX_IMAGE_MB = 16L * 1024 * 1024;

  public PxeSettings {
    diskDevices = List.copyOf(diskDevices);
  }

  /**
   * Validates a configuration, without a Karaf etc directory to protect.
   *
   * @see #from(PxeConfig, Path, Path)
   */
  public static PxeSettings from(PxeConfig c, Path dataDir) {
    return from(c, dataDir, null);
  }

  /**
   * Validates a configuration.
   *
   * @param c the configuration as ConfigAdmin delivered it
   * @param dataDir the directory relative defaults live under (Karaf's {@code karaf.data})
   * @param etcDir Karaf's {@code karaf.etc}, never read as an image; null when not known
   * @return the settings
   * @throws IllegalArgumentException naming every bad key, its value and what is allowed
   */
  public static PxeSettings from(PxeConfig c, Path dataDir, Path etcDir) {
    List<String> errors = new ArrayList<>();
    InetAddress tftpAddress = ipv4("tftp_address", c.tftp__address(), errors);
    InetAddress httpAddress = ipv4("http_address", c.http__address(), errors);
    int tftpPort = range("tftp_port", c.tftp__port(), 1, 65535, errors);
    int httpPort = range("http_port", c.http__port(), 1, 65535, errors);
    Path tftpRoot = path(c.tftp__root(), dataDir.resolve("amtpxe").resolve("tftpboot"));
    Path httpRoot = path(c.http__root(), tftpRoot);
    Path cacheDir = path(c.image__cache__dir(), dataDir.resolve("amtpxe").resolve("master_images"));
    if (cacheDir.startsWith(tftpRoot) || cacheDir.startsWith(httpRoot)) {
      errors.add(
          "image_cache_dir="
              + cacheDir
              + " lies inside a served root; choose a directory beside tftp_root/http_root on the"
              + " same filesystem");
    }
    HttpTls httpTls = httpTls(c, errors);
    String httpUrl = stripSlash(c.http__url().trim());
    if (httpUrl.isEmpty()) {
      if (httpAddress != null && !httpAddress.isAnyLocalAddress()) {
        httpUrl =
            (httpTls == null ? "http://" : "https://")
                + httpAddress.getHostAddress()
                + ":"
                + httpPort;
      }
    } else {
      httpUrl = httpUrl("http_url", httpUrl, errors);
    }
    String apiUrl = stripSlash(c.api__url().trim());
    if (!apiUrl.isEmpty()) {
      apiUrl = httpUrl("api_url", apiUrl, errors);
    }
    BootMode bootMode = null;
    try {
      bootMode = BootMode.parse(c.default__boot__mode());
    } catch (IllegalArgumentException e) {
      errors.add("default_boot_mode=" + c.default__boot__mode() + ": " + e.getMessage());
    }
    List<String> disks = new ArrayList<>();
    for (String d : c.disk__devices().split(",")) {
      String disk = d.trim();
      if (disk.isEmpty()) {
        continue;
      }
      if (!DISK.matcher(disk).matches()) {
        errors.add("disk_devices contains '" + disk + "': use device names like sda or vda");
      }
      disks.add(disk);
    }
    if (disks.isEmpty()) {
      errors.add("disk_devices is empty: name at least one disk, e.g. sda,vda");
    }
    String append = c.pxe__append__params().trim();
    if (append.contains("\n") || append.contains("\r")) {
      errors.add("pxe_append_params must be one line");
    }
    int blksize = range("tftp_max_block_size", c.tftp__max__block__size(), 8, 65464, errors);
    int window = range("tftp_max_window_size", c.tftp__max__window__size(), 1, 64, errors);
    int timeoutMs = range("tftp_timeout_ms", c.tftp__timeout__ms(), 10, 255_000, errors);
    int maxTimeout =
        range("tftp_max_timeout_seconds", c.tftp__max__timeout__seconds(), 1, 255, errors);
    if (maxTimeout >= 1 && maxTimeout <= 255 && timeoutMs > maxTimeout * 1000) {
      // Otherwise a client asking no timeout would get a longer one than a client asking one.
      errors.add(
          "tftp_timeout_ms="
              + timeoutMs
              + ": must not exceed tftp_max_timeout_seconds="
              + maxTimeout
              + " ("
              + maxTimeout * 1000
              + " ms); lower tftp_timeout_ms or raise tftp_max_timeout_seconds");
    }
    int retries = range("tftp_retries", c.tftp__retries(), 0, 100, errors);
    int lifetime =
        range(
            "tftp_transfer_lifetime_seconds",
            c.tftp__transfer__lifetime__seconds(),
            10,
            86_400,
            errors);
    int transfers = range("tftp_max_transfers", c.tftp__max__transfers(), 1, 10_000, errors);
    int perClient =
        range(
            "tftp_max_transfers_per_client",
            c.tftp__max__transfers__per__client(),
            1,
            10_000,
            errors);
    long sizeMb = c.image__cache__size__mb();
    if (sizeMb < 0) {
      errors.add("image_cache_size_mb=" + sizeMb + ": must be 0 or more");
    }
    long ttl = c.image__cache__ttl__minutes();
    if (ttl < 0) {
      errors.add("image_cache_ttl_minutes=" + ttl + ": must be 0 or more");
    }
    int download =
        range(
            "image_download_timeout_seconds",
            c.image__download__timeout__seconds(),
            1,
            86_400,
            errors);
    int notifyPort = range("notify_port", c.notify__port(), 1, 65535, errors);
    int notifyTimeout =
        range("notify_timeout_seconds", c.notify__timeout__seconds(), 1, 3600, errors);
    ImageSourcePolicy imageSources =
        imageSources(c, dataDir, etcDir, tftpRoot, httpRoot, cacheDir, download, errors);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid configuration "
              + PxeConfig.PID
              + ": "
              + String.join("; ", errors)
              + ". Fix etc/"
              + PxeConfig.PID
              + ".cfg; the previous configuration stays in force.");
    }
    return new PxeSettings(
        c.tftp__enabled(),
        tftpAddress,
        tftpPort,
        tftpRoot,
        blksize,
        window,
        Duration.ofMillis(timeoutMs),
        Duration.ofSeconds(maxTimeout),
        retries,
        Duration.ofSeconds(lifetime),
        transfers,
        perClient,
        c.http__enabled(),
        httpAddress,
        httpPort,
        httpRoot,
        httpUrl,
        apiUrl,
        cacheDir,
        sizeMb * 1024 * 1024,
        Duration.ofMinutes(ttl),
        Duration.ofSeconds(download),
        bootMode,
        append,
        disks,
        notifyPort,
        Duration.ofSeconds(notifyTimeout),
        c.rearm__before__reboot(),
        imageSources,
        httpTls);
  }

  /**
   * Validates http_tls_keystore and its password by loading the keystore, so that a bad one is
   * refused with the configuration rather than when the server starts. No message carries the
   * password.
   */
  private static HttpTls httpTls(PxeConfig c, List<String> errors) {
    String path = c.http__tls__keystore().trim();
    String password = c.http__tls__keystore__password();
    if (path.isEmpty()) {
      if (!password.isEmpty()) {
        errors.add(
            "http_tls_keystore_password is set but http_tls_keystore is not: set both for"
                + " HTTPS, or neither");
      }
      return null;
    }
    Path keystore;
    try {
      keystore = Path.of(path);
    } catch (InvalidPathException e) {
      errors.add("http_tls_keystore=" + path + ": not a path");
      return null;
    }
    if (!keystore.isAbsolute() || !Files.isRegularFile(keystore)) {
      errors.add("http_tls_keystore=" + path + ": must be the absolute path of a PKCS12 file");
      return null;
    }
    try (var in = Files.newInputStream(keystore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password.toCharArray());
      boolean hasKey = false;
      for (String alias : Collections.list(ks.aliases())) {
        hasKey |= ks.isKeyEntry(alias);
      }
      if (!hasKey) {
        errors.add("http_tls_keystore=" + path + ": holds no private key");
        return null;
      }
    } catch (IOException e) {
      errors.add(
          "http_tls_keystore="
              + path
              + ": cannot be read as a PKCS12 keystore with http_tls_keystore_password"
              + (e.getCause() instanceof UnrecoverableKeyException
                  ? " (wrong password)"
                  : " (" + e.getClass().getSimpleName() + ")"));
      return null;
    } catch (GeneralSecurityException e) {
      errors.add("http_tls_keystore=" + path + ": " + e.getClass().getSimpleName());
      return null;
    }
    return new HttpTls(keystore, password);
  }

  /**
   * Validates image_dirs, image_url_allowed_hosts and image_max_size_mb. An image directory that
   * is, lies in or contains a protected directory is an error: the system directories, the roots,
   * the image cache, Karaf's data directory (its {@code amtpxe/images} excepted) and etc directory.
   */
  private static ImageSourcePolicy imageSources(
      PxeConfig c,
      Path dataDir,
      Path etcDir,
      Path tftpRoot,
      Path httpRoot,
      Path cacheDir,
      int downloadSeconds,
      List<String> errors) {
    Path data = dataDir.toAbsolutePath().normalize();
    Map<Path, String> protectedDirs = new LinkedHashMap<>();
    ImageSourcePolicy.SYSTEM_DIRS.forEach(p -> protectedDirs.put(p, p.toString()));
    protectedDirs.putIfAbsent(data, "Karaf's data directory " + data);
    if (etcDir != null) {
      Path etc = etcDir.toAbsolutePath().normalize();
      protectedDirs.putIfAbsent(etc, "Karaf's etc directory " + etc);
    }
    protectedDirs.putIfAbsent(tftpRoot, "tftp_root " + tftpRoot);
    protectedDirs.putIfAbsent(httpRoot, "http_root " + httpRoot);
    protectedDirs.putIfAbsent(cacheDir, "image_cache_dir " + cacheDir);
    List<Path> exempt = List.of(data.resolve("amtpxe").resolve("images"));
    List<Path> dirs = new ArrayList<>();
    for (String part : c.image__dirs().split(",")) {
      String v = part.trim();
      if (v.isEmpty()) {
        continue;
      }
      Path dir;
      try {
        dir = Path.of(v.replace("${karaf.data}", data.toString()));
      } catch (InvalidPathException e) {
        errors.add("image_dirs contains '" + v + "': not a path");
        continue;
      }
      if (!dir.isAbsolute()) {
        errors.add("image_dirs contains '" + v + "': must be an absolute directory");
        continue;
      }
      dirs.add(dir.normalize());
    }
    long maxMb = c.image__max__size__mb();
    if (maxMb < 1 || maxMb > MAX_IMAGE_MB) {
      errors.add("image_max_size_mb=" + maxMb + ": must be between 1 and " + MAX_IMAGE_MB);
    }
    ImageSourcePolicy policy =
        new ImageSourcePolicy(
            dirs,
            List.copyOf(protectedDirs.keySet()),
            exempt,
            allowedHosts(c.image__url__allowed__hosts(), errors),
            Math.max(1, Math.min(maxMb, MAX_IMAGE_MB)) * 1024 * 1024,
            Duration.ofSeconds(downloadSeconds));
    for (Path dir : dirs) {
      Path real = ImageSourcePolicy.realOrNormal(dir);
      // Name the first protected directory the entry is or contains, else the deepest it lies in.
      String contained = null;
      Path within = null;
      for (Map.Entry<Path, String> p : protectedDirs.entrySet()) {
        Path pReal = ImageSourcePolicy.realOrNormal(p.getKey());
        if (contained == null
            && (p.getKey().startsWith(dir)
                || p.getKey().startsWith(real)
                || pReal.startsWith(dir)
                || pReal.startsWith(real))) {
          contained = p.getValue();
        }
        boolean inside =
            under(dir, p.getKey(), pReal, policy) || under(real, p.getKey(), pReal, policy);
        if (inside && (within == null || p.getKey().getNameCount() > within.getNameCount())) {
          within = p.getKey();
        }
      }
      if (contained != null || within != null) {
        errors.add(
            "image_dirs contains "
                + dir
                + (real.equals(dir) ? "" : " (really " + real + ")")
                + ", which "
                + (contained != null
                    ? "is or contains " + contained
                    : "lies in " + protectedDirs.get(within))
                + ": images must come from a directory of their own, e.g. /srv/images or "
                + exempt.get(0));
      }
    }
    return policy;
  }

  /** Whether path lies in the protected directory p (as configured or real), not exempt. */
  private static boolean under(Path path, Path p, Path pReal, ImageSourcePolicy policy) {
    ImageSourcePolicy only =
        new ImageSourcePolicy(
            List.of(), List.of(p, pReal), policy.exemptDirs(), List.of(), 1, Duration.ofSeconds(1));
    return only.isProtected(path);
  }

  private static List<String> allowedHosts(String value, List<String> errors) {
    List<String> hosts = new ArrayList<>();
    for (String part : value.split(",")) {
      String h = part.trim().toLowerCase(Locale.ROOT);
      while (h.endsWith(".")) {
        h = h.substring(0, h.length() - 1);
      }
      if (h.isEmpty()) {
        continue;
      }
      String name = h.startsWith("*.") ? h.substring(2) : h;
      if (!HOST.matcher(name).matches()
          && !(!h.startsWith("*.") && IPV6_LITERAL.matcher(h).matches())) {
        errors.add(
            "image_url_allowed_hosts contains '"
                + part.trim()
                + "': use host names, IP addresses ([::1] for IPv6) or *.example.org");
        continue;
      }
      hosts.add(h);
    }
    return hosts;
  }

  /** Whether TFTP and HTTP serve one directory. */
  public boolean sharedRoot() {
    return tftpRoot.equals(httpRoot);
  }

  private static InetAddress ipv4(String key, String value, List<String> errors) {
    String v = value.trim();
    if (!IPV4.matcher(v).matches()) {
      errors.add(key + "=" + value + ": not an IPv4 address (use 0.0.0.0 for every interface)");
      return null;
    }
    boolean valid = Arrays.stream(v.split("\\.")).allMatch(p -> Integer.parseInt(p) <= 255);
    if (!valid) {
      errors.add(key + "=" + value + ": not an IPv4 address");
      return null;
    }
    try {
      return InetAddress.getByName(v); // a literal: no lookup
    } catch (UnknownHostException e) {
      errors.add(key + "=" + value + ": " + e.getMessage());
      return null;
    }
  }

  private static int range(String key, int value, int min, int max, List<String> errors) {
    if (value < min || value > max) {
      errors.add(key + "=" + value + ": must be between " + min + " and " + max);
    }
    return value;
  }

  private static Path path(String value, Path fallback) {
    String v = value.trim();
    return (v.isEmpty() ? fallback : Path.of(v)).toAbsolutePath().normalize();
  }

  private static String httpUrl(String key, String value, List<String> errors) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        errors.add(
            key + "=" + value + ": must be an http(s) URL with a host, e.g. http://10.0.0.1:8080");
      } else if (uri.getQuery() != null || uri.getFragment() != null) {
        errors.add(key + "=" + value + ": must not carry a query or fragment");
      }
    } catch (java.net.URISyntaxException e) {
      errors.add(key + "=" + value + ": not a URL (" + e.getReason() + ")");
    }
    return value;
  }

  private static String stripSlash(String url) {
    String u = url;
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }
}
