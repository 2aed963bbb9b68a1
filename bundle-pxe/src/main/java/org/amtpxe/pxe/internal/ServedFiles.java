package org.amtpxe.pxe.internal;

import java.text.NumberFormat;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.amtpxe.api.history.NodeHistory;
import org.amtpxe.pxe.internal.boot.BootTemplates;

/**
 * Notes in a node's history the boot files the TFTP and HTTP servers sent it while it is being
 * deployed (docs/web-ui.md#deploy-steps): once per file per deploy, from the deploy's power-on to
 * the ramdisk's reboot, so that a ramdisk fetching its kernel again, or an instance booting every
 * day, adds nothing. Bounded: at most {@link #MAX_DEPLOYS} deploys are watched at once (the oldest
 * is forgotten first) and each notes at most the three files a deploy fetches (the deploy kernel
 * and ramdisk, the image); the instance's kernel and ramdisk are fetched after the deploy, at each
 * boot.
 */
public final class ServedFiles {
  /** Notes nothing: for servers and deploys made without the history (tools, tests). */
  public static final ServedFiles NONE = new ServedFiles(() -> null, Clock.systemUTC());

  /** Deploys watched at once; beyond it the longest-watched is dropped. */
  public static final int MAX_DEPLOYS = 10_000;

  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** The files of a node's folder that are noted, with the deploy step that fetches each. */
  private static final Map<String, String> STEPS =
      Map.of(
          BootTemplates.DEPLOY_KERNEL, "deploy.deploy",
          BootTemplates.DEPLOY_RAMDISK, "deploy.deploy",
          BootTemplates.DISK, "deploy.write_image");

  private final Supplier<NodeHistory> history;
  private final Clock clock;
  // Node UUID -> the files already noted in its current deploy; access order, bounded.
  private final LinkedHashMap<String, Set<String>> watched =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
          return size() > MAX_DEPLOYS;
        }
      };

  /**
   * @param history the history service bound now, or null; read for every file noted
   * @param clock the time of each note
   */
  public ServedFiles(Supplier<NodeHistory> history, Clock clock) {
    this.history = history;
    this.clock = clock;
  }

  /** Starts watching a node's deploy: the files it is served from now on are noted once each. */
  public void deployStarted(String nodeUuid) {
    synchronized (watched) {
      watched.put(nodeUuid, new HashSet<>());
    }
  }

  /** Stops watching a node's deploy (its ramdisk reboots, or the deploy ended). */
  public void deployEnded(String nodeUuid) {
    synchronized (watched) {
      watched.remove(nodeUuid);
    }
  }

  /** Whether a node's deploy is watched now. */
  public boolean isWatched(String nodeUuid) {
    synchronized (watched) {
      return watched.containsKey(nodeUuid);
    }
  }

  /**
   * A file was sent whole. Noted when it is one of a watched node's boot files (path {@code <node
   * uuid>/<file>} under the server's root) not noted yet in this deploy.
   *
   * @param server {@code tftp} or {@code http}
   * @param path the path asked for, relative to the root (a leading {@code /} is ignored)
   * @param client the address the file went to
   * @param bytes the bytes sent
   */
  public void served(String server, String path, String client, long bytes) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    int slash = p.indexOf('/');
    if (slash < 0) {
      return;
    }
    String uuid = p.substring(0, slash);
    String file = p.substring(slash + 1);
    String step = STEPS.get(file);
    if (step == null || !UUID.matcher(uuid).matches()) {
      return;
    }
    synchronized (watched) {
      Set<String> noted = watched.get(uuid);
      if (noted == null || !noted.add(file)) {
        return;
      }
    }
    NodeHistory h = history.get();
    if (h != null) {
      h.record(uuid, clock.instant(), "deploying", event(step, file, server, client, bytes));
    }
  }

  /** {@code deploy.deploy: deploy_kernel served over tftp to 10.0.0.5 (5,123,456 bytes)}. */
  static String event(String step, String file, String server, String client, long bytes) {
    String what = BootTemplates.DISK.equals(file) ? "disk image" : file;
    return step
        + ": "
        + what
        + " served over "
        + server
        + " to "
        + client
        + " ("
        + NumberFormat.getIntegerInstance(Locale.ROOT).format(bytes)
        + " bytes)";
  }
}
