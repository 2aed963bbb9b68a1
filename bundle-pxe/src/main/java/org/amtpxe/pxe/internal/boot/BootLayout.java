package org.amtpxe.pxe.internal.boot;

import java.nio.file.Path;
import java.util.regex.Pattern;
import org.amtpxe.api.model.MacAddress;

/**
 * Where a node's boot files live. Per node: {@code <root>/<uuid>/} with the images and {@code
 * config} (pxelinux, TFTP root) or {@code config.ipxe} (iPXE, HTTP root). Per MAC: {@code
 * pxelinux.cfg/01-<mac>} (pxelinux) and {@code pxelinux.cfg/<mac>} (iPXE), relative symbolic links
 * to the node's config.
 *
 * @param tftpRoot the TFTP root
 * @param httpRoot the HTTP root, possibly the same directory
 * @param nodeUuid the node
 */
public record BootLayout(Path tftpRoot, Path httpRoot, String nodeUuid) {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  /** The folder of per-MAC links. */
  public static final String MAC_DIR = "pxelinux.cfg";

  public static final String PXELINUX_CONFIG = "config";
  public static final String IPXE_CONFIG = "config.ipxe";

  public BootLayout {
    if (!SAFE_NAME.matcher(nodeUuid).matches()) {
      throw new IllegalArgumentException("node UUID '" + nodeUuid + "' cannot name a folder");
    }
  }

  public Path tftpNodeDir() {
    return tftpRoot.resolve(nodeUuid);
  }

  public Path httpNodeDir() {
    return httpRoot.resolve(nodeUuid);
  }

  public Path pxelinuxConfig() {
    return tftpNodeDir().resolve(PXELINUX_CONFIG);
  }

  public Path ipxeConfig() {
    return httpNodeDir().resolve(IPXE_CONFIG);
  }

  public Path pxelinuxMacLink(MacAddress mac) {
    return tftpRoot.resolve(MAC_DIR).resolve("01-" + mac.hyphenated());
  }

  public Path ipxeMacLink(MacAddress mac) {
    return httpRoot.resolve(MAC_DIR).resolve(mac.hyphenated());
  }

  /** The link target, relative to {@link #MAC_DIR}, so that any TFTP server can follow it. */
  public Path relativeTarget(String configName) {
    return Path.of("..", nodeUuid, configName);
  }
}
