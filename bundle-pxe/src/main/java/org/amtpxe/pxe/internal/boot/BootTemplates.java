package org.amtpxe.pxe.internal.boot;

import org.amtpxe.pxe.internal.config.BootMode;

/**
 * Renders boot configurations: pxelinux (BIOS, over TFTP, paths relative to the TFTP root) and iPXE
 * scripts (BIOS and UEFI, over HTTP), plus the {@code boot.ipxe} every iPXE client chains to first.
 */
public final class BootTemplates {
  /** The per-node folder's files. */
  public static final String DEPLOY_KERNEL = "deploy_kernel";

  public static final String DEPLOY_RAMDISK = "deploy_ramdisk";
  public static final String KERNEL = "kernel";
  public static final String RAMDISK = "ramdisk";
  public static final String DISK = "disk";

  private BootTemplates() {}

  /** A pxelinux configuration; paths are relative to the directory of pxelinux.0. */
  public static String pxelinux(BootConfig c) {
    String dir = c.nodeUuid() + "/";
    StringBuilder s = new StringBuilder();
    s.append("default ").append(c.defaultLabel().label()).append("\n\n");
    s.append("label ").append(BootLabel.DEPLOY.label()).append('\n');
    s.append("kernel ").append(dir).append(DEPLOY_KERNEL).append('\n');
    s.append("append initrd=")
        .append(dir)
        .append(DEPLOY_RAMDISK)
        .append(' ')
        .append(c.deployArgs())
        .append('\n');
    // ipappend 3: pxelinux appends ip=... and BOOTIF=01-<mac>, naming the booting NIC.
    s.append("ipappend 3\n");
    if (c.instanceArgs() != null) {
      s.append('\n');
      s.append("label ").append(BootLabel.INSTANCE.label()).append('\n');
      s.append("kernel ").append(dir).append(KERNEL).append('\n');
      s.append("append initrd=")
          .append(dir)
          .append(RAMDISK)
          .append(' ')
          .append(c.instanceArgs())
          .append('\n');
    }
    return s.toString();
  }

  /**
   * An iPXE script. In UEFI mode the kernel line names the initrd ({@code initrd=<name>}), which
   * the EFI stub needs to find it.
   */
  public static String ipxe(BootConfig c) {
    String url = c.httpUrl() + "/" + c.nodeUuid() + "/";
    boolean uefi = c.bootMode() == BootMode.UEFI;
    StringBuilder s = new StringBuilder();
    s.append("#!ipxe\n\n");
    s.append("goto ").append(c.defaultLabel().label()).append("\n\n");
    s.append(':').append(BootLabel.DEPLOY.label()).append('\n');
    s.append("kernel ").append(url).append(DEPLOY_KERNEL);
    if (uefi) {
      s.append(" initrd=").append(DEPLOY_RAMDISK);
    }
    s.append(' ').append(c.deployArgs()).append(" BOOTIF=${mac} || goto boot_error\n");
    s.append("initrd --name ")
        .append(DEPLOY_RAMDISK)
        .append(' ')
        .append(url)
        .append(DEPLOY_RAMDISK)
        .append(" || goto boot_error\n");
    s.append("boot || goto boot_error\n");
    if (c.instanceArgs() != null) {
      s.append('\n');
      s.append(':').append(BootLabel.INSTANCE.label()).append('\n');
      s.append("kernel ").append(url).append(KERNEL);
      if (uefi) {
        s.append(" initrd=").append(RAMDISK);
      }
      s.append(' ').append(c.instanceArgs()).append(" || goto boot_error\n");
      s.append("initrd --name ")
          .append(RAMDISK)
          .append(' ')
          .append(url)
          .append(RAMDISK)
          .append(" || goto boot_error\n");
      s.append("boot || goto boot_error\n");
    }
    s.append('\n');
    s.append(":boot_error\n");
    s.append("echo Booting ${mac} failed; retrying in 10 seconds.\n");
    s.append("sleep 10\n");
    s.append("reboot\n");
    return s.toString();
  }

  /**
   * The script DHCP hands to iPXE clients: chains to the per-MAC script, or leaves iPXE (the
   * firmware then tries its next boot device) when the node has none.
   */
  public static String bootScript() {
    return """
        #!ipxe

        # Written by the amtpxe PXE deploy. DHCP points iPXE clients here; each node being
        # deployed or netbooted has a script under pxelinux.cfg/ named by its MAC.
        chain --autofree pxelinux.cfg/${mac:hexhyp} || goto no_config

        :no_config
        echo No boot configuration for ${mac:hexhyp}: not deployed or netbooted from here.
        echo Leaving iPXE so that the firmware boots the next device.
        exit
        """;
  }
}
