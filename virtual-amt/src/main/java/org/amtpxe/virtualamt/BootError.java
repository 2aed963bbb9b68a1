package org.amtpxe.virtualamt;

/** Why a boot found nothing to start; the BIOS logs it in AMT's event log. */
public enum BootError {
  /** No device in the boot order holds a bootable system (an empty disk). */
  NO_BOOTABLE_MEDIA,
  /** The network boot found no boot server or could not load what it was given. */
  PXE_SERVER_NOT_FOUND,
  /** The boot asked for removable media (CD/DVD) and none is there. */
  NO_REMOVABLE_MEDIA
}
