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
import org.amtpxe.api.config.ConfigProblems;
import org.amtpxe.api.config.TypedConfig;
import org.amtpxe.pxe.internal.cache.ImageSourcePolicy;
import org.amtpxe.pxe.internal.dhcp.DnsmasqHostEntries;
import org.amtpxe.pxe.internal.http.HttpTls;

/**
 * The validated, immutable form of {@link PxeConfig}: paths resolved, URLs checked, ranges
 * enforced. Built by {@link #from}, which reads every key through {@link TypedConfig} (types and
 * defaults from {@link PxeConfig}) and reports every bad value at once in the format of {@link
 * ConfigProblems}.
 *
 * @param imageSources image_dirs, image_url_allowed_hosts, image_max_size_mb and the download
 *     deadline, with the directories never read
 * @param httpTls the HTTP boot server's keystore, or null for plain HTTP
 * @param amtWait how long pxe_amt power and management calls wait for a missing AMT driver
 * @param dhcpEntries where this conductor writes its nodes' dnsmasq entries, or null for nowhere
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
    HttpTls httpTls,
    // the pxe_amt driver
    Duration amtWait,
    // DHCP entries for dnsmasq, or null
    DnsmasqHostEntries dhcpEntries) {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern DISK = Pattern.compile("[A-Za-z0-9/_.-]+");
  private static final Pattern HOST =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9a-f:.]+\\]");
  private static final long MAX_IMAGE_MB = 16L * 1024 * 1024;
  // Largest image_cache_size_mb and image_cache_ttl_minutes whose bytes or Duration do not
  // overflow.
  private static final long MAX_MB = Long.MAX_VALUE / (1024 * 1024);
  private static final long MAX_MINUTES = Long.MAX_VALUE / 60;

  public PxeSettings {
    diskDevices = List.copyOf(diskDevices);
  }

  /**
   * Validates a configuration, without a Karaf etc directory to protect.
   *
   * @see #from(Map, Path, Path)
   */
  public static PxeSettings from(Map<String, ?> properties, Path dataDir) {
    return from(properties, dataDir, null);
  }

  /**
   * Reads and validates a configuration.
   *
   * @param properties the configuration as ConfigAdmin delivers it; absent keys get the defaults of
   *     {@link PxeConfig}, other keys are ignored
   * @param dataDir the directory relative defaults live under (Karaf's {@code karaf.data})
   * @param etcDir Karaf's {@code karaf.etc}, never read as an image; null when not known
   * @return the settings
   * @throws ConfigProblems.InvalidConfigurationException naming every bad key, its value and what
   *     is allowed
   */
  public static PxeSettings from(Map<String, ?> properties, Path dataDir, Path etcDir) {
    ConfigProblems problems = new ConfigProblems(PxeConfig.PID);
    PxeConfig c = TypedConfig.read(PxeConfig.class, properties, problems);
    InetAddress tftpAddress = ipv4("tftp_address", c.tftp__address(), problems);
    InetAddress httpAddress = ipv4("http_address", c.http__address(), problems);
    int tftpPort = problems.integer("tftp_port", c.tftp__port(), 1, 65535);
    int httpPort = problems.integer("http_port", c.http__port(), 1, 65535);
    Path tftpRoot =
        path("tftp_root", c.tftp__root(), dataDir.resolve("amtpxe").resolve("tftpboot"), problems);
    Path httpRoot = path("http_root", c.http__root(), tftpRoot, problems);
    Path cacheDir =
        path(
            "image_cache_dir",
            c.image__cache__dir(),
            dataDir.resolve("amtpxe").resolve("master_images"),
            problems);
    problems.check(
        "image_cache_dir",
        cacheDir,
        !cacheDir.startsWith(tftpRoot) && !cacheDir.startsWith(httpRoot),
        "must lie outside tftp_root and http_root, beside them on the same filesystem");
    HttpTls httpTls = httpTls(c, problems);
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
      httpUrl = httpUrl("http_url", httpUrl, problems);
    }
    String apiUrl = stripSlash(c.api__url().trim());
    if (!apiUrl.isEmpty()) {
      apiUrl = httpUrl("api_url", apiUrl, problems);
    }
    BootMode bootMode = null;
    try {
      bootMode = BootMode.parse(c.default__boot__mode());
    } catch (IllegalArgumentException e) {
      problems.add(
          "default_boot_mode",
          c.default__boot__mode(),
          "must be one of "
              + String.join(", ", Arrays.stream(BootMode.values()).map(BootMode::value).toList()));
    }
    List<String> disks = new ArrayList<>();
    List<String> badDisks = new ArrayList<>();
    for (String d : c.disk__devices().split(",")) {
      String disk = d.trim();
      if (disk.isEmpty()) {
        continue;
      }
      if (!DISK.matcher(disk).matches()) {
        badDisks.add("'" + disk + "'");
      }
      disks.add(disk);
    }
    if (!badDisks.isEmpty()) {
      problems.add(
          "disk_devices",
          c.disk__devices(),
          "must list device names like sda or vda (" + notOne(badDisks) + ")");
    } else if (disks.isEmpty()) {
      problems.add("disk_devices", c.disk__devices(), "must name at least one disk, e.g. sda,vda");
    }
    String append = c.pxe__append__params().trim();
    problems.check(
        "pxe_append_params",
        append,
        !append.contains("\n") && !append.contains("\r"),
        "must be one line");
    int blksize = problems.integer("tftp_max_block_size", c.tftp__max__block__size(), 8, 65464);
    int window = problems.integer("tftp_max_window_size", c.tftp__max__window__size(), 1, 64);
    int timeoutMs = problems.integer("tftp_timeout_ms", c.tftp__timeout__ms(), 10, 255_000);
    int maxTimeout =
        problems.integer("tftp_max_timeout_seconds", c.tftp__max__timeout__seconds(), 1, 255);
    if (problems.valid("tftp_timeout_ms", "tftp_max_timeout_seconds")) {
      // Otherwise a client asking no timeout would get a longer one than a client asking one.
      problems.check(
          "tftp_timeout_ms",
          timeoutMs,
          timeoutMs <= maxTimeout * 1000,
          "must not exceed tftp_max_timeout_seconds="
              + maxTimeout
              + " ("
              + maxTimeout * 1000
              + " ms): lower tftp_timeout_ms or raise tftp_max_timeout_seconds");
    }
    int retries = problems.integer("tftp_retries", c.tftp__retries(), 0, 100);
    int lifetime =
        problems.integer(
            "tftp_transfer_lifetime_seconds", c.tftp__transfer__lifetime__seconds(), 10, 86_400);
    int transfers = problems.integer("tftp_max_transfers", c.tftp__max__transfers(), 1, 10_000);
    int perClient =
        problems.integer(
            "tftp_max_transfers_per_client", c.tftp__max__transfers__per__client(), 1, 10_000);
    long sizeMb = problems.integer("image_cache_size_mb", c.image__cache__size__mb(), 0, MAX_MB);
    long ttl =
        problems.integer("image_cache_ttl_minutes", c.image__cache__ttl__minutes(), 0, MAX_MINUTES);
    int download =
        problems.integer(
            "image_download_timeout_seconds", c.image__download__timeout__seconds(), 1, 86_400);
    int notifyPort = problems.integer("notify_port", c.notify__port(), 1, 65535);
    int notifyTimeout =
        problems.integer("notify_timeout_seconds", c.notify__timeout__seconds(), 1, 3600);
    int amtWait = problems.integer("amt_wait", c.amt__wait(), 0, 600);
    ImageSourcePolicy imageSources =
        imageSources(c, dataDir, etcDir, tftpRoot, httpRoot, cacheDir, download, problems);
    DnsmasqHostEntries dhcpEntries = dhcpEntries(c, httpUrl, problems);
    problems.throwIfAny();
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
        httpTls,
        Duration.ofSeconds(amtWait),
        dhcpEntries);
  }

  /** dhcp_hostsdir and dhcp_optsdir: both or neither, absolute, with an http_url to point at. */
  private static DnsmasqHostEntries dhcpEntries(
      PxeConfig c, String httpUrl, ConfigProblems problems) {
    String hosts = c.dhcp__hostsdir().trim();
    String opts = c.dhcp__optsdir().trim();
    if (hosts.isEmpty() && opts.isEmpty()) {
      return null;
    }
    if (hosts.isEmpty() || opts.isEmpty()) {
      String missing = hosts.isEmpty() ? "dhcp_hostsdir" : "dhcp_optsdir";
      problems.add(
          missing,
          "",
          "must be set too: dnsmasq needs both folders (--dhcp-hostsdir and --dhcp-optsdir)");
      return null;
    }
    Path hostsDir = absoluteDir("dhcp_hostsdir", hosts, problems);
    Path optsDir = absoluteDir("dhcp_optsdir", opts, problems);
    if (httpUrl.isEmpty()) {
      problems.add(
          "dhcp_hostsdir",
          hosts,
          "needs http_url (or a non-wildcard http_address): the entries point nodes at it");
    }
    if (hostsDir == null || optsDir == null || httpUrl.isEmpty()) {
      return null;
    }
    if (hostsDir.equals(optsDir)) {
      problems.add("dhcp_optsdir", opts, "must be another folder than dhcp_hostsdir");
      return null;
    }
    return new DnsmasqHostEntries(hostsDir, optsDir, httpUrl);
  }

  private static Path absoluteDir(String key, String value, ConfigProblems problems) {
    try {
      Path p = Path.of(value);
      if (p.isAbsolute()) {
        return p.normalize();
      }
    } catch (InvalidPathException e) {
      // reported below
    }
    problems.add(key, value, "must be an absolute folder path, e.g. /var/lib/amtpxe/dhcp-hosts");
    return null;
  }

  /** The settings a configuration without any key gives: the defaults of {@link PxeConfig}. */
  public static PxeSettings defaults(Path dataDir) {
    return from(Map.of(), dataDir);
  }

  /**
   * Validates http_tls_keystore and its password by loading the keystore, so that a bad one is
   * refused with the configuration rather than when the server starts. No message carries the
   * password.
   */
  private static HttpTls httpTls(PxeConfig c, ConfigProblems problems) {
    String path = c.http__tls__keystore().trim();
    String password = c.http__tls__keystore__password();
    String key = "http_tls_keystore";
    if (path.isEmpty()) {
      problems.check(
          "http_tls_keystore_password",
          password,
          password.isEmpty(),
          "must be empty when http_tls_keystore is: set both for HTTPS, or neither");
      return null;
    }
    Path keystore;
    try {
      keystore = Path.of(path);
    } catch (InvalidPathException e) {
      problems.add(key, path, "must be the absolute path of a PKCS12 file");
      return null;
    }
    if (!keystore.isAbsolute() || !Files.isRegularFile(keystore)) {
      problems.add(key, path, "must be the absolute path of a PKCS12 file");
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
        problems.add(key, path, "must hold a private key");
        return null;
      }
    } catch (IOException e) {
      problems.add(
          key,
          path,
          "must be a PKCS12 keystore that http_tls_keystore_password opens"
              + (e.getCause() instanceof UnrecoverableKeyException
                  ? " (wrong password)"
                  : " (" + e.getClass().getSimpleName() + ")"));
      return null;
    } catch (GeneralSecurityException e) {
      problems.add(key, path, "must be a PKCS12 keystore (" + e.getClass().getSimpleName() + ")");
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
      ConfigProblems problems) {
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
    String imageDirs = c.image__dirs();
    List<Path> dirs = new ArrayList<>();
    List<String> notAbsolute = new ArrayList<>();
    for (String part : imageDirs.split(",")) {
      String v = part.trim();
      if (v.isEmpty()) {
        continue;
      }
      Path dir;
      try {
        dir = Path.of(v.replace("${karaf.data}", data.toString()));
      } catch (InvalidPathException e) {
        notAbsolute.add("'" + v + "'");
        continue;
      }
      if (!dir.isAbsolute()) {
        notAbsolute.add("'" + v + "'");
        continue;
      }
      dirs.add(dir.normalize());
    }
    if (!notAbsolute.isEmpty()) {
      problems.add(
          "image_dirs", imageDirs, "must list absolute directories (" + notOne(notAbsolute) + ")");
    }
    long maxMb = problems.integer("image_max_size_mb", c.image__max__size__mb(), 1, MAX_IMAGE_MB);
    ImageSourcePolicy policy =
        new ImageSourcePolicy(
            dirs,
            List.copyOf(protectedDirs.keySet()),
            exempt,
            allowedHosts(c.image__url__allowed__hosts(), problems),
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
        problems.add(
            "image_dirs",
            imageDirs,
            "must not contain "
                + dir
                + (real.equals(dir) ? "" : " (really " + real + ")")
                + ", which "
                + (contained != null
                    ? "is or contains " + contained
                    : "lies in " + protectedDirs.get(within))
                + ": images come from a directory of their own, e.g. /srv/images or "
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

  private static List<String> allowedHosts(String value, ConfigProblems problems) {
    List<String> hosts = new ArrayList<>();
    List<String> bad = new ArrayList<>();
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
        bad.add("'" + part.trim() + "'");
        continue;
      }
      hosts.add(h);
    }
    if (!bad.isEmpty()) {
      problems.add(
          "image_url_allowed_hosts",
          value,
          "must list host names, IP addresses ([::1] for IPv6) or *.example.org ("
              + notOne(bad)
              + ")");
    }
    return hosts;
  }

  /** {@code 'a' is not one}, {@code 'a', 'b' are not}. */
  private static String notOne(List<String> items) {
    return String.join(", ", items) + (items.size() == 1 ? " is not one" : " are not");
  }

  /** Whether TFTP and HTTP serve one directory. */
  public boolean sharedRoot() {
    return tftpRoot.equals(httpRoot);
  }

  private static InetAddress ipv4(String key, String value, ConfigProblems problems) {
    String v = value.trim();
    String requirement = "must be an IPv4 address (0.0.0.0 for every interface)";
    if (!IPV4.matcher(v).matches()
        || !Arrays.stream(v.split("\\.")).allMatch(p -> Integer.parseInt(p) <= 255)) {
      problems.add(key, value, requirement);
      return null;
    }
    try {
      return InetAddress.getByName(v); // a literal: no lookup
    } catch (UnknownHostException e) {
      problems.add(key, value, requirement);
      return null;
    }
  }

  private static Path path(String key, String value, Path fallback, ConfigProblems problems) {
    String v = value.trim();
    try {
      return (v.isEmpty() ? fallback : Path.of(v)).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      problems.add(key, value, "must be a directory path");
      return fallback.toAbsolutePath().normalize();
    }
  }

  private static String httpUrl(String key, String value, ConfigProblems problems) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        problems.add(key, value, "must be an http(s) URL with a host, e.g. http://10.0.0.1:8080");
      } else if (uri.getQuery() != null || uri.getFragment() != null) {
        problems.add(key, value, "must not carry a query or fragment");
      }
    } catch (java.net.URISyntaxException e) {
      problems.add(key, value, "must be an http(s) URL (" + e.getReason() + ")");
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
