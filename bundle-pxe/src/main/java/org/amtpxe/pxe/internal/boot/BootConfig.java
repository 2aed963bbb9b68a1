package org.amtpxe.pxe.internal.boot;

import java.util.Objects;
import org.amtpxe.pxe.internal.config.BootMode;

/**
 * What a node's boot configuration says.
 *
 * @param nodeUuid the node, which names its folder
 * @param bootMode BIOS (pxelinux and iPXE) or UEFI (iPXE, which needs {@code initrd=<name>})
 * @param defaultLabel the label booted
 * @param httpUrl the URL of the HTTP root, for iPXE
 * @param deployArgs the deploy ramdisk's kernel parameters
 * @param instanceArgs the netbooted instance's kernel parameters, or null when the node boots from
 *     its disk (no instance label)
 */
public record BootConfig(
    String nodeUuid,
    BootMode bootMode,
    BootLabel defaultLabel,
    String httpUrl,
    String deployArgs,
    String instanceArgs) {
  public BootConfig {
    Objects.requireNonNull(nodeUuid, "nodeUuid");
    Objects.requireNonNull(bootMode, "bootMode");
    Objects.requireNonNull(defaultLabel, "defaultLabel");
    Objects.requireNonNull(deployArgs, "deployArgs");
    if (defaultLabel == BootLabel.INSTANCE && instanceArgs == null) {
      throw new IllegalArgumentException("the instance label needs instance kernel parameters");
    }
  }

  /** The same configuration with an instance label. */
  public BootConfig withInstance(String args) {
    return new BootConfig(nodeUuid, bootMode, defaultLabel, httpUrl, deployArgs, args);
  }

  /** The same configuration booting another label. */
  public BootConfig withDefault(BootLabel label) {
    return new BootConfig(nodeUuid, bootMode, label, httpUrl, deployArgs, instanceArgs);
  }
}
