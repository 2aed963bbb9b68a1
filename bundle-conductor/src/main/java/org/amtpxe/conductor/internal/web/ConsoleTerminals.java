package org.amtpxe.conductor.internal.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.amtpxe.conductor.internal.console.ConsoleService;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web page's terminals (docs/web-ui.md#terminal): each is a viewer of a node's console whose
 * output goes to the page as a stream ({@link TerminalStream}) and whose keys the page posts, by
 * the terminal's random id, from the same session. Bounded: terminals per user and overall, keys
 * per post; a terminal ends when nobody typed into it for {@link #IDLE}, when its web session ends,
 * and when the console is disabled or the node deleted.
 */
public final class ConsoleTerminals implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleTerminals.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Terminals one user may have open at once, and all users together. */
  public static final int MAX_PER_USER = 4;

  public static final int MAX_TERMINALS = 32;

  /** The most bytes one post of keys carries (a paste is sent in several). */
  public static final int MAX_KEYS = 1024;

  /** A terminal nobody typed into for this long ends. */
  public static final Duration IDLE = Duration.ofMinutes(30);

  /** How often idle streams get a comment line and limits are checked. */
  static final Duration TICK = Duration.ofSeconds(10);

  /** Refused: too many terminals, the console not enabled or elsewhere, an unknown terminal. */
  public static final class Refused extends Exception {
    private final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    /** The HTTP status that says it. */
    public int status() {
      return status;
    }
  }

  private final class Terminal {
    final String id;
    final String user;
    final String session;
    final TerminalStream stream;
    volatile ConsoleService.Attachment attachment;
    volatile long lastKeyNanos;

    Terminal(String id, String user, String session, TerminalStream stream) {
      this.id = id;
      this.user = user;
      this.session = session;
      this.stream = stream;
      this.lastKeyNanos = nanos.getAsLong();
    }
  }

  private final ConsoleService consoles;
  private final Sessions sessions;
  private final Duration idle;
  private final LongSupplier nanos;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Terminal> terminals = new ConcurrentHashMap<>();
  private final Map<String, Integer> perUser = new HashMap<>();
  private final ScheduledExecutorService thread;

  /**
   * @param consoles the conductor's consoles
   * @param sessions the web page's sessions: a terminal ends with its session
   */
  public ConsoleTerminals(ConsoleService consoles, Sessions sessions) {
    this(consoles, sessions, IDLE, TICK, System::nanoTime);
  }

  /**
   * With other limits (tests).
   *
   * @param idle how long a terminal nobody types into lives
   * @param tick how often limits are checked and idle streams get a comment line
   */
  public ConsoleTerminals(
      ConsoleService consoles,
      Sessions sessions,
      Duration idle,
      Duration tick,
      LongSupplier nanos) {
    this.consoles = consoles;
    this.sessions = sessions;
    this.idle = idle;
    this.nanos = nanos;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "amtpxe-ui-terminals");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(
        this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Opens a terminal on a node's console: the response becomes its stream, whose first event
   * ({@code hello}) names the terminal's id for the keys.
   *
   * @param user who opens it, for the cap per user ("" without authentication)
   * @param session the web session's id, or null without authentication
   * @return the stream, for its connection to be watched
   * @throws Refused 429 beyond the caps; 404, 409 as the console says (not enabled, served by
   *     another conductor, as many viewers as it may have)
   */
  TerminalStream open(
      String user, String session, String ident, Response response, Callback callback)
      throws Refused {
    synchronized (this) {
      if (terminals.size() >= MAX_TERMINALS) {
        throw new Refused(
            429, "The conductor serves " + MAX_TERMINALS + " terminals already; close others.");
      }
      if (perUser.getOrDefault(user, 0) >= MAX_PER_USER) {
        throw new Refused(
            429,
            "User "
                + (user.isEmpty() ? "(anonymous)" : user)
                + " has "
                + MAX_PER_USER
                + " terminals open already; detach one (or close its tab).");
      }
      perUser.merge(user, 1, Integer::sum);
    }
    String id = newId();
    Terminal[] holder = new Terminal[1];
    TerminalStream stream = new TerminalStream(response, callback, () -> closed(holder[0]));
    Terminal t = new Terminal(id, user, session, stream);
    holder[0] = t;
    terminals.put(id, t);
    ConsoleService.Attachment a;
    try {
      a = consoles.attach(ident, stream);
    } catch (ConductorException e) {
      terminals.remove(id);
      release(user);
      throw new Refused(e.kind() == ConductorException.Kind.NOT_FOUND ? 404 : 409, e.getMessage());
    }
    t.attachment = a;
    if (!terminals.containsKey(id)) {
      a.close(); // the stream was aborted already
    }
    ObjectNode hello = JSON.createObjectNode();
    hello.put("terminal", id);
    hello.put("node", a.node());
    hello.put("max_keys", MAX_KEYS);
    hello.put("idle_seconds", idle.toSeconds());
    stream.start(hello.toString());
    LOG.info("Web terminal on the console of node {} opened by {}", a.node(), display(user));
    return stream;
  }

  /**
   * Types keys into a terminal's console.
   *
   * @param session the web session posting them (the terminal's own), or null without
   *     authentication
   * @throws Refused 404 for a terminal that is not open (or another session's); 413 for too many
   *     bytes; 409 when no console session is open at the moment
   * @throws IOException when the console session failed to take them
   */
  void type(String session, String id, byte[] keys) throws Refused, IOException {
    Terminal t = id == null ? null : terminals.get(id);
    if (t == null || t.attachment == null || !sameSession(t.session, session)) {
      throw new Refused(404, "This terminal is not attached (any more); attach again.");
    }
    if (keys.length > MAX_KEYS) {
      throw new Refused(413, "At most " + MAX_KEYS + " bytes of keys per post.");
    }
    t.lastKeyNanos = nanos.getAsLong();
    if (!t.attachment.type(keys)) {
      throw new Refused(
          409, "The console has no session open at this moment (it reconnects); type again.");
    }
  }

  /**
   * Ends a terminal at its page's request.
   *
   * @return false when it is not open (or another session's)
   */
  boolean detach(String session, String id) {
    Terminal t = terminals.get(id);
    if (t == null || !sameSession(t.session, session)) {
      return false;
    }
    end(t, "detached");
    return true;
  }

  private static boolean sameSession(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }

  /** Terminals open now. */
  public int open() {
    return terminals.size();
  }

  private void tick() {
    long now = nanos.getAsLong();
    for (Terminal t : List.copyOf(terminals.values())) {
      if (t.session != null && !sessions.alive(t.session)) {
        end(t, "your web session ended; log in again");
      } else if (now - t.lastKeyNanos >= idle.toNanos()) {
        end(t, "nobody typed for " + idle.toMinutes() + " minutes; attach again");
      } else {
        t.stream.heartbeat();
      }
    }
  }

  private void end(Terminal t, String reason) {
    ConsoleService.Attachment a = t.attachment;
    if (a != null) {
      a.close();
    }
    t.stream.end(reason);
  }

  /** The stream ended, whichever way: the viewer detaches and the terminal is forgotten. */
  private void closed(Terminal t) {
    if (t == null || terminals.remove(t.id) == null) {
      return;
    }
    ConsoleService.Attachment a = t.attachment;
    if (a != null) {
      a.close();
    }
    release(t.user);
    LOG.debug("Web terminal of {} closed", display(t.user));
  }

  private synchronized void release(String user) {
    perUser.computeIfPresent(user, (k, n) -> n <= 1 ? null : n - 1);
  }

  private static String display(String user) {
    return user.isEmpty() ? "(anonymous)" : user;
  }

  private String newId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Ends every terminal and stops the thread. */
  @Override
  public void close() {
    thread.shutdownNow();
    for (Terminal t : List.copyOf(terminals.values())) {
      end(t, "the conductor stops");
    }
  }
}
