package org.amtpxe.pxe.internal.deploy;

import java.time.Duration;
import org.amtpxe.api.error.DeployFailureException;

/** Tells a deploy ramdisk that the conductor is done with it, so that it reboots. */
public interface RamdiskNotifier {

  /**
   * Sends {@code done} to the ramdisk's notify port.
   *
   * @param address the ramdisk's IP address, as it reported it
   * @param port the notify port
   * @param timeout how long to keep trying to connect
   * @throws DeployFailureException when the ramdisk cannot be reached in time
   */
  void notifyDone(String address, int port, Duration timeout) throws DeployFailureException;
}
