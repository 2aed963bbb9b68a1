package org.amtpxe.conductor.internal.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.store.ConductorDao;
import org.amtpxe.conductor.internal.store.ConductorRow;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This conductor's membership among the conductors sharing its database, after Ironic's conductor
 * registration: it registers on start, heartbeats every interval, and marks itself offline on a
 * clean stop. A conductor is alive while it is online and its last heartbeat is younger than the
 * timeout, judged on the database's clock. After every heartbeat the hash ring is rebuilt from the
 * live conductors, so every conductor reaches the same ring within one interval of a change.
 */
public final class ConductorRegistry implements Ownership, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConductorRegistry.class);

  /**
   * How this conductor takes part.
   *
   * @param interval time between heartbeats (Ironic's default 10 s)
   * @param timeout a conductor without a heartbeat for this long is dead (Ironic's default 60 s)
   * @param group this conductor's conductor group ({@code ""} for none)
   * @param partitions points per conductor on the hash ring
   */
  public record Settings(Duration interval, Duration timeout, String group, int partitions) {
    public static final Settings DEFAULT =
        new Settings(
            Duration.ofSeconds(10), Duration.ofSeconds(60), "", HashRing.DEFAULT_PARTITIONS);
  }

  /** A registered conductor and whether it is alive now. */
  public record Member(ConductorRow row, boolean alive) {}

  /** The ring and the members it was built from, replaced whole after each heartbeat. */
  private record View(HashRing ring, List<Member> members) {}

  private final Store store;
  private final String host;
  private final String apiUrl;
  private final Supplier<List<String>> drivers;
  private final Settings settings;
  private volatile View view;

  /**
   * @param host this conductor's host name
   * @param apiUrl where its API serves, for the other conductors
   * @param drivers the names of the drivers loaded now (they come and go with their bundles)
   */
  public ConductorRegistry(
      Store store, String host, String apiUrl, Supplier<List<String>> drivers, Settings settings) {
    this.store = store;
    this.host = host;
    this.apiUrl = apiUrl;
    this.drivers = drivers;
    this.settings = settings;
  }

  /** Registers this conductor as online and builds the ring. */
  public void register() {
    store.transaction(
        h -> {
          ConductorDao.register(h, host, apiUrl, drivers.get(), settings.group());
          return null;
        });
    LOG.info(
        "Conductor {} registered (group '{}', drivers {}, API {})",
        host,
        settings.group(),
        drivers.get(),
        apiUrl);
    refresh();
  }

  /**
   * One heartbeat, then the ring rebuilt from the live conductors. A conductor whose row went
   * offline or away (an operator deleted it, or takeover marked it dead) registers again.
   *
   * @throws StoreException when the database cannot be reached: the previous ring stays, and this
   *     conductor's heartbeat ages until it reaches the database again
   */
  public void heartbeat() {
    boolean beat = store.transaction(h -> ConductorDao.heartbeat(h, host, drivers.get()));
    if (!beat) {
      LOG.warn("Conductor {} was not registered as online; registering again", host);
      register();
      return;
    }
    refresh();
  }

  /** Rebuilds the ring from the conductors alive now. */
  public void refresh() {
    View previous = view;
    View next =
        store.read(
            h -> {
              Instant now = ConductorDao.now(h);
              List<Member> members = new ArrayList<>();
              List<HashRing.Member> ring = new ArrayList<>();
              for (ConductorRow row : ConductorDao.all(h)) {
                boolean alive = alive(row, now);
                members.add(new Member(row, alive));
                if (alive) {
                  ring.add(
                      new HashRing.Member(
                          row.hostname(), java.util.Set.copyOf(row.drivers()), row.group()));
                }
              }
              return new View(HashRing.of(ring, settings.partitions()), List.copyOf(members));
            });
    view = next;
    if (previous == null || !previous.ring().hosts().equals(next.ring().hosts())) {
      LOG.info("Conductor {}: the live conductors are now {}", host, next.ring().hosts());
    }
  }

  /** Whether a registered conductor is alive at the database's time {@code now}. */
  boolean alive(ConductorRow row, Instant now) {
    return row.online() && row.updatedAt().isAfter(now.minus(settings.timeout()));
  }

  /** Every registered conductor, as of the last heartbeat. */
  @Override
  public List<Member> members() {
    View v = view;
    return v == null ? List.of() : v.members();
  }

  /** The hash ring as of the last heartbeat. */
  public HashRing ring() {
    View v = view;
    return v == null ? HashRing.of(List.of(), 1) : v.ring();
  }

  public String host() {
    return host;
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public Optional<String> owner(Node node) {
    return ring().owner(node.uuid(), node.driver(), node.conductorGroup());
  }

  @Override
  public boolean mine(Node node) {
    return owner(node).map(host::equals).orElse(false);
  }

  /** Marks this conductor offline, so that the others take its nodes without waiting. */
  @Override
  public void close() {
    try {
      store.transaction(
          h -> {
            ConductorDao.unregister(h, host);
            return null;
          });
      LOG.info("Conductor {} unregistered", host);
    } catch (StoreException e) {
      LOG.warn(
          "Conductor {} could not unregister ({}); the others see it dead after {} s",
          host,
          e.getMessage(),
          settings.timeout().toSeconds());
    }
  }
}
