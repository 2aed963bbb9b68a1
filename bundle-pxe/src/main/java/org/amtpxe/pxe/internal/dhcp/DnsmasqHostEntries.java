package org.amtpxe.pxe.internal.dhcp;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.amtpxe.api.model.MacAddress;

/**
 * The DHCP entries of the nodes this conductor serves, in the files dnsmasq reads from {@code
 * --dhcp-hostsdir} and {@code --dhcp-optsdir} without a restart: one host file per MAC ({@code
 * <hostsdir>/<mac with hyphens>}: {@code <mac>,set:<tag>}) that tags the MAC with this conductor,
 * and one options file per conductor ({@code <optsdir>/<tag>}) that gives iPXE with that tag this
 * conductor's {@code boot.ipxe}. Several conductors writing into the same two folders (one dnsmasq
 * for the provisioning network) each send their own nodes to their own boot servers; the conductor
 * that prepares a node's boot last (its owner, after a deploy or a takeover) rewrites its host
 * file.
 *
 * <p>NOTE: dnsmasq reads a new or changed file in these folders at once but keeps a record it read
 * before until SIGHUP (dnsmasq(8), --dhcp-hostsdir): after a node changed owner, a long-running
 * dnsmasq needs a SIGHUP for the old tag to go (docs/pxe-deploy.md#several-conductors).
 *
 * @param hostsDir dnsmasq's {@code dhcp-hostsdir}
 * @param optsDir dnsmasq's {@code dhcp-optsdir}
 * @param httpUrl this conductor's HTTP boot server as nodes reach it
 */
public record DnsmasqHostEntries(Path hostsDir, Path optsDir, String httpUrl) {

  public DnsmasqHostEntries {
    Objects.requireNonNull(hostsDir, "hostsDir");
    Objects.requireNonNull(optsDir, "optsDir");
    if (httpUrl == null || httpUrl.isEmpty()) {
      throw new IllegalArgumentException(
          "DHCP entries need http_url: set http_url (or http_address) in etc/org.amtpxe.pxe.cfg");
    }
  }

  /**
   * The dnsmasq tag of this conductor's nodes: {@code amtpxe-} and its HTTP server's host and port,
   * e.g. {@code amtpxe-192-168-77-1-8080}.
   */
  public String tag() {
    URI uri = URI.create(httpUrl);
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    String host = uri.getHost().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return "amtpxe-" + host.replaceAll("^-|-$", "") + "-" + port;
  }

  /** The file of one MAC in the hosts folder. */
  public Path hostFile(MacAddress mac) {
    return hostsDir.resolve(mac.hyphenated());
  }

  /** This conductor's options file. */
  public Path optionsFile() {
    return optsDir.resolve(tag());
  }

  /**
   * Writes this conductor's options: iPXE of a node tagged with {@link #tag()} gets {@code
   * <http_url>/boot.ipxe}.
   *
   * @throws IOException when the file cannot be written
   */
  public void writeOptions() throws IOException {
    // NOTE: the tag "ipxe" is the one the generated dnsmasq configuration sets from option 175 or
    // the user class iPXE (DnsmasqConfig); firmware PXE keeps the site-wide dhcp-boot for the iPXE
    // binary, which is the same file on every conductor.
    replace(
        optionsFile(), "tag:" + tag() + ",tag:ipxe,option:bootfile-name," + bootScriptUrl() + "\n");
  }

  /** The boot script this conductor's entries give iPXE. */
  public String bootScriptUrl() {
    return httpUrl + "/boot.ipxe";
  }

  /**
   * Points a MAC at this conductor.
   *
   * @throws IOException when the file cannot be written
   */
  public void writeHost(MacAddress mac) throws IOException {
    replace(hostFile(mac), mac + ",set:" + tag() + "\n");
  }

  /**
   * Removes a MAC's entry when it points at this conductor (another conductor's entry stays).
   *
   * @return true when a file was removed
   * @throws IOException when the file cannot be read or removed
   */
  public boolean removeHost(MacAddress mac) throws IOException {
    Path file = hostFile(mac);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (!text.equals(mac + ",set:" + tag())) {
      return false;
    }
    return Files.deleteIfExists(file);
  }

  private static void replace(Path target, String content) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID());
    try {
      Files.writeString(temp, content, StandardCharsets.US_ASCII);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
