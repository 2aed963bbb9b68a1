package org.amtpxe.pxe.internal.shell;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.amtpxe.pxe.internal.NetbootService;
import org.amtpxe.pxe.internal.config.PxeSettings;
import org.amtpxe.pxe.internal.dhcp.DnsmasqConfig;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code pxe:dnsmasq-config}: prints (or writes) the dnsmasq configuration for this deploy. */
@Command(
    scope = "pxe",
    name = "dnsmasq-config",
    description =
        "Generates a dnsmasq configuration that chain-loads BIOS, UEFI and iPXE clients into the"
            + " PXE deploy.")
@Service
public class DnsmasqConfigCommand implements Action {

  @Reference NetbootService netboot;

  @Option(name = "--interface", description = "Provisioning interface, e.g. br0")
  String interfaceName = "br0";

  @Option(
      name = "--range",
      description = "first,last addresses to hand out; with --proxy: the subnet, e.g. 192.168.77.0")
  String range = "192.168.77.100,192.168.77.150";

  @Option(name = "--netmask", description = "Subnet mask")
  String netmask = "255.255.255.0";

  @Option(name = "--server", description = "This host's IP as nodes reach it; default: http_url's")
  String server;

  @Option(name = "--proxy", description = "proxyDHCP next to the site's DHCP server")
  boolean proxy;

  @Option(name = "--pxelinux", description = "Give BIOS firmware pxelinux.0 instead of iPXE")
  boolean pxelinux;

  @Option(name = "--output", description = "Write to this file instead of printing")
  String output;

  @Override
  public Object execute() throws Exception {
    PxeSettings s = netboot.settings();
    if (s.httpUrl().isEmpty()) {
      System.err.println(
          "http_url is not known: set http_url (or http_address) in etc/org.amtpxe.pxe.cfg.");
      return null;
    }
    String bootServer = server != null ? server : URI.create(s.httpUrl()).getHost();
    String[] r = range.split(",", 2);
    DnsmasqConfig config =
        new DnsmasqConfig(
            interfaceName,
            r[0].trim(),
            r.length > 1 ? r[1].trim() : r[0].trim(),
            netmask,
            bootServer,
            s.httpUrl(),
            proxy,
            pxelinux);
    String text = config.render();
    if (s.tftpPort() != 69 && s.tftpEnabled()) {
      text +=
          "# NOTE: firmware asks TFTP on port 69 but the built-in server listens on "
              + s.tftpPort()
              + ".\n# Set tftp_port=69, or serve "
              + s.tftpRoot()
              + " with dnsmasq itself:\n#enable-tftp\n#tftp-root="
              + s.tftpRoot()
              + "\n";
    }
    if (output != null) {
      Files.writeString(Path.of(output), text);
      return "Wrote " + output;
    }
    return text;
  }
}
