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
 * @param dbPassword never shown by {@link #toString()}
 */
public record Settings(
    String apiHost,
    int apiPort,
    int apiThreads,
    Path authFile,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String host,
    Duration syncInterval,
    int syncParallelism,
    Duration syncTimeout,
    Duration callbackTimeout,
    Duration callbackCheckInterval,
    int workerThreads,
    int workerQueue) {

  /**
   * Checks a configuration.
   *
   * @param dataDir the default location of the H2 database ({@code ${karaf.data}})
   * @throws IllegalArgumentException naming every invalid value and what to set instead
   */
  public static Settings from(ConductorConfig c, Path dataDir) {
    List<String> problems = new ArrayList<>();
    String apiHost = c.api_host() == null ? "" : c.api_host().strip();
    if (apiHost.isEmpty()) {
      problems.add("api.host is empty; set an address such as 127.0.0.1");
    }
    if (c.api_port() < 0 || c.api_port() > 65535) {
      problems.add("api.port " + c.api_port() + " is not a port (1-65535, or 0 for any free one)");
    }
    if (c.api_threads() < 8) {
      problems.add("api.threads must be at least 8, not " + c.api_threads());
    }
    Path authFile = null;
    String auth = c.auth_file() == null ? "" : c.auth_file().strip();
    if (!auth.isEmpty()) {
      authFile = Path.of(auth);
      if (!Files.isReadable(authFile)) {
        problems.add("auth.file " + auth + " cannot be read; create it with baremetal:user-add");
      }
    } else if (!apiHost.isEmpty() && !ApiServer.isLoopback(apiHost)) {
      problems.add(
          "api.host "
              + apiHost
              + " is not a loopback address, so the API needs credentials: set auth.file"
              + " (baremetal:user-add creates it) or bind 127.0.0.1");
    }
    String url = c.db_url() == null ? "" : c.db_url().strip();
    if (url.isEmpty()) {
      url =
          "jdbc:h2:file:"
              + dataDir.resolve("amtpxe").resolve("conductor").toAbsolutePath()
              + ";DB_CLOSE_ON_EXIT=FALSE";
    }
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:postgresql:")) {
      problems.add("db.url must start with jdbc:h2: or jdbc:postgresql:");
    }
    // An empty host is resolved to the machine's name when the runtime starts (not here: a DNS
    // lookup must not block activation).
    String host = c.host() == null ? "" : c.host().strip();
    if (host.length() > 255) {
      problems.add("host is longer than 255 characters");
    }
    if (c.sync_interval() < 0) {
      problems.add("sync.interval must be 0 (off) or more seconds, not " + c.sync_interval());
    }
    if (c.sync_parallelism() < 1) {
      problems.add("sync.parallelism must be at least 1, not " + c.sync_parallelism());
    }
    if (c.sync_timeout() < 1) {
      problems.add("sync.timeout must be at least 1 second, not " + c.sync_timeout());
    }
    if (c.callback_timeout() < 0) {
      problems.add(
          "callback.timeout must be 0 (none) or more seconds, not " + c.callback_timeout());
    }
    if (c.callback_check_interval() < 1) {
      problems.add(
          "callback.check.interval must be at least 1 second, not " + c.callback_check_interval());
    }
    if (c.worker_threads() < 1) {
      problems.add("worker.threads must be at least 1, not " + c.worker_threads());
    }
    if (c.worker_queue() < 0) {
      problems.add("worker.queue must not be negative, not " + c.worker_queue());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new Settings(
        apiHost,
        c.api_port(),
        c.api_threads(),
        authFile,
        url,
        c.db_user(),
        c.db_password(),
        host,
        Duration.ofSeconds(c.sync_interval()),
        c.sync_parallelism(),
        Duration.ofSeconds(c.sync_timeout()),
        Duration.ofSeconds(c.callback_timeout()),
        Duration.ofSeconds(c.callback_check_interval()),
        c.worker_threads(),
        c.worker_queue());
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
        + apiHost
        + ":"
        + apiPort
        + ", auth="
        + (authFile == null ? "none" : authFile)
        + ", db="
        + dbUrl.replaceAll("(?i)password=[^;&]*", "password=******")
        + ", host="
        + host
        + ", sync="
        + syncInterval.toSeconds()
        + "s x"
        + syncParallelism
        + ", callbackTimeout="
        + callbackTimeout.toSeconds()
        + "s, workers="
        + workerThreads
        + "]";
  }
}
