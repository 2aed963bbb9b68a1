package org.amtpxe.pxe.internal.boot;

/** The entries of a node's boot configuration. */
public enum BootLabel {
  /** Boots the deploy ramdisk, which writes the image and calls back. */
  DEPLOY("deploy"),
  /** Boots the deployed instance's kernel and ramdisk (netboot). */
  INSTANCE("instance");

  private final String label;

  BootLabel(String label) {
    this.label = label;
  }

  /** The label name in pxelinux and iPXE configurations. */
  public String label() {
    return label;
  }
}
