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
    String apiHost = c.api__host() == null ? "" : c.api__host().strip();
    if (apiHost.isEmpty()) {
      problems.add("api_host is empty; set an address such as 127.0.0.1");
    }
    if (c.api__port() < 0 || c.api__port() > 65535) {
      problems.add("api_port " + c.api__port() + " is not a port (1-65535, or 0 for any free one)");
    }
    if (c.api__threads() < 8) {
      problems.add("api_threads must be at least 8, not " + c.api__threads());
    }
    Path authFile = null;
    String auth = c.auth__file() == null ? "" : c.auth__file().strip();
    if (!auth.isEmpty()) {
      authFile = Path.of(auth);
      if (!Files.isReadable(authFile)) {
        problems.add("auth_file " + auth + " cannot be read; create it with baremetal:user-add");
      }
    } else if (!apiHost.isEmpty() && !ApiServer.isLoopback(apiHost)) {
      problems.add(
          "api_host "
              + apiHost
              + " is not a loopback address, so the API needs credentials: set auth_file"
              + " (baremetal:user-add creates it) or bind 127.0.0.1");
    }
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
    if (c.sync__interval() < 0) {
      problems.add("sync_interval must be 0 (off) or more seconds, not " + c.sync__interval());
    }
    if (c.sync__parallelism() < 1) {
      problems.add("sync_parallelism must be at least 1, not " + c.sync__parallelism());
    }
    if (c.sync__timeout() < 1) {
      problems.add("sync_timeout must be at least 1 second, not " + c.sync__timeout());
    }
    if (c.callback__timeout() < 0) {
      problems.add(
          "callback_timeout must be 0 (none) or more seconds, not " + c.callback__timeout());
    }
    if (c.callback__check__interval() < 1) {
      problems.add(
          "callback_check_interval must be at least 1 second, not "
              + c.callback__check__interval());
    }
    if (c.worker__threads() < 1) {
      problems.add("worker_threads must be at least 1, not " + c.worker__threads());
    }
    if (c.worker__queue() < 0) {
      problems.add("worker_queue must not be negative, not " + c.worker__queue());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new Settings(
        apiHost,
        c.api__port(),
        c.api__threads(),
        authFile,
        url,
        c.db__user(),
        c.db__password(),
        host,
        Duration.ofSeconds(c.sync__interval()),
        c.sync__parallelism(),
        Duration.ofSeconds(c.sync__timeout()),
        Duration.ofSeconds(c.callback__timeout()),
        Duration.ofSeconds(c.callback__check__interval()),
        c.worker__threads(),
        c.worker__queue());
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
