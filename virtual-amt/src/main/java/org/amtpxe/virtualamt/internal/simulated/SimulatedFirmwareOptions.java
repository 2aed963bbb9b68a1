package org.amtpxe.virtualamt.internal.simulated;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.amtpxe.api.model.MacAddress;

/**
 * How the simulated firmware machine boots.
 *
 * @param mac its NIC's MAC address; the boot scripts are looked up by it
 * @param address its own IP address (what DHCP would give it): the deploy ramdisk calls back with
 *     it and listens on it for "done"; a loopback address such as 127.0.0.21 on one machine
 * @param bootUrl the iPXE script DHCP would hand to iPXE, e.g. {@code
 *     http://127.0.0.1:8080/boot.ipxe}
 * @param disk the file that stands for the machine's disk
 * @param diskSizeMb the disk's size, 0 for "as large as the image"
 * @param diskDevice the disk's device name in the ramdisk, e.g. {@code vda}
 * @param notifyTimeout how long the deploy ramdisk waits for "done"
 * @param httpTimeout how long one download or the callback may take
 * @param dhcp the DHCP entries that give iPXE its boot script instead of {@code bootUrl} when they
 *     name this MAC (as dnsmasq would), or null to always boot {@code bootUrl}
 * @param imageWriteTime how long the deploy ramdisk takes to write the image to the disk, beyond
 *     the copy itself (a desktop's disk writes a few hundred MB/s; zero for at once)
 */
public record SimulatedFirmwareOptions(
    String mac,
    String address,
    URI bootUrl,
    Path disk,
    int diskSizeMb,
    String diskDevice,
    Duration notifyTimeout,
    Duration httpTimeout,
    DnsmasqEntries dhcp,
    Duration imageWriteTime) {

  private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9/_.-]+");

  /** Validates the options; every message names the key to fix. */
  public SimulatedFirmwareOptions {
    if (MacAddress.tryParse(mac).isEmpty()) {
      throw new IllegalArgumentException("mac must look like 52:54:00:12:34:56, not '" + mac + "'");
    }
    mac = mac.toLowerCase(Locale.ROOT);
    if (address == null || !isLiteral(address)) {
      throw new IllegalArgumentException(
          "address must be the machine's IP address, e.g. 127.0.0.21, not '" + address + "'");
    }
    Objects.requireNonNull(bootUrl, "bootUrl");
    if (!"http".equals(bootUrl.getScheme()) && !"https".equals(bootUrl.getScheme())) {
      throw new IllegalArgumentException(
          "bootUrl must be an http(s) URL of an iPXE script, e.g."
              + " http://127.0.0.1:8080/boot.ipxe, not '"
              + bootUrl
              + "'");
    }
    Objects.requireNonNull(disk, "disk");
    if (diskSizeMb < 0) {
      throw new IllegalArgumentException("diskSizeMb must not be negative");
    }
    if (diskDevice == null || !DEVICE.matcher(diskDevice).matches()) {
      throw new IllegalArgumentException(
          "diskDevice must be a device name such as vda, not '" + diskDevice + "'");
    }
    positive(notifyTimeout, "notifyTimeoutSeconds");
    positive(httpTimeout, "httpTimeoutSeconds");
    Objects.requireNonNull(imageWriteTime, "imageWriteTime");
    if (imageWriteTime.isNegative()) {
      throw new IllegalArgumentException("imageWriteTime must not be negative");
    }
  }

  /** Options that always boot {@code bootUrl} and write the image at once. */
  public SimulatedFirmwareOptions(
      String mac,
      String address,
      URI bootUrl,
      Path disk,
      int diskSizeMb,
      String diskDevice,
      Duration notifyTimeout,
      Duration httpTimeout) {
    this(
        mac,
        address,
        bootUrl,
        disk,
        diskSizeMb,
        diskDevice,
        notifyTimeout,
        httpTimeout,
        null,
        Duration.ZERO);
  }

  /** The MAC as iPXE's {@code ${mac:hexhyp}}: {@code 52-54-00-12-34-56}. */
  public String macHyphenated() {
    return mac.replace(':', '-');
  }

  private static void positive(Duration d, String key) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive");
    }
  }

  private static boolean isLiteral(String address) {
    if (!address.matches("[0-9.]+") && !address.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      return false;
    }
    try {
      InetAddress.getByName(address); // a literal: parsed, never looked up
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
