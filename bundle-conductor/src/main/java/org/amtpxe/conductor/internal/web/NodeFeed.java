package org.amtpxe.conductor.internal.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web page's live updates: hears which nodes a transaction changed once it committed ({@link
 * org.amtpxe.conductor.internal.store.NodeChanges}), coalesces them for a moment, reads each node
 * once and hands every subscriber (an open event stream) one event per node with its summary, or a
 * deletion. Keeps the last {@link #RING} events so that a stream that reconnects with the id of the
 * last event it saw gets what it missed; older ones get a {@code resync}.
 *
 * <p>A subscriber that cannot keep up (its queue is full) is dropped, never waited for: one slow
 * browser must not hold up the others or the conductor. Streams are capped per user and overall.
 */
public final class NodeFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeFeed.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Events kept for reconnecting streams. */
  static final int RING = 4096;

  /** How long changes are gathered before they are read and sent. */
  static final Duration COALESCE = Duration.ofMillis(100);

  /** How often an idle stream gets a comment line, so that proxies and Jetty keep it open. */
  static final Duration HEARTBEAT = Duration.ofSeconds(10);

  /** Streams one user may have open at once (tabs), and all users together. */
  public static final int MAX_PER_USER = 8;

  public static final int MAX_STREAMS = 64;

  /** One event of the stream. */
  public record Event(String id, String type, String data) {
    /** The event in the text/event-stream format. */
    String wire() {
      return "id: " + id + "\nevent: " + type + "\ndata: " + data + "\n\n";
    }
  }

  /** An open stream, fed from the feed's thread; must not block. */
  public interface Subscriber {
    /**
     * Queues an event.
     *
     * @return false when the subscriber's queue is full: it is then dropped
     */
    boolean offer(Event event);

    /** Sends a comment line, to keep the connection open. */
    void heartbeat();

    /** Ends the stream (the subscriber was too slow, or the feed closes). */
    void drop(String why);
  }

  /** Too many streams open for the user or overall. */
  public static final class TooManyStreams extends Exception {
    TooManyStreams(String message) {
      super(message);
    }
  }

  private final Store store;
  private final String host;
  private final java.util.function.Function<Node, String> conductorOf;
  private final String epoch;
  private final ScheduledExecutorService thread;
  private final Set<String> pending = new LinkedHashSet<>();
  private final ArrayDeque<Event> ring = new ArrayDeque<>();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final Map<Subscriber, String> owners = new HashMap<>();
  private final Map<String, Integer> perUser = new HashMap<>();
  private boolean flushScheduled;
  private long sequence;

  /**
   * A conductor alone: it is every node's {@code conductor}.
   *
   * @param store where the changed nodes are read
   * @param host this conductor's host name
   */
  public NodeFeed(Store store, String host) {
    this(store, host, n -> host);
  }

  /**
   * @param store where the changed nodes are read
   * @param host this conductor's host name (named in {@code hello})
   * @param conductorOf a node's {@code conductor} as the API shows it (its owner), or null
   */
  public NodeFeed(Store store, String host, java.util.function.Function<Node, String> conductorOf) {
    this.store = store;
    this.host = host;
    this.conductorOf = conductorOf;
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    this.epoch = java.util.HexFormat.of().formatHex(b);
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "amtpxe-ui-feed");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(
        this::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A node's change committed: its event goes out after {@link #COALESCE}. */
  public void changed(String nodeUuid) {
    synchronized (this) {
      pending.add(nodeUuid);
      if (flushScheduled) {
        return;
      }
      flushScheduled = true;
    }
    try {
      thread.schedule(this::flush, COALESCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: nobody listens any more
    }
  }

  /**
   * Opens a stream and queues its first events, before any later change can reach it: {@code hello}
   * for a new stream, the events it missed for a stream that reconnects with the id of the last
   * event it saw, or {@code resync} when those are no longer kept (the page then reloads the
   * nodes). Both carry the id of the newest event.
   *
   * @param user who opens it (the cap per user), or null without authentication
   * @param lastEventId the id of the last event the stream saw before it reconnected, or null
   * @throws TooManyStreams when the user or the conductor has too many open
   */
  public synchronized void subscribe(Subscriber s, String user, String lastEventId)
      throws TooManyStreams {
    String key = user == null ? "" : user;
    if (subscribers.size() >= MAX_STREAMS) {
      throw new TooManyStreams(
          "The conductor serves " + MAX_STREAMS + " event streams already; close other pages.");
    }
    if (perUser.getOrDefault(key, 0) >= MAX_PER_USER) {
      throw new TooManyStreams(
          "User "
              + (user == null ? "(anonymous)" : user)
              + " has "
              + MAX_PER_USER
              + " event streams open already; close other tabs of the page.");
    }
    subscribers.add(s);
    owners.put(s, key);
    perUser.merge(key, 1, Integer::sum);
    String now = "{\"host\":" + JSON.valueToTree(host) + "}";
    if (lastEventId == null) {
      s.offer(new Event(lastId(), "hello", now));
      return;
    }
    if (lastEventId.equals(lastId())) {
      return; // it missed nothing
    }
    List<Event> missed = new ArrayList<>();
    boolean found = false;
    for (Event e : ring) {
      if (found) {
        missed.add(e);
      } else if (e.id().equals(lastEventId)) {
        found = true;
      }
    }
    if (!found) {
      s.offer(new Event(lastId(), "resync", now));
      return;
    }
    for (Event e : missed) {
      s.offer(e);
    }
  }

  /** Closes a stream's subscription (idempotent). */
  public synchronized void unsubscribe(Subscriber s) {
    if (subscribers.remove(s)) {
      String key = owners.remove(s);
      perUser.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  /** The id of the newest event, which a new stream starts after. */
  public synchronized String lastId() {
    return epoch + "-" + sequence;
  }

  /** Streams open now. */
  public int streams() {
    return subscribers.size();
  }

  private void flush() {
    List<String> uuids;
    synchronized (this) {
      uuids = new ArrayList<>(pending);
      pending.clear();
      flushScheduled = false;
    }
    if (uuids.isEmpty()) {
      return;
    }
    Map<String, Node> nodes = new HashMap<>();
    try {
      store.read(
          h -> {
            for (String u : uuids) {
              NodeDao.find(h, u).ifPresent(n -> nodes.put(u, n));
            }
            return null;
          });
    } catch (RuntimeException e) {
      LOG.warn(
          "The web page's event feed could not read {} changed nodes: {}",
          uuids.size(),
          e.getMessage());
      return;
    }
    List<Subscriber> slow = new ArrayList<>();
    synchronized (this) {
      for (String u : uuids) {
        Node n = nodes.get(u);
        Event e =
            new Event(
                epoch + "-" + (++sequence),
                n == null ? "node-deleted" : "node",
                n == null ? "{\"uuid\":\"" + u + "\"}" : summary(n, conductorOf.apply(n)));
        ring.addLast(e);
        if (ring.size() > RING) {
          ring.removeFirst();
        }
        for (Subscriber s : subscribers) {
          if (!s.offer(e)) {
            slow.add(s);
          }
        }
      }
    }
    for (Subscriber s : slow) {
      unsubscribe(s);
      s.drop("too slow: its queue of events is full");
    }
  }

  private void heartbeat() {
    for (Subscriber s : subscribers) {
      s.heartbeat();
    }
  }

  /** The fields the fleet page shows, under the API's names; nothing secret (no driver_info). */
  static String summary(Node n, String conductor) {
    ObjectNode o = JSON.createObjectNode();
    o.put("uuid", n.uuid());
    o.put("name", n.name());
    o.put("driver", n.driver());
    o.put("power_state", n.powerState() == null ? null : n.powerState().value());
    o.put("target_power_state", n.targetPowerState() == null ? null : n.targetPowerState().value());
    o.put("provision_state", n.provisionState() == null ? null : n.provisionState().value());
    o.put(
        "target_provision_state",
        n.targetProvisionState() == null ? null : n.targetProvisionState().value());
    o.put("maintenance", n.maintenance());
    o.put("maintenance_reason", n.maintenanceReason());
    o.put("fault", n.fault());
    o.put("last_error", n.lastError());
    o.put("reservation", n.reservation());
    o.put("conductor", conductor);
    o.put("updated_at", time(n.updatedAt()));
    o.put("provision_updated_at", time(n.provisionUpdatedAt()));
    return o.toString();
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  /** Ends every stream and stops the feed's thread. */
  @Override
  public void close() {
    thread.shutdownNow();
    for (Subscriber s : subscribers) {
      unsubscribe(s);
      s.drop("the conductor stops");
    }
  }
}
