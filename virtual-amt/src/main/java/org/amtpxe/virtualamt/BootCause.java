package org.amtpxe.virtualamt;

/** What made the host boot. */
public enum BootCause {
  /** AMT powered the host on (PowerState 2). */
  AMT_POWER_ON,
  /** AMT reset the host (PowerState 10). */
  AMT_RESET,
  /** AMT power-cycled the host (PowerState 5). */
  AMT_POWER_CYCLE,
  /** AMT asked the OS to reboot (PowerState 14). */
  AMT_GRACEFUL_RESET,
  /** The host rebooted by itself, e.g. a deploy ramdisk finished writing the image. */
  HOST_REBOOT,
  /** The host was powered on without AMT, e.g. by its power button. */
  HOST_POWER_ON
}
