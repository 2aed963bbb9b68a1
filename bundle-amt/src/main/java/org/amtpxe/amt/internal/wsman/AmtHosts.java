package org.amtpxe.amt.internal.wsman;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.amtpxe.api.error.ConnectionFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMTs the driver talks to: one {@link HostSession} per AMT address (lock, HTTP client, Digest
 * state) and the wake-up bookkeeping. Owned by a component and closed with it.
 */
public final class AmtHosts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AmtHosts.class);

  private final Map<String, HostSession> sessions = new ConcurrentHashMap<>();
  private final WakeLog wakeLog;
  private final Clock clock;
  private final WakeProbe probe;
  private final ScheduledThreadPoolExecutor deadlines;
  private final WsmanMeters meters;
  private volatile boolean closed;

  /**
   * @param wakeLog when each AMT was last known awake
   * @param clock the wall clock (wake-up times outlive the JVM)
   * @param probe how to wake an AMT
   */
  public AmtHosts(WakeLog wakeLog, Clock clock, WakeProbe probe) {
    this(wakeLog, clock, probe, WsmanMeters.NONE);
  }

  /**
   * @param wakeLog when each AMT was last known awake
   * @param clock the wall clock (wake-up times outlive the JVM)
   * @param probe how to wake an AMT
   * @param meters where requests and Digest challenges are counted
   */
  public AmtHosts(WakeLog wakeLog, Clock clock, WakeProbe probe, WsmanMeters meters) {
    this.meters = meters;
    this.wakeLog = wakeLog;
    this.clock = clock;
    this.probe = probe;
    this.deadlines =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "amtpxe-amt-deadlines");
              t.setDaemon(true);
              return t;
            });
    deadlines.setRemoveOnCancelPolicy(true);
  }

  /**
   * Runs {@code expire} once {@code deadline} has passed, unless the returned future is cancelled
   * first: how an exchange is cut off when its reply does not arrive in full in time.
   */
  ScheduledFuture<?> atDeadline(Duration deadline, Runnable expire) {
    return deadlines.schedule(expire, deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Where requests and Digest challenges are counted. */
  WsmanMeters meters() {
    return meters;
  }

  /** A transport to one AMT under the given settings; cheap, create one per operation. */
  public WsmanTransport transport(AmtEndpoint endpoint, TransportSettings settings) {
    return new HttpWsmanTransport(this, endpoint, settings);
  }

  /** The session of the endpoint's AMT, or null once closed. */
  HostSession session(AmtEndpoint endpoint) {
    if (closed) {
      return null;
    }
    return sessions.computeIfAbsent(endpoint.hostKey(), key -> new HostSession());
  }

  /**
   * Wakes the AMT when its last wake-up is older than {@code awakeInterval}: opens a TCP connection
   * to the AMT port, a few times if needed. Call with the host's lock held.
   *
   * @return true when a wake-up was sent: the AMT may still be waking
   * @throws ConnectionFailedException when no attempt connects
   */
  boolean wakeIfDue(AmtEndpoint endpoint, TransportSettings settings)
      throws ConnectionFailedException, InterruptedException {
    Duration interval = settings.awakeInterval();
    if (interval.isZero()) {
      return false;
    }
    Instant now = clock.instant();
    Optional<Instant> last = wakeLog.lastAwake(endpoint.hostKey());
    if (last.isPresent() && Duration.between(last.get(), now).compareTo(interval) <= 0) {
      return false;
    }
    IOException failure = null;
    for (int attempt = 1; attempt <= settings.wakeAttempts(); attempt++) {
      try {
        probe.probe(endpoint.address(), endpoint.port(), settings.connectTimeout());
        wakeLog.recordWake(endpoint.hostKey(), clock.instant());
        LOG.debug("{}: woke AMT at {} (attempt {})", endpoint.label(), endpoint.where(), attempt);
        return true;
      } catch (IOException e) {
        failure = e;
        if (attempt < settings.wakeAttempts()) {
          Thread.sleep(settings.wakeRetryDelay().toMillis());
        }
      }
    }
    throw WsmanFailures.wakeFailed(endpoint, settings.wakeAttempts(), failure);
  }

  /** The AMT answered, so it is awake. */
  void contact(AmtEndpoint endpoint) {
    wakeLog.recordContact(endpoint.hostKey(), clock.instant());
  }

  /** Closes every HTTP client and stores the wake-up times. */
  @Override
  public void close() {
    closed = true;
    deadlines.shutdownNow();
    sessions.values().forEach(HostSession::close);
    sessions.clear();
    wakeLog.store();
  }
}
