package org.amtpxe.virtualamt;

import java.util.concurrent.ScheduledExecutorService;

/**
 * The firmware side a {@link MachineBackend} reports to: the virtual AMT that manages the machine.
 * A backend calls these methods whenever the machine changes by itself or by an AMT request; it
 * must not hold its own locks while calling them.
 */
public interface MachineHost {

  /**
   * The host firmware (BIOS) is starting a boot. The AMT applies its one-time boot override here
   * exactly as real firmware does at POST: the override chooses the device once and is then
   * consumed, and the boot is recorded. Call this for every boot, including the ones the host makes
   * by itself (a deploy ramdisk rebooting the host).
   *
   * @param cause what made the host boot
   * @return the device the host must boot from
   */
  BootDevice bootStarting(BootCause cause);

  /**
   * The host's power state changed, whoever changed it.
   *
   * @param state the new state
   */
  void powerStateChanged(HostPowerState state);

  /**
   * Adds a note to the boot in progress (the last one {@link #bootStarting} recorded): what the
   * machine loaded and what came of it. Shown in the boot history and logged.
   *
   * @param note one line, e.g. {@code instance: kernel http://.../kernel}
   */
  default void bootNote(String note) {}

  /**
   * The boot in progress found nothing to start. Firmware logs it in AMT's event log.
   *
   * @param error what went wrong
   */
  default void bootFailed(BootError error) {}

  /**
   * The host wrote to its serial port (COM1, which AMT's Serial-over-LAN carries). The bytes reach
   * the open SOL session, if any.
   *
   * @param data what was written
   */
  default void serialOutput(byte[] data) {}

  /** A scheduler shared by all machines of the emulator, for timed transitions. */
  ScheduledExecutorService scheduler();
}
