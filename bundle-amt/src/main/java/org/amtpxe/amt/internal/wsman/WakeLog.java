package org.amtpxe.amt.internal.wsman;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each AMT was last known awake. Kept in a file of the bundle's data area when there is one,
 * so a bundle update does not forget it (Ironic kept it in one process's memory).
 */
public final class WakeLog {
  private static final Logger LOG = LoggerFactory.getLogger(WakeLog.class);

  private final Map<String, Instant> lastAwake = new ConcurrentHashMap<>();
  private final Path file;

  private WakeLog(Path file) {
    this.file = file;
  }

  /** A log kept in memory only (tests, no bundle context). */
  public static WakeLog inMemory() {
    return new WakeLog(null);
  }

  /** A log stored in {@code file}, loaded now; an unreadable file starts an empty log. */
  public static WakeLog persistent(Path file) {
    WakeLog log = new WakeLog(file);
    log.load();
    return log;
  }

  private void load() {
    if (!Files.isRegularFile(file)) {
      return;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException e) {
      LOG.warn("Cannot read AMT wake-up times from {}, starting afresh: {}", file, e.toString());
      return;
    }
    for (String host : properties.stringPropertyNames()) {
      try {
        lastAwake.put(host, Instant.ofEpochMilli(Long.parseLong(properties.getProperty(host))));
      } catch (NumberFormatException e) {
        LOG.debug("Ignoring bad wake-up time for {} in {}", host, file);
      }
    }
  }

  /** When the host was last known awake. */
  public Optional<Instant> lastAwake(String hostKey) {
    return Optional.ofNullable(lastAwake.get(hostKey));
  }

  /** Records a wake-up and stores the log. */
  public void recordWake(String hostKey, Instant when) {
    lastAwake.put(hostKey, when);
    store();
  }

  /** Records that the host answered (it is awake), in memory only; see {@link #store()}. */
  public void recordContact(String hostKey, Instant when) {
    lastAwake.merge(hostKey, when, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Writes the log to its file, if it has one; failures are logged, never thrown. */
  public synchronized void store() {
    if (file == null) {
      return;
    }
    Properties properties = new Properties();
    lastAwake.forEach(
        (host, when) -> properties.setProperty(host, Long.toString(when.toEpochMilli())));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      try (OutputStream out = Files.newOutputStream(temp)) {
        properties.store(out, "Last time each AMT was known awake (epoch millis)");
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("Cannot store AMT wake-up times in {}: {}", file, e.toString());
    }
  }
}
