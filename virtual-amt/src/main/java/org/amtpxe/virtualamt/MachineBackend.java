package org.amtpxe.virtualamt;

import java.util.Map;

/**
 * A host machine managed by a virtual AMT: the power and boot side of a node. The emulator ships
 * {@link InMemoryMachine}; other backends (a QEMU machine driven over QMP, a simulated firmware
 * that really network-boots) implement the same interface.
 *
 * <p>Power requests return at once; the machine changes state when it has done the work and reports
 * it through {@link MachineHost}. The virtual AMT only sends requests that are possible in the
 * current state (it answers ReturnValue 2 otherwise), but a backend must tolerate races: a request
 * that is impossible by the time it arrives is ignored. Every boot, whoever caused it, must call
 * {@link MachineHost#bootStarting} to learn the device to boot from.
 */
public interface MachineBackend extends AutoCloseable {

  /**
   * Connects the machine to its firmware. Called once, before any other method.
   *
   * @param host the firmware callbacks
   */
  void attach(MachineHost host);

  /** The current power state (the old one while a transition is still running). */
  HostPowerState powerState();

  /** Powers the host on (AMT PowerState 2); from sleep this wakes it without a boot. */
  void powerOn();

  /** Cuts the power at once (AMT PowerState 8). */
  void powerOff();

  /** Resets the running host: it boots again (AMT PowerState 10). */
  void reset();

  /** Powers the host off and on again: it boots again (AMT PowerState 5). */
  void powerCycle();

  /** Asks the OS to shut down (AMT PowerState 12, needs an OS agent). */
  void gracefulShutdown();

  /** Asks the OS to reboot (AMT PowerState 14, needs an OS agent). */
  void gracefulReset();

  /**
   * Asks the OS to suspend (AMT PowerState 4 or 7, needs an OS agent).
   *
   * @param target {@link HostPowerState#SLEEP_DEEP} or {@link HostPowerState#HIBERNATE}
   */
  void suspend(HostPowerState target);

  /** Sends a diagnostic interrupt (NMI, AMT PowerState 11). */
  void diagnosticInterrupt();

  /**
   * The OS reboots the host by itself, without AMT (a deploy ramdisk that finished writing the
   * image). The boot that follows consumes AMT's one-time boot override like any other boot.
   */
  void hostReboot();

  /** The OS shuts the host down by itself. */
  void hostShutdown();

  /** Someone presses the power button: an off host powers on, a running host shuts down. */
  void pressPowerButton();

  /**
   * Keys typed into the host's serial port through Serial-over-LAN. The default echoes them back
   * (what a terminal with echo on shows); a real machine passes them to its UART.
   *
   * @param data the bytes typed
   * @param host the firmware, for the echo
   */
  default void serialInput(byte[] data, MachineHost host) {
    host.serialOutput(data);
  }

  /**
   * True when the machine has a serial port of its own (a QEMU guest's COM1); false when the
   * firmware narrates its boots on SOL instead (the in-memory and simulated machines).
   */
  default boolean hasSerialPort() {
    return false;
  }

  /**
   * What the machine is and how it is doing, for the control API: e.g. {@code type}, a process id,
   * the disk and serial log it uses. Values are strings, numbers, booleans or nested maps. The
   * default says nothing.
   */
  default Map<String, Object> describe() {
    return Map.of();
  }

  /**
   * The hardware the firmware reports for this machine: what the node's spec declares, with the
   * parts this machine really has in their place (a QEMU machine's CPUs, memory, disk, MAC and
   * firmware). The default reports the spec's hardware as it is.
   *
   * @param declared the hardware of the node's spec
   */
  default Hardware hardware(Hardware declared) {
    return declared;
  }

  /** Releases the machine's resources; the default does nothing. */
  @Override
  default void close() {}
}
