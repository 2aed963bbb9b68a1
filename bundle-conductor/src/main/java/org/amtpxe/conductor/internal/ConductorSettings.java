package org.amtpxe.conductor.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.amtpxe.api.config.ConfigProblems;
import org.amtpxe.api.config.TypedConfig;
import org.amtpxe.conductor.internal.cluster.ClusterTrust;
import org.amtpxe.conductor.internal.rest.ApiServer;

/**
 * The validated, immutable form of {@link ConductorConfig}. Built by {@link #from}, which reads
 * every key through {@link TypedConfig} (types and defaults from {@link ConductorConfig}) and
 * reports every bad value at once in the format of {@link ConfigProblems}, so that the component
 * keeps its previous settings.
 *
 * @param authRealm the JAAS realm that checks API users, or null for no authentication
 * @param authCache how long a verified credential is remembered
 * @param dbPassword never shown by {@link #toString()}
 * @param apiRamdiskPort the plain-HTTP port for the deploy ramdisk's routes only, or -1 for none
 * @param apiTlsKeystore the API's PKCS12 keystore, or null for plain HTTP
 * @param apiTlsKeystorePassword never shown by {@link #toString()}
 * @param apiTlsGenerate whether a missing keystore is generated with a self-signed certificate
 * @param heartbeatInterval time between this conductor's heartbeats
 * @param heartbeatTimeout a conductor without a heartbeat for this long is dead
 * @param conductorGroup this conductor's group, lower case ({@code ""} for none)
 * @param hashPartitions points per conductor on the hash ring
 * @param clusterSecretFile the secret signing calls between conductors, or null for none
 * @param clusterCaFile the certificates trusted in calls between conductors over HTTPS, or null for
 *     the JVM's default trust store
 * @param consoleHost the address serial console ports bind (docs/console.md#access)
 */
public record ConductorSettings(
    String apiHost,
    int apiPort,
    int apiThreads,
    Path authFile,
    String authRealm,
    Duration authCache,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String host,
    Duration syncInterval,
    int syncParallelism,
    Duration syncTimeout,
    int syncMaxRetries,
    Duration callbackTimeout,
    Duration callbackCheckInterval,
    int workerThreads,
    int workerQueue,
    Duration apiBodyTimeout,
    int apiMaxConnections,
    int apiRamdiskPort,
    Path apiTlsKeystore,
    String apiTlsKeystorePassword,
    boolean apiTlsGenerate,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    String conductorGroup,
    int hashPartitions,
    Path clusterSecretFile,
    Path clusterCaFile,
    String consoleHost) {
  private static final int MAX = Integer.MAX_VALUE;
  private static final Pattern REALM = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{0,255}");
  // A password in a JDBC URL: a password=... parameter, or user:password@ before the host.
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^;&]*");
  private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@]*:)[^/@]*@");

  /** The conductor's own realm, over the credentials file (auth_file). */
  public static final String AMTPXE_REALM = "amtpxe";

  /**
   * Reads and validates a configuration, with relative TLS keystore paths under {@code
   * ${karaf.etc}}.
   *
   * @see #from(Map, Path, Path)
   */
  public static ConductorSettings from(Map<String, ?> properties, Path dataDir) {
    return from(properties, dataDir, Path.of(System.getProperty("karaf.etc", "etc")));
  }

  /**
   * Reads and validates a configuration.
   *
   * @param properties the configuration as ConfigAdmin delivers it; absent keys get the defaults of
   *     {@link ConductorConfig}, other keys are ignored
   * @param dataDir the default location of the H2 database ({@code ${karaf.data}})
   * @param etcDir where relative keystore paths are ({@code ${karaf.etc}})
   * @return the settings
   * @throws ConfigProblems.InvalidConfigurationException naming every bad key, its value and what
   *     is allowed
   */
  public static ConductorSettings from(Map<String, ?> properties, Path dataDir, Path etcDir) {
    ConfigProblems problems = new ConfigProblems(ConductorConfig.PID);
    ConductorConfig c = TypedConfig.read(ConductorConfig.class, properties, problems);
    String apiHost = c.api__host().strip();
    String consoleHost = c.console__host().strip();
    problems.check(
        "console_host",
        c.console__host(),
        !consoleHost.isEmpty(),
        "must be an address such as 127.0.0.1 (off loopback, console clients send a token first)");
    problems.check(
        "api_host", c.api__host(), !apiHost.isEmpty(), "must be an address such as 127.0.0.1");
    int apiPort = problems.integer("api_port", c.api__port(), 0, 65535);
    int apiThreads = problems.integer("api_threads", c.api__threads(), 8, MAX);
    String realm = c.auth__realm().strip();
    problems.check(
        "auth_realm",
        c.auth__realm(),
        REALM.matcher(realm).matches(),
        "must be a JAAS realm name of 1-64 letters, digits, '.', '_' or '-': amtpxe (the"
            + " credentials file) or a realm configured in Karaf, such as karaf");
    String auth = c.auth__file().strip();
    Path authFile = null;
    if (!auth.isEmpty()) {
      try {
        authFile = Path.of(auth);
      } catch (InvalidPathException e) {
        authFile = null;
      }
      if (authFile == null || !Files.isReadable(authFile)) {
        problems.add(
            "auth_file",
            c.auth__file(),
            "must be a readable file: create it with baremetal:user-add");
        authFile = null;
      }
    } else if (realm.equals(AMTPXE_REALM)
        && problems.valid("api_host")
        && !ApiServer.isLoopback(apiHost)) {
      problems.add(
          "api_host",
          c.api__host(),
          "must be a loopback address such as 127.0.0.1 while the API has no credentials: set"
              + " auth_file (baremetal:user-add creates it) or auth_realm (a Karaf JAAS realm)");
    }
    int authCache = problems.integer("auth_cache_seconds", c.auth__cache__seconds(), 0, 3600);
    String url = c.db__url().strip();
    if (url.isEmpty()) {
      // NOTE: WRITE_DELAY=0 writes every commit to the file at once. H2's default (500 ms) loses
      // the last commits when the process is killed, so a crash would forget locks and
      // transient states instead of recovering them (found by DistributionIT's kill -9).
      url =
          "jdbc:h2:file:"
              + dataDir.resolve("amtpxe").resolve("conductor").toAbsolutePath()
              + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:postgresql:")) {
      // NOTE: the key is not a password key, but the URL may carry one.
      problems.add("db_url", withoutSecrets(url), "must start with jdbc:h2: or jdbc:postgresql:");
    }
    // An empty host is resolved to the machine's name when the runtime starts (not here: a DNS
    // lookup must not block activation).
    String host = c.host().strip();
    problems.check("host", host, host.length() <= 255, "must be at most 255 characters long");
    int syncInterval = problems.integer("sync_interval", c.sync__interval(), 0, MAX);
    int syncParallelism = problems.integer("sync_parallelism", c.sync__parallelism(), 1, MAX);
    int syncTimeout = problems.integer("sync_timeout", c.sync__timeout(), 1, MAX);
    int syncMaxRetries = problems.integer("sync_max_retries", c.sync__max__retries(), 0, MAX);
    int callbackTimeout = problems.integer("callback_timeout", c.callback__timeout(), 0, MAX);
    int callbackCheckInterval =
        problems.integer("callback_check_interval", c.callback__check__interval(), 1, MAX);
    int workerThreads = problems.integer("worker_threads", c.worker__threads(), 1, MAX);
    int workerQueue = problems.integer("worker_queue", c.worker__queue(), 0, MAX);
    if (problems.valid("worker_threads", "worker_queue")) {
      // Workers admits threads + queue operations at once: the sum must be an int.
      problems.check(
          "worker_queue",
          workerQueue,
          (long) workerThreads + workerQueue <= MAX,
          "must not exceed " + (MAX - workerThreads) + " (" + MAX + " minus worker_threads)");
    }
    int bodyTimeout =
        problems.integer("api_body_timeout_seconds", c.api__body__timeout__seconds(), 1, 3600);
    int maxConnections = problems.integer("api_max_connections", c.api__max__connections(), 1, MAX);
    int ramdiskPort = ramdiskPort(c.api__ramdisk__port(), problems);
    int heartbeatInterval =
        problems.integer("heartbeat_interval", c.heartbeat__interval(), 1, 3600);
    int heartbeatTimeout = problems.integer("heartbeat_timeout", c.heartbeat__timeout(), 2, 86400);
    if (problems.valid("heartbeat_interval", "heartbeat_timeout")) {
      problems.check(
          "heartbeat_timeout",
          heartbeatTimeout,
          heartbeatTimeout > heartbeatInterval,
          "must be more than heartbeat_interval ("
              + heartbeatInterval
              + "), or live conductors would be seen dead between two heartbeats");
    }
    String group = c.conductor__group().strip();
    problems.check(
        "conductor_group",
        group,
        GROUP.matcher(group).matches(),
        "must be at most 255 letters, digits, '.', '_' or '-' (Ironic's rule), or empty");
    int partitions = problems.integer("hash_partitions", c.hash__partitions(), 1, 4096);
    Path clusterSecret = null;
    String secretText = c.cluster__secret__file().strip();
    if (!secretText.isEmpty()) {
      try {
        clusterSecret = etcDir.resolve(secretText).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        problems.add("cluster_secret_file", secretText, "must be a file path");
      }
      if (clusterSecret != null && !Files.isReadable(clusterSecret)) {
        problems.add(
            "cluster_secret_file",
            secretText,
            "must be a readable file with the same secret on every conductor: create it with"
                + " 'head -c 48 /dev/urandom | base64 > "
                + clusterSecret
                + "' and copy it to the others");
        clusterSecret = null;
      }
    }
    Path clusterCa = null;
    String caText = c.cluster__cafile().strip();
    if (!caText.isEmpty()) {
      try {
        clusterCa = etcDir.resolve(caText).toAbsolutePath().normalize();
        ClusterTrust.fromPem(clusterCa);
      } catch (InvalidPathException e) {
        problems.add("cluster_cafile", caText, "must be a file path");
      } catch (IOException e) {
        problems.add("cluster_cafile", caText, e.getMessage());
        clusterCa = null;
      }
    }
    boolean generate = c.api__tls__generate();
    Path keystore = keystore(c, generate, etcDir, problems);
    problems.throwIfAny();
    return new ConductorSettings(
        apiHost,
        apiPort,
        apiThreads,
        authFile,
        authFile == null && realm.equals(AMTPXE_REALM) ? null : realm,
        Duration.ofSeconds(authCache),
        url,
        c.db__user(),
        c.db__password(),
        host,
        Duration.ofSeconds(syncInterval),
        syncParallelism,
        Duration.ofSeconds(syncTimeout),
        syncMaxRetries,
        Duration.ofSeconds(callbackTimeout),
        Duration.ofSeconds(callbackCheckInterval),
        workerThreads,
        workerQueue,
        Duration.ofSeconds(bodyTimeout),
        maxConnections,
        ramdiskPort,
        keystore,
        c.api__tls__keystore__password(),
        generate,
        Duration.ofSeconds(heartbeatInterval),
        Duration.ofSeconds(heartbeatTimeout),
        group.toLowerCase(java.util.Locale.ROOT),
        partitions,
        clusterSecret,
        clusterCa,
        consoleHost);
  }

  /**
   * The settings a configuration without any key gives: the defaults of {@link ConductorConfig}.
   */
  public static ConductorSettings defaults(Path dataDir) {
    return from(Map.of(), dataDir);
  }

  /**
   * api_ramdisk_port: empty for none (-1), otherwise a port. NOTE: the key is a {@code String} in
   * the interface because an empty value, which operators' files carry, means "none"; an {@code
   * int} key would refuse it.
   */
  private static int ramdiskPort(String value, ConfigProblems problems) {
    String text = value.strip();
    if (text.isEmpty()) {
      return -1;
    }
    int port = -1;
    try {
      port = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.check(
        "api_ramdisk_port",
        value,
        port >= 0 && port <= 65535,
        "must be empty (none) or an integer in 0-65535");
    return port;
  }

  /**
   * api_tls_keystore resolved under etcDir, checked with its password and api_tls_generate.
   *
   * @return the keystore, or null for plain HTTP
   */
  private static Path keystore(
      ConductorConfig c, boolean generate, Path etcDir, ConfigProblems problems) {
    String text = c.api__tls__keystore().strip();
    String password = c.api__tls__keystore__password();
    if (text.isEmpty()) {
      if (problems.valid("api_tls_generate")) {
        problems.check(
            "api_tls_generate",
            generate,
            !generate,
            "must be false while api_tls_keystore is empty: set the file to generate, e.g."
                + " api_tls_keystore = amtpxe-api.p12");
      }
      return null;
    }
    Path keystore;
    try {
      keystore = etcDir.resolve(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      problems.add("api_tls_keystore", c.api__tls__keystore(), "must be a file path");
      return null;
    }
    problems.check(
        "api_tls_keystore_password",
        password,
        !password.isEmpty(),
        "must be set to the password of api_tls_keystore " + keystore);
    if (Files.exists(keystore)) {
      problems.check(
          "api_tls_keystore",
          c.api__tls__keystore(),
          Files.isReadable(keystore) && !Files.isDirectory(keystore),
          "must name a readable file (" + keystore + " is not one)");
    } else if (!generate) {
      if (problems.valid("api_tls_generate")) {
        problems.add(
            "api_tls_keystore",
            c.api__tls__keystore(),
            "must name an existing PKCS12 keystore ("
                + keystore
                + " does not exist): create it or set api_tls_generate=true");
      }
    } else if (!password.isEmpty()) {
      problems.check(
          "api_tls_keystore_password",
          password,
          password.length() >= 6,
          "must be at least 6 characters long, keytool's minimum for a generated keystore");
    }
    return keystore;
  }

  /** A JDBC URL with any password in it replaced, for messages and logs. */
  static String withoutSecrets(String url) {
    String masked = URL_PASSWORD.matcher(url).replaceAll("$1" + ConfigProblems.NOT_SHOWN);
    return URL_USER_INFO.matcher(masked).replaceAll("$1" + ConfigProblems.NOT_SHOWN + "@");
  }

  /** Whether the API serves plain HTTP on an address other hosts can reach. */
  public boolean plainHttpOffLoopback() {
    return apiTlsKeystore == null && !ApiServer.isLoopback(apiHost);
  }

  /** The configured host name, or the machine's name when none is configured. */
  public String resolvedHost() {
    if (!host.isEmpty()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  @Override
  public String toString() {
    return "ConductorSettings[api="
        + (apiTlsKeystore == null ? "http://" : "https://")
        + apiHost
        + ":"
        + apiPort
        + ", tls="
        + (apiTlsKeystore == null ? "off" : apiTlsKeystore + (apiTlsGenerate ? " (generate)" : ""))
        + ", bodyTimeout="
        + apiBodyTimeout.toSeconds()
        + "s, maxConnections="
        + apiMaxConnections
        + ", auth="
        + (authRealm == null ? "none" : "realm " + authRealm)
        + (authFile == null ? "" : " " + authFile)
        + ", db="
        + withoutSecrets(dbUrl)
        + ", host="
        + host
        + ", sync="
        + syncInterval.toSeconds()
        + "s x"
        + syncParallelism
        + " maxRetries "
        + syncMaxRetries
        + ", callbackTimeout="
        + callbackTimeout.toSeconds()
        + "s, workers="
        + workerThreads
        + ", heartbeat="
        + heartbeatInterval.toSeconds()
        + "s/"
        + heartbeatTimeout.toSeconds()
        + "s, group='"
        + conductorGroup
        + "']";
  }
}
