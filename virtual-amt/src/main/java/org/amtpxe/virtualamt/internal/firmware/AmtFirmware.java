package org.amtpxe.virtualamt.internal.firmware;

import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.Switches;

/**
 * What the CIM classes read and change on a virtual AMT: the host's power and boot control, its
 * hardware and the firmware's identity and switches.
 */
public interface AmtFirmware {

  /** The node's configuration (name, address, realm, firmware version). */
  NodeSpec spec();

  /** The realism switches now in force. */
  Switches switches();

  /** The host's hardware now. */
  Hardware hardware();

  /** The host's current power state. */
  HostPowerState powerState();

  /** True when an OS agent runs on the host (graceful and sleep requests possible). */
  boolean osAgent();

  /**
   * Handles {@code RequestPowerStateChange}.
   *
   * @param powerState the requested DSP1027 value
   * @return the method's ReturnValue: 0 accepted, 2 impossible in the current state
   */
  int requestPowerStateChange(int powerState);

  /** The boot override and boot settings. */
  BootControl boot();

  /** The event log the BIOS and AMT write (AMT_MessageLog). */
  EventLog eventLog();

  /** The redirection listener and which sessions it allows. */
  org.amtpxe.virtualamt.RedirectionState redirection();

  /** Changes the redirection settings (AMT_RedirectionService Put and RequestStateChange). */
  void setRedirection(org.amtpxe.virtualamt.RedirectionState state);
}
