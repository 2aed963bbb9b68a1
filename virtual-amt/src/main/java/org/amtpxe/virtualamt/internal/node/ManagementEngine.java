package org.amtpxe.virtualamt.internal.node;

import org.amtpxe.virtualamt.Switches;

/**
 * The management engine's sleep (docs/amt-wsman.md#sleep): with the host off it falls asleep after
 * an idle time; the first TCP connection wakes it, which takes a while; requests arriving before it
 * is awake are dropped or held, depending on the switches. All times are {@link System#nanoTime()}.
 */
public final class ManagementEngine {

  /** What the engine is doing. */
  public enum State {
    AWAKE,
    ASLEEP,
    WAKING
  }

  private long lastActivity;
  private long hostOffSince;
  private boolean hostOff;
  private long wakeReadyAt;
  private long wakeUps;

  /**
   * Creates the engine of a host in the given state.
   *
   * @param hostOff true when the host starts off
   * @param now the current time
   */
  public ManagementEngine(boolean hostOff, long now) {
    this.hostOff = hostOff;
    this.hostOffSince = now;
    this.lastActivity = now;
    this.wakeReadyAt = now;
  }

  /** The host's power changed: a running host keeps the engine awake. */
  public synchronized void hostPowerChanged(boolean off, long now) {
    if (off && !hostOff) {
      hostOffSince = now;
    }
    if (!off) {
      wakeReadyAt = Math.min(wakeReadyAt, now);
    }
    hostOff = off;
  }

  /** A TCP connection reached the engine: it wakes if it was asleep. */
  public synchronized void connectionOpened(long now, Switches switches) {
    if (state(now, switches) == State.ASLEEP) {
      startWaking(now, switches);
    }
    lastActivity = Math.max(lastActivity, now);
  }

  /**
   * A request arrived.
   *
   * @return 0 when the engine can serve it now; otherwise the nanoseconds until it is awake (the
   *     request itself wakes an engine that fell asleep on an open connection)
   */
  public synchronized long admit(long now, Switches switches) {
    State state = state(now, switches);
    if (state == State.ASLEEP) {
      startWaking(now, switches);
      state = state(now, switches);
    }
    if (state == State.WAKING) {
      return wakeReadyAt - now;
    }
    lastActivity = Math.max(lastActivity, now);
    return 0;
  }

  /** Traffic that keeps the engine awake (a request served). */
  public synchronized void activity(long now) {
    lastActivity = Math.max(lastActivity, now);
  }

  /** What the engine is doing now. */
  public synchronized State state(long now, Switches switches) {
    if (now < wakeReadyAt) {
      return State.WAKING;
    }
    long idle = switches.meIdleSleep().toNanos();
    if (idle == 0 || !hostOff) {
      return State.AWAKE;
    }
    long since = Math.max(Math.max(lastActivity, hostOffSince), wakeReadyAt);
    return now - since >= idle ? State.ASLEEP : State.AWAKE;
  }

  /** How many times a connection or request woke the engine. */
  public synchronized long wakeUps() {
    return wakeUps;
  }

  private void startWaking(long now, Switches switches) {
    wakeReadyAt = now + switches.meWakeTime().toNanos();
    lastActivity = now;
    wakeUps++;
  }
}
