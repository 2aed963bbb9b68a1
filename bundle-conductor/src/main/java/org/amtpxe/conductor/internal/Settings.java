package org.amtpxe.conductor.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.amtpxe.conductor.internal.rest.ApiServer;

/**
 * The conductor's configuration, checked. Built from {@link ConductorConfig}; an invalid value
 * fails with every problem named, so that the component keeps its previous settings.
 *
 * @param authRealm the JAAS realm that checks API users, or null for no authentication
 * @param authCache how long a verified credential is remembered
 * @param dbPassword never shown by {@link #toString()}
 * @param apiRamdiskPort the plain-HTTP port for the deploy ramdisk's routes only, or -1 for none
 * @param apiTlsKeystore the API's PKCS12 keystore, or null for plain HTTP
 * @param apiTlsKeystorePassword never shown by {@link #toString()}
 * @param apiTlsGenerate whether a missing keystore is generated with a self-signed certificate
 */
public record Settings(
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
    boolean apiTlsGenerate) {
  private static final int MAX = Integer.MAX_VALUE;

  /** The conductor's own realm, over the credentials file (auth_file). */
  public static final String AMTPXE_REALM = "amtpxe";

  /**
   * Checks a configuration, with relative TLS keystore paths under {@code ${karaf.etc}}.
   *
   * @param dataDir the default location of the H2 database ({@code ${karaf.data}})
   * @throws IllegalArgumentException naming every invalid value and what to set instead
   */
  public static Settings from(ConductorConfig c, Path dataDir) {
    return from(c, dataDir, Path.of(System.getProperty("karaf.etc", "etc")));
  }

  /**
   * Checks a configuration.
   *
   * @param dataDir the default location of the H2 database ({@code ${karaf.data}})
   * @param etcDir where relative keystore paths are ({@code ${karaf.etc}})
   * @throws IllegalArgumentException naming every invalid value and what to set instead
   */
  public static Settings from(ConductorConfig c, Path dataDir, Path etcDir) {
    List<String> problems = new ArrayList<>();
    String apiHost = c.api__host() == null ? "" : c.api__host().strip();
    if (apiHost.isEmpty()) {
      problems.add("api_host is empty; set an address such as 127.0.0.1");
    }
    int apiPort =
        integer(
            problems,
            "api_port",
            c.api__port(),
            0,
            65535,
            "a port (1-65535, or 0 for any free one)");
    int apiThreads =
        integer(problems, "api_threads", c.api__threads(), 8, MAX, "a thread count of 8 or more");
    Path authFile = null;
    String auth = c.auth__file() == null ? "" : c.auth__file().strip();
    String realm = c.auth__realm() == null ? "" : c.auth__realm().strip();
    if (!realm.matches("[A-Za-z0-9._-]{1,64}")) {
      problems.add(
          "auth_realm \""
              + realm
              + "\" is not a JAAS realm name; use amtpxe (the credentials file) or the name of a"
              + " realm configured in Karaf, such as karaf");
    }
    if (!auth.isEmpty()) {
      authFile = Path.of(auth);
      if (!Files.isReadable(authFile)) {
        problems.add("auth_file " + auth + " cannot be read; create it with baremetal:user-add");
      }
    } else if (realm.equals(AMTPXE_REALM) && !apiHost.isEmpty() && !ApiServer.isLoopback(apiHost)) {
      problems.add(
          "api_host "
              + apiHost
              + " is not a loopback address, so the API needs credentials: set auth_file"
              + " (baremetal:user-add creates it) or auth_realm (a Karaf JAAS realm), or bind"
              + " 127.0.0.1");
    }
    int authCache =
        integer(
            problems,
            "auth_cache_seconds",
            c.auth__cache__seconds(),
            0,
            3600,
            "0 (never) or a number of seconds up to 3600");
    String url = c.db__url() == null ? "" : c.db__url().strip();
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
      problems.add("db_url must start with jdbc:h2: or jdbc:postgresql:");
    }
    // An empty host is resolved to the machine's name when the runtime starts (not here: a DNS
    // lookup must not block activation).
    String host = c.host() == null ? "" : c.host().strip();
    if (host.length() > 255) {
      problems.add("host is longer than 255 characters");
    }
    int syncInterval =
        integer(
            problems,
            "sync_interval",
            c.sync__interval(),
            0,
            MAX,
            "0 (off) or a positive number of seconds");
    int syncParallelism =
        integer(
            problems,
            "sync_parallelism",
            c.sync__parallelism(),
            1,
            MAX,
            "a positive number of nodes");
    int syncTimeout =
        integer(
            problems, "sync_timeout", c.sync__timeout(), 1, MAX, "a positive number of seconds");
    int syncMaxRetries =
        integer(
            problems,
            "sync_max_retries",
            c.sync__max__retries(),
            0,
            MAX,
            "0 (never) or a positive number of failed reads");
    int callbackTimeout =
        integer(
            problems,
            "callback_timeout",
            c.callback__timeout(),
            0,
            MAX,
            "0 (none) or a positive number of seconds");
    int callbackCheckInterval =
        integer(
            problems,
            "callback_check_interval",
            c.callback__check__interval(),
            1,
            MAX,
            "a positive number of seconds");
    int workerThreads =
        integer(
            problems,
            "worker_threads",
            c.worker__threads(),
            1,
            MAX,
            "a positive number of threads");
    int workerQueue =
        integer(
            problems,
            "worker_queue",
            c.worker__queue(),
            0,
            MAX,
            "0 or a positive number of operations");
    int bodyTimeout =
        integer(
            problems,
            "api_body_timeout_seconds",
            c.api__body__timeout__seconds(),
            1,
            3600,
            "a number of seconds from 1 to 3600");
    int maxConnections =
        integer(
            problems,
            "api_max_connections",
            c.api__max__connections(),
            1,
            MAX,
            "a positive number of connections");
    String ramdiskText = c.api__ramdisk__port() == null ? "" : c.api__ramdisk__port().strip();
    int ramdiskPort =
        ramdiskText.isEmpty()
            ? -1
            : integer(
                problems,
                "api_ramdisk_port",
                ramdiskText,
                0,
                65535,
                "empty (none) or a port (1-65535, or 0 for any free one)");
    boolean generate = bool(problems, "api_tls_generate", c.api__tls__generate());
    String keystoreText = c.api__tls__keystore() == null ? "" : c.api__tls__keystore().strip();
    String keystorePassword =
        c.api__tls__keystore__password() == null ? "" : c.api__tls__keystore__password();
    Path keystore = null;
    if (!keystoreText.isEmpty()) {
      keystore = etcDir.resolve(keystoreText).toAbsolutePath().normalize();
      if (keystorePassword.isEmpty()) {
        problems.add(
            "api_tls_keystore_password is empty; set the password of api_tls_keystore " + keystore);
      }
      if (Files.exists(keystore)) {
        if (!Files.isReadable(keystore) || Files.isDirectory(keystore)) {
          problems.add("api_tls_keystore " + keystore + " is not a readable file");
        }
      } else if (!generate) {
        problems.add(
            "api_tls_keystore "
                + keystore
                + " does not exist; create it (a PKCS12 keystore) or set api_tls_generate=true");
      } else if (!keystorePassword.isEmpty() && keystorePassword.length() < 6) {
        problems.add(
            "api_tls_keystore_password is shorter than 6 characters, keytool's minimum for a"
                + " generated keystore; choose a longer one");
      }
    } else if (generate) {
      problems.add(
          "api_tls_generate is true but api_tls_keystore is empty; set the file to generate,"
              + " e.g. api_tls_keystore = amtpxe-api.p12");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new Settings(
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
        keystorePassword,
        generate);
  }

  /**
   * Reads true or false (any case); anything else is a problem naming the key.
   *
   * @return the value, or false when it is a problem
   */
  private static boolean bool(List<String> problems, String key, String value) {
    String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true");
    }
    problems.add(key + " \"" + value + "\" is not true or false");
    return false;
  }

  /** Whether the API serves plain HTTP on an address other hosts can reach. */
  public boolean plainHttpOffLoopback() {
    return apiTlsKeystore == null && !ApiServer.isLoopback(apiHost);
  }

  /**
   * Reads a whole number in {@code min..max}; anything else is a problem naming the key, the value
   * and what is allowed (e.g. {@code api_port "port-six" is not a port (1-65535, ...)}).
   *
   * @return the number, or {@code min} when it is a problem
   */
  private static int integer(
      List<String> problems, String key, String value, int min, int max, String allowed) {
    try {
      int number = Integer.parseInt(value == null ? "" : value.strip());
      if (number >= min && number <= max) {
        return number;
      }
      problems.add(key + " " + number + " is not " + allowed);
    } catch (NumberFormatException e) {
      problems.add(key + " \"" + value + "\" is not " + allowed);
    }
    return min;
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
    return "Settings[api="
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
        + dbUrl.replaceAll("(?i)password=[^;&]*", "password=******")
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
        + "]";
  }
}
