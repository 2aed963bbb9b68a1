package org.amtpxe.virtualamt;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A machine that exists only in memory: power transitions take the configured time and every boot
 * asks the firmware for its device. A new request cancels a transition still running, except a
 * repeated power-on or power-off, which leaves the same transition running.
 */
public final class InMemoryMachine implements MachineBackend {

  private final Object lock = new Object();
  private final MachineTiming timing;
  private MachineHost host;
  private HostPowerState state;
  private ScheduledFuture<?> pending;
  private List<Step> pendingSteps = List.of();
  private long generation;
  private BootDevice lastBootDevice;
  private int diagnosticInterrupts;

  /**
   * Creates a machine.
   *
   * @param initialState its power state before any request
   * @param timing how long its transitions take
   */
  public InMemoryMachine(HostPowerState initialState, MachineTiming timing) {
    this.state = Objects.requireNonNull(initialState, "initialState");
    this.timing = Objects.requireNonNull(timing, "timing");
  }

  @Override
  public void attach(MachineHost host) {
    synchronized (lock) {
      if (this.host != null) {
        throw new IllegalStateException("This machine is already attached to a virtual AMT");
      }
      this.host = Objects.requireNonNull(host, "host");
    }
  }

  @Override
  public HostPowerState powerState() {
    synchronized (lock) {
      return state;
    }
  }

  /** The device of the last boot, empty before the first one. */
  public Optional<BootDevice> lastBootDevice() {
    synchronized (lock) {
      return Optional.ofNullable(lastBootDevice);
    }
  }

  /** How many diagnostic interrupts the machine received. */
  public int diagnosticInterrupts() {
    synchronized (lock) {
      return diagnosticInterrupts;
    }
  }

  /** True while a power transition is still running. */
  public boolean transitionPending() {
    synchronized (lock) {
      return pending != null;
    }
  }

  @Override
  public void powerOn() {
    switch (powerState()) {
      case OFF:
      case HIBERNATE:
        runUnlessRunning(
            new Step(timing.powerOnDelay(), HostPowerState.ON, BootCause.AMT_POWER_ON));
        break;
      case SLEEP_LIGHT:
      case SLEEP_DEEP:
        runUnlessRunning(new Step(timing.powerOnDelay(), HostPowerState.ON, null));
        break;
      default:
        break;
    }
  }

  @Override
  public void powerOff() {
    if (powerState() != HostPowerState.OFF || transitionPending()) {
      runUnlessRunning(new Step(timing.powerOffDelay(), HostPowerState.OFF, null));
    }
  }

  @Override
  public void reset() {
    whenOn(new Step(timing.resetDelay(), null, BootCause.AMT_RESET));
  }

  @Override
  public void powerCycle() {
    if (powerState() == HostPowerState.ON) {
      run(
          new Step(Duration.ZERO, HostPowerState.OFF, null),
          new Step(timing.powerCycleOffTime(), HostPowerState.ON, BootCause.AMT_POWER_CYCLE));
    }
  }

  @Override
  public void gracefulShutdown() {
    whenOn(new Step(timing.gracefulDelay(), HostPowerState.OFF, null));
  }

  @Override
  public void gracefulReset() {
    whenOn(new Step(timing.gracefulDelay(), null, BootCause.AMT_GRACEFUL_RESET));
  }

  @Override
  public void suspend(HostPowerState target) {
    if (target != HostPowerState.SLEEP_DEEP && target != HostPowerState.HIBERNATE) {
      throw new IllegalArgumentException(
          "A host suspends to SLEEP_DEEP or HIBERNATE, not " + target);
    }
    whenOn(new Step(timing.gracefulDelay(), target, null));
  }

  @Override
  public void diagnosticInterrupt() {
    synchronized (lock) {
      diagnosticInterrupts++;
    }
  }

  @Override
  public void hostReboot() {
    whenOn(new Step(timing.resetDelay(), null, BootCause.HOST_REBOOT));
  }

  @Override
  public void hostShutdown() {
    whenOn(new Step(timing.gracefulDelay(), HostPowerState.OFF, null));
  }

  @Override
  public void pressPowerButton() {
    switch (powerState()) {
      case OFF:
      case HIBERNATE:
        run(new Step(timing.powerOnDelay(), HostPowerState.ON, BootCause.HOST_POWER_ON));
        break;
      case SLEEP_LIGHT:
      case SLEEP_DEEP:
        run(new Step(timing.powerOnDelay(), HostPowerState.ON, null));
        break;
      default:
        run(new Step(timing.gracefulDelay(), HostPowerState.OFF, null));
        break;
    }
  }

  @Override
  public Map<String, Object> describe() {
    return Map.of("type", "memory");
  }

  @Override
  public void close() {
    synchronized (lock) {
      generation++;
      cancelPending();
    }
  }

  @Override
  public String toString() {
    return "InMemoryMachine[" + powerState() + "]";
  }

  /** One step of a transition: after a delay, set a state and/or boot. */
  private record Step(Duration after, HostPowerState state, BootCause boot) {}

  private void whenOn(Step step) {
    if (powerState() == HostPowerState.ON) {
      run(step);
    }
  }

  /**
   * Starts a one-step transition, unless the same one is already running.
   *
   * <p>NOTE: a driver polls a slow host and repeats its power request every action_wait (Ironic's
   * loop). Firmware does not restart a power-on in progress, so a repeated request must not push
   * the transition further away.
   */
  private void runUnlessRunning(Step step) {
    synchronized (lock) {
      if (pending != null && pendingSteps.equals(List.of(step))) {
        return;
      }
    }
    run(step);
  }

  private void run(Step... steps) {
    long gen;
    synchronized (lock) {
      requireAttached();
      cancelPending();
      gen = ++generation;
      pendingSteps = List.of(steps);
    }
    runFrom(gen, List.of(steps), 0, false);
  }

  private void runFrom(long gen, List<Step> steps, int index, boolean delayElapsed) {
    for (int i = index; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (!step.after().isZero() && !(i == index && delayElapsed)) {
        int next = i;
        synchronized (lock) {
          if (gen != generation) {
            return;
          }
          pending =
              host.scheduler()
                  .schedule(
                      () -> runFrom(gen, steps, next, true),
                      step.after().toNanos(),
                      TimeUnit.NANOSECONDS);
        }
        return;
      }
      if (!apply(gen, step)) {
        return;
      }
    }
  }

  /** Applies a step; host callbacks run outside the lock. False if a newer request won. */
  private boolean apply(long gen, Step step) {
    HostPowerState changed = null;
    synchronized (lock) {
      if (gen != generation) {
        return false;
      }
      pending = null;
      if (step.state() != null && step.state() != state) {
        state = step.state();
        changed = state;
      }
    }
    if (changed != null) {
      host.powerStateChanged(changed);
    }
    if (step.boot() != null) {
      BootDevice device = host.bootStarting(step.boot());
      synchronized (lock) {
        lastBootDevice = device;
      }
    }
    return true;
  }

  private void cancelPending() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  private void requireAttached() {
    if (host == null) {
      throw new IllegalStateException("Attach the machine to a virtual AMT before using it");
    }
  }
}
