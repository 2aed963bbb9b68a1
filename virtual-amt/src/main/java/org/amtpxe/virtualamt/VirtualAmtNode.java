package org.amtpxe.virtualamt;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A handle on one running virtual AMT and its host: where it listens, what it has seen, and levers
 * to drive the host and the firmware's quirks. Thread-safe.
 */
public interface VirtualAmtNode {

  /** The configuration the node was started with (ports as configured, maybe 0). */
  NodeSpec spec();

  /** The node's name. */
  default String name() {
    return spec().name();
  }

  /** The HTTP port actually bound. */
  int port();

  /** The HTTPS port actually bound, empty without TLS. */
  Optional<Integer> tlsPort();

  /** {@code http://<address>:<port>/wsman}. */
  URI wsmanUri();

  /** {@code https://<address>:<tlsPort>/wsman}, empty without TLS. */
  Optional<URI> wsmanTlsUri();

  /** The host's current power state. */
  HostPowerState powerState();

  /** What the management engine is doing now (see {@link Switches#meIdleSleep()}). */
  EngineState engineState();

  /** The machine behind the node. */
  MachineBackend machine();

  /** Every boot of the host so far, oldest first (the last 10,000). */
  List<BootRecord> bootHistory();

  /** The last requests, oldest first (the last 2,000). */
  List<RequestRecord> requestLog();

  /** Traffic counters since start or the last {@link #resetCounters()}. */
  NodeCounters counters();

  /** Sets the counters to zero and empties the request log. */
  void resetCounters();

  /**
   * The boot override AMT would apply at the next boot: the source chosen by ChangeBootOrder (empty
   * when cleared) and whether SetBootConfigRole armed it.
   */
  BootOverride bootOverride();

  /** The realism switches now in force. */
  Switches switches();

  /**
   * Replaces the realism switches; the next request sees them.
   *
   * @param switches the new values
   */
  void setSwitches(Switches switches);

  /**
   * The hardware the inventory classes report now: the spec's, as the machine backend adjusted it
   * ({@link MachineBackend#hardware}), or what {@link #setHardware} set.
   */
  Hardware hardware();

  /**
   * Replaces the hardware the inventory classes report; the next request sees it.
   *
   * @param hardware the new description
   */
  void setHardware(Hardware hardware);

  /**
   * Makes the next {@code count} authenticated requests fail with {@code fault}, before the random
   * fault rates are consulted.
   *
   * @param fault the fault to inject
   * @param count how many requests it hits, at least 1
   * @throws IllegalArgumentException if count is less than 1
   */
  void injectFaults(Switches.Fault fault, int count);

  /** Drops faults injected with {@link #injectFaults} that have not hit a request yet. */
  void clearInjectedFaults();

  /** The redirection (Serial-over-LAN) port bound, if the node opens one. */
  Optional<Integer> redirectionPort();

  /**
   * The redirection settings of {@code AMT_RedirectionService}: whether the listener accepts
   * sessions, and the EnabledState (32768 nothing, 32769 IDE-R, 32770 SOL, 32771 both). A new node
   * has the listener off and both disabled, so a console must enable them over WS-Man first.
   */
  RedirectionState redirection();

  /** Replaces the redirection settings, as a WS-Man client would. */
  void setRedirection(RedirectionState state);

  /** True while a SOL session is open on the node. */
  boolean solSessionOpen();

  /**
   * The host writes to its serial port: the bytes reach the open SOL session, if any (a UART has no
   * memory: with no session they are lost).
   */
  void serialWrite(byte[] data);

  /**
   * Makes the next SOL session misbehave once, to test clients against broken firmware; see {@link
   * SolFault}.
   */
  void injectSolFault(SolFault fault);

  /**
   * The host's OS reboots the host by itself, as a deploy ramdisk does; the boot consumes AMT's
   * one-time override like a boot AMT caused. Ignored unless the host is on.
   */
  default void hostReboot() {
    machine().hostReboot();
  }

  /** The host's OS shuts the host down by itself. Ignored unless the host is on. */
  default void hostShutdown() {
    machine().hostShutdown();
  }

  /** Presses the host's power button. */
  default void pressPowerButton() {
    machine().pressPowerButton();
  }

  /** The management engine's state. */
  enum EngineState {
    /** Serving requests. */
    AWAKE,
    /** Asleep: the next TCP connection wakes it. */
    ASLEEP,
    /** Woken by a connection, not yet serving. */
    WAKING
  }

  /**
   * AMT's one-time boot override.
   *
   * @param source the boot source set by ChangeBootOrder, empty when none is set
   * @param armed true when SetBootConfigRole made it apply to the next boot (role 1); false when
   *     the role is 32768 (IsNotNext)
   * @param biosSetup true when AMT_BootSettingData asks for BIOS setup at the next boot
   */
  record BootOverride(Optional<BootDevice> source, boolean armed, boolean biosSetup) {}
}
