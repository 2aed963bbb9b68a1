package org.amtpxe.pxe.internal.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.MissingParameterValueException;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.pxe.internal.cache.ImageSource;
import org.amtpxe.pxe.internal.cache.ImageSourcePolicy;
import org.amtpxe.pxe.internal.cache.ImageSourcePolicy.ImageRefusedException;
import org.amtpxe.pxe.internal.config.BootMode;
import org.amtpxe.pxe.internal.config.PxeSettings;

/**
 * What the PXE deploy reads from a node, parsed and checked in one place: driver_info's deploy
 * kernel and ramdisk, instance_info's image and its checksum, the netboot kernel and ramdisk, the
 * boot option and mode, and the PXE-enabled ports.
 *
 * @param deployKernel the deploy ramdisk's kernel
 * @param deployRamdisk the deploy ramdisk
 * @param image the instance image the ramdisk writes, with its checksum
 * @param kernel the instance kernel (netboot), or null
 * @param ramdisk the instance ramdisk (netboot), or null
 * @param bootOption netboot or local
 * @param bootMode bios or uefi
 * @param disks the disks the ramdisk tries, comma-separated
 * @param macs the MACs the node PXE-boots from
 */
public record DeployInfo(
    ImageSource deployKernel,
    ImageSource deployRamdisk,
    ImageSource image,
    ImageSource kernel,
    ImageSource ramdisk,
    BootOption bootOption,
    BootMode bootMode,
    String disks,
    List<MacAddress> macs) {

  static final String DEPLOY_KERNEL = "deploy_kernel";
  static final String DEPLOY_RAMDISK = "deploy_ramdisk";
  static final String IMAGE_SOURCE = "image_source";
  static final String IMAGE_CHECKSUM = "image_checksum";
  static final String KERNEL = "kernel";
  static final String RAMDISK = "ramdisk";
  static final String ROOT_DEVICE = "root_device";
  static final String CAPABILITIES = "capabilities";
  static final String CHECKSUM_SUFFIX = "_checksum";
  static final String ALLOW_UNVERIFIED = "allow_unverified_boot_files";

  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
  private static final Pattern DEVICE = Pattern.compile("(/dev/)?[A-Za-z0-9][A-Za-z0-9/_.-]*");
  private static final Pattern JSON_PAIR = Pattern.compile("\"([A-Za-z_]+)\"\\s*:\\s*\"([^\"]*)\"");

  /** The parameters the deploy reads, for {@code properties()}. */
  static Map<String, String> properties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(
        DEPLOY_KERNEL,
        "driver_info: URL or path (inside the configured image_dirs) of the deploy ramdisk's"
            + " kernel. Required.");
    p.put(
        DEPLOY_RAMDISK,
        "driver_info: URL or path (inside the configured image_dirs) of the deploy ramdisk."
            + " Required.");
    p.put(
        DEPLOY_KERNEL + CHECKSUM_SUFFIX,
        "driver_info: sha256 (or md5) of deploy_kernel, checked before use. Required unless "
            + ALLOW_UNVERIFIED
            + ".");
    p.put(
        DEPLOY_RAMDISK + CHECKSUM_SUFFIX,
        "driver_info: sha256 (or md5) of deploy_ramdisk, checked before use. Required unless "
            + ALLOW_UNVERIFIED
            + ".");
    p.put(
        ALLOW_UNVERIFIED,
        "driver_info: true lets the deploy serve the four boot files (deploy_kernel,"
            + " deploy_ramdisk, kernel, ramdisk) without a checksum; for operators only, never"
            + " the image. Default false.");
    p.put(
        IMAGE_SOURCE,
        "instance_info: http(s) URL, file: URI or path (inside image_dirs) of the image."
            + " Required.");
    p.put(
        IMAGE_CHECKSUM,
        "instance_info: sha256 (64 hex digits; md5 with 32 accepted) of the image. Required.");
    p.put(KERNEL, "instance_info: URL or path of the instance kernel. Required for netboot.");
    p.put(RAMDISK, "instance_info: URL or path of the instance ramdisk. Required for netboot.");
    p.put(
        KERNEL + CHECKSUM_SUFFIX,
        "instance_info: sha256 (or md5) of kernel. Required for netboot unless "
            + ALLOW_UNVERIFIED
            + ".");
    p.put(
        RAMDISK + CHECKSUM_SUFFIX,
        "instance_info: sha256 (or md5) of ramdisk. Required for netboot unless "
            + ALLOW_UNVERIFIED
            + ".");
    p.put(
        ROOT_DEVICE,
        "instance_info: the disk to write, e.g. vda or /dev/sda; default: the configured"
            + " disk_devices, first found. Optional.");
    p.put(
        CAPABILITIES,
        "instance_info (or properties): boot_option netboot|local (default netboot) and boot_mode"
            + " bios|uefi (default from configuration), e.g. 'boot_option:local,boot_mode:uefi'."
            + " Optional.");
    return p;
  }

  /**
   * Parses and checks a node's deploy parameters. Offline: every image source is checked against
   * the settings' {@link ImageSourcePolicy} (local files: only their metadata is looked at), and
   * every file the deploy serves needs a checksum unless the node opts out for its boot files.
   *
   * @throws MissingParameterValueException naming every missing parameter and checksum
   * @throws InvalidParameterValueException for the first bad value or refused source
   */
  static DeployInfo parse(TaskContext task, PxeSettings settings)
      throws MissingParameterValueException, InvalidParameterValueException {
    Node node = task.node();
    String name = node.displayName();
    Map<String, Object> di = node.driverInfo();
    Map<String, Object> ii = node.instanceInfo();
    List<String> missing = new ArrayList<>();
    String deployKernel = firstString(di, DEPLOY_KERNEL, "pxe_deploy_kernel");
    String deployRamdisk = firstString(di, DEPLOY_RAMDISK, "pxe_deploy_ramdisk");
    String imageSource = string(ii, IMAGE_SOURCE);
    String imageChecksum = string(ii, IMAGE_CHECKSUM);
    if (deployKernel == null) {
      missing.add("driver_info." + DEPLOY_KERNEL);
    }
    if (deployRamdisk == null) {
      missing.add("driver_info." + DEPLOY_RAMDISK);
    }
    if (imageSource == null) {
      missing.add("instance_info." + IMAGE_SOURCE);
    }
    if (imageChecksum == null) {
      missing.add("instance_info." + IMAGE_CHECKSUM);
    }
    Map<String, String> caps = capabilities(node, name);
    BootOption option;
    BootMode mode;
    try {
      option = BootOption.parse(caps.getOrDefault("boot_option", "netboot"));
      mode =
          caps.containsKey("boot_mode")
              ? BootMode.parse(caps.get("boot_mode"))
              : settings.defaultBootMode();
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterValueException(
          "Node " + name + ": capabilities " + e.getMessage() + ".");
    }
    String kernel = string(ii, KERNEL);
    String ramdisk = string(ii, RAMDISK);
    if (option == BootOption.NETBOOT) {
      if (kernel == null) {
        missing.add("instance_info." + KERNEL);
      }
      if (ramdisk == null) {
        missing.add("instance_info." + RAMDISK);
      }
    }
    List<MacAddress> macs = portMacs(task);
    boolean allowUnverified = allowUnverified(di, name);
    int missingBefore = missing.size();
    if (!allowUnverified) {
      requireChecksum(di, "driver_info", DEPLOY_KERNEL, missing);
      requireChecksum(di, "driver_info", DEPLOY_RAMDISK, missing);
      if (option == BootOption.NETBOOT) {
        requireChecksum(ii, "instance_info", KERNEL, missing);
        requireChecksum(ii, "instance_info", RAMDISK, missing);
      }
    }
    boolean bootChecksumMissing = missing.size() > missingBefore;
    if (macs.isEmpty()) {
      missing.add("ports (at least one port with pxe_enabled)");
    }
    if (!missing.isEmpty()) {
      throw new MissingParameterValueException(
          "Node "
              + name
              + ": the PXE deploy requires the following to be set: "
              + missing
              + ". Set them on the node (driver_info, instance_info) or create a port with the"
              + " node's MAC address."
              + (bootChecksumMissing || missing.contains("instance_info." + IMAGE_CHECKSUM)
                  ? " Every file the deploy serves needs its sha256 checksum; only for the boot"
                      + " files (deploy_kernel, deploy_ramdisk, kernel, ramdisk), never for the"
                      + " image, may an operator set driver_info."
                      + ALLOW_UNVERIFIED
                      + "=true to serve them unverified."
                  : ""),
          missing);
    }
    ImageSourcePolicy policy = settings.imageSources();
    String disks = settings.diskDevices().stream().reduce((a, b) -> a + "," + b).orElseThrow();
    String rootDevice = string(ii, ROOT_DEVICE);
    if (rootDevice != null) {
      if (!DEVICE.matcher(rootDevice).matches() || rootDevice.contains("..")) {
        throw new InvalidParameterValueException(
            "Node "
                + name
                + ": instance_info.root_device '"
                + rootDevice
                + "' is not a device name; use e.g. vda or /dev/sda.");
      }
      disks = rootDevice.startsWith("/dev/") ? rootDevice.substring(5) : rootDevice;
    }
    if (settings.apiUrl().isEmpty()) {
      throw new InvalidParameterValueException(
          "Node "
              + name
              + ": the deploy ramdisk needs api_url to call back, and it is not"
              + " configured. Set api_url in etc/org.amtpxe.pxe.cfg, e.g."
              + " http://192.168.77.1:6385.");
    }
    if (settings.httpUrl().isEmpty()) {
      throw new InvalidParameterValueException(
          "Node "
              + name
              + ": iPXE and the deploy ramdisk fetch files over HTTP, and http_url"
              + " is not known. Set http_url (or a specific http_address) in"
              + " etc/org.amtpxe.pxe.cfg.");
    }
    return new DeployInfo(
        source(
            name,
            "driver_info",
            DEPLOY_KERNEL,
            deployKernel,
            string(di, DEPLOY_KERNEL + CHECKSUM_SUFFIX),
            false,
            policy),
        source(
            name,
            "driver_info",
            DEPLOY_RAMDISK,
            deployRamdisk,
            string(di, DEPLOY_RAMDISK + CHECKSUM_SUFFIX),
            false,
            policy),
        source(name, "instance_info", IMAGE_SOURCE, imageSource, imageChecksum, true, policy),
        kernel == null
            ? null
            : source(
                name,
                "instance_info",
                KERNEL,
                kernel,
                string(ii, KERNEL + CHECKSUM_SUFFIX),
                false,
                policy),
        ramdisk == null
            ? null
            : source(
                name,
                "instance_info",
                RAMDISK,
                ramdisk,
                string(ii, RAMDISK + CHECKSUM_SUFFIX),
                false,
                policy),
        option,
        mode,
        disks,
        List.copyOf(macs));
  }

  private static ImageSource source(
      String node,
      String where,
      String key,
      String href,
      String checksum,
      boolean required,
      ImageSourcePolicy policy)
      throws InvalidParameterValueException {
    try {
      policy.check(href);
    } catch (ImageRefusedException e) {
      throw new InvalidParameterValueException(
          "Node "
              + node
              + ": "
              + where
              + "."
              + key
              + " '"
              + ImageSource.unverified(href).redactedHref()
              + "' "
              + e.getMessage()
              + ".");
    }
    if (checksum == null) {
      return ImageSource.unverified(href);
    }
    String c = checksum.trim();
    String algorithm = null;
    int colon = c.indexOf(':');
    if (colon > 0) {
      algorithm = c.substring(0, colon).toLowerCase(Locale.ROOT);
      c = c.substring(colon + 1);
    }
    String checksumKey =
        required ? where + "." + IMAGE_CHECKSUM : where + "." + key + CHECKSUM_SUFFIX;
    if (!HEX.matcher(c).matches() || c.length() != 64 && c.length() != 32) {
      throw new InvalidParameterValueException(
          "Node "
              + node
              + ": "
              + checksumKey
              + " must be a sha256 (64 hex digits) or md5 (32 hex digits) checksum.");
    }
    String byLength = c.length() == 64 ? "sha256" : "md5";
    if (algorithm != null && !algorithm.equals(byLength)) {
      throw new InvalidParameterValueException(
          "Node "
              + node
              + ": "
              + checksumKey
              + " says "
              + algorithm
              + " but has the length of "
              + byLength
              + "; only sha256 and md5 are accepted.");
    }
    return new ImageSource(href, byLength, c);
  }

  private static void requireChecksum(
      Map<String, Object> map, String where, String key, List<String> missing) {
    if (string(map, key + CHECKSUM_SUFFIX) == null) {
      missing.add(where + "." + key + CHECKSUM_SUFFIX);
    }
  }

  /** driver_info.allow_unverified_boot_files: true, false or absent. */
  private static boolean allowUnverified(Map<String, Object> di, String name)
      throws InvalidParameterValueException {
    Object v = di.get(ALLOW_UNVERIFIED);
    if (v == null || v instanceof Boolean) {
      return Boolean.TRUE.equals(v);
    }
    String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "true", "yes", "1", "on":
        return true;
      case "false", "no", "0", "off", "":
        return false;
      default:
        throw new InvalidParameterValueException(
            "Node "
                + name
                + ": driver_info."
                + ALLOW_UNVERIFIED
                + " '"
                + v
                + "' is not a boolean; use true or false.");
    }
  }

  private static Map<String, String> capabilities(Node node, String name)
      throws InvalidParameterValueException {
    Map<String, String> caps = new LinkedHashMap<>();
    merge(caps, node.properties().get(CAPABILITIES), "properties", name);
    merge(caps, node.instanceInfo().get(CAPABILITIES), "instance_info", name);
    return caps;
  }

  private static void merge(Map<String, String> caps, Object value, String where, String name)
      throws InvalidParameterValueException {
    if (value == null) {
      return;
    }
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> caps.put(String.valueOf(k), String.valueOf(v)));
      return;
    }
    String s = String.valueOf(value).trim();
    if (s.isEmpty()) {
      return;
    }
    if (s.startsWith("{")) {
      Matcher m = JSON_PAIR.matcher(s);
      while (m.find()) {
        caps.put(m.group(1), m.group(2));
      }
      return;
    }
    for (String pair : s.split(",")) {
      String[] kv = pair.split(":", 2);
      if (kv.length != 2) {
        throw new InvalidParameterValueException(
            "Node "
                + name
                + ": "
                + where
                + ".capabilities '"
                + s
                + "' is not a list of key:value pairs, e.g. boot_option:local,boot_mode:uefi.");
      }
      caps.put(kv[0].trim(), kv[1].trim());
    }
  }

  static String string(Map<String, Object> map, String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    String s = String.valueOf(v).trim();
    return s.isEmpty() ? null : s;
  }

  private static String firstString(Map<String, Object> map, String key, String legacy) {
    String v = string(map, key);
    return v != null ? v : string(map, legacy);
  }

  /** The node's PXE-enabled MACs, read without checking anything else. */
  static List<MacAddress> portMacs(TaskContext task) {
    List<MacAddress> macs = new ArrayList<>();
    for (Port port : task.ports()) {
      if (port.pxeEnabled()) {
        macs.add(port.address());
      }
    }
    return macs;
  }
}
