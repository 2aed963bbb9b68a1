package org.amtpxe.pxe.internal.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.amtpxe.api.driver.DeployInterface;
import org.amtpxe.api.driver.DeployState;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DeployFailureException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.MissingParameterValueException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.pxe.internal.ServedFiles;
import org.amtpxe.pxe.internal.boot.BootConfig;
import org.amtpxe.pxe.internal.boot.BootConfigWriter;
import org.amtpxe.pxe.internal.boot.BootLabel;
import org.amtpxe.pxe.internal.boot.BootLayout;
import org.amtpxe.pxe.internal.boot.BootTemplates;
import org.amtpxe.pxe.internal.cache.ImageSource;
import org.amtpxe.pxe.internal.config.PxeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ironic's PXE deploy in direct mode: the deploy ramdisk fetches the image over HTTP from our
 * server, verifies it, writes it to the disk and calls back with {@code pass_deploy_info}; the
 * deploy then switches the boot configuration to the instance (netboot) or to the disk (local boot)
 * and tells the ramdisk to reboot.
 */
public final class PxeDeploy implements DeployInterface {
  private static final Logger LOG = LoggerFactory.getLogger(PxeDeploy.class);

  /** The ramdisk's callback. */
  public static final String PASS_DEPLOY_INFO = "pass_deploy_info";

  /**
   * instance_info key of the per-deploy secret earlier versions wrote into the boot configuration;
   * removed by clean-up from nodes deployed by them. The ramdisk now authenticates with the agent
   * token of its lookup, which the conductor checks and which nothing served contains.
   */
  static final String LEGACY_DEPLOY_KEY = "deploy_key";

  /**
   * The history's event type of a deploy's steps (Ironic's). Each step's event starts with the name
   * of the Ironic deploy step it belongs to ({@code deploy.deploy: ...}):
   * docs/web-ui.md#deploy-steps.
   */
  static final String DEPLOYING = "deploying";

  /** driver_internal_info key of what the instance's root is (Ironic's name). */
  public static final String ROOT_KEY = "root_uuid_or_disk_id";

  private static final Pattern ROOT_UUID = Pattern.compile("[0-9A-Fa-f-]{1,64}");
  private static final Pattern DEVICE_PATH = Pattern.compile("/dev/[A-Za-z0-9/_.-]+");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final Supplier<DeployEnvironment> environment;
  private final BootConfigWriter writer;
  private final RamdiskNotifier notifier;
  private final ServedFiles served;

  public PxeDeploy(
      Supplier<DeployEnvironment> environment, BootConfigWriter writer, RamdiskNotifier notifier) {
    this(environment, writer, notifier, ServedFiles.NONE);
  }

  /**
   * @param served where the boot servers note the files sent to a node while its deploy runs; this
   *     deploy says when a node's deploy starts and ends
   */
  public PxeDeploy(
      Supplier<DeployEnvironment> environment,
      BootConfigWriter writer,
      RamdiskNotifier notifier,
      ServedFiles served) {
    this.environment = environment;
    this.writer = writer;
    this.notifier = notifier;
    this.served = served;
  }

  @Override
  public Map<String, String> properties() {
    return DeployInfo.properties();
  }

  @Override
  public void validate(TaskContext task) throws DriverException {
    DeployInfo.parse(task, environment.get().settings());
  }

  @Override
  public void prepare(TaskContext task) throws DriverException {
    task.requireExclusive("prepare");
    DeployEnvironment env = environment.get();
    DeployInfo info = DeployInfo.parse(task, env.settings());
    try {
      cacheImages(task, env, info);
    } catch (DriverException | RuntimeException e) {
      removeNodeFiles(task, env, e);
      throw e;
    }
  }

  @Override
  public DeployState deploy(TaskContext task) throws DriverException {
    task.requireExclusive("deploy");
    DeployEnvironment env = environment.get();
    DeployInfo info = DeployInfo.parse(task, env.settings());
    writeConfig(task, env.settings(), info, deployConfig(task, env.settings(), info));
    // From the boot device on: the node may start fetching as soon as it is rebooted.
    served.deployStarted(task.node().uuid());
    task.driver().management().setBootDevice(task, BootDevice.PXE, true);
    // NOTE: recorded before the reboot: AMT answers the power change once the node is on, and a
    // fast firmware fetches its boot files before that (the virtual AMT's machines do). A reboot
    // that fails is the conductor's deploy failure event right after.
    task.recordEvent(
        DEPLOYING,
        "deploy.deploy: PXE armed as the boot device; rebooting into the deploy ramdisk");
    task.driver().power().reboot(task, null);
    LOG.info(
        "Node {}: booting the deploy ramdisk; waiting for its callback", task.node().displayName());
    return DeployState.WAIT_CALLBACK;
  }

  @Override
  public Set<String> callbackMethods() {
    return Set.of(PASS_DEPLOY_INFO);
  }

  @Override
  public void validateCallback(TaskContext task, String method, Map<String, Object> body)
      throws DriverException {
    String name = task.node().displayName();
    if (!callbackMethods().contains(method)) {
      throw new InvalidParameterValueException(
          "Node "
              + name
              + ": unknown callback '"
              + method
              + "'; the PXE deploy accepts "
              + callbackMethods()
              + ".");
    }
    String address = DeployInfo.string(body, "address");
    if (address == null) {
      throw new MissingParameterValueException(
          "Node "
              + name
              + ": the "
              + method
              + " callback lacks the ramdisk's address (the conductor passes the address of the"
              + " ramdisk's lookup).",
          List.of("address"));
    }
    if (!isIpLiteral(address)) {
      throw new InvalidParameterValueException(
          "Node " + name + ": the callback address '" + address + "' is not an IP address.");
    }
    rootArgument(name, body);
  }

  @Override
  public DeployState continueDeploy(TaskContext task, String method, Map<String, Object> body)
      throws DriverException {
    task.requireExclusive("continue the deploy");
    String name = task.node().displayName();
    String error = DeployInfo.string(body, "error");
    served.deployEnded(task.node().uuid());
    if (error != null) {
      throw new DeployFailureException(
          "Node " + name + ": the deploy ramdisk reported an error: " + error);
    }
    DeployEnvironment env = environment.get();
    PxeSettings settings = env.settings();
    DeployInfo info = DeployInfo.parse(task, settings);
    String address = DeployInfo.string(body, "address");
    String root = rootArgument(name, body);
    task.putDriverInternalInfo(mapOf(ROOT_KEY, root));
    if (info.bootOption() == BootOption.NETBOOT) {
      if (settings.rearmBeforeReboot()) {
        // NOTE: AMT's boot override is one-shot and was consumed by the boot into the ramdisk;
        // the ramdisk reboots on its own, so PXE must be re-armed before it does (the original
        // driver's deploy hook: docs/original-driver.md#deploy-hook).
        task.driver().management().ensureNextBootDevice(task, BootDevice.PXE);
      } else {
        LOG.warn("Node {}: rearm_before_reboot is off (test only); not re-arming PXE", name);
      }
      // NOTE: the conductor that gets the callback may not be the one that prepared the deploy:
      // its owner died after the ramdisk's lookup, and the callback reached the new owner before
      // its takeover linked the files (docs/ironic-api.md#several-conductors). The links are
      // cheap when they exist.
      cacheBootFiles(task, env, info);
      BootConfig instance =
          deployConfig(task, settings, info)
              .withInstance(instanceArgs(settings, root))
              .withDefault(BootLabel.INSTANCE);
      writeConfig(task, settings, info, instance);
      task.recordEvent(
          DEPLOYING,
          "deploy.prepare_instance_boot: "
              + (settings.rearmBeforeReboot()
                  ? "PXE re-armed as the next boot device"
                  : "PXE not re-armed (rearm_before_reboot is off)")
              + "; the boot configuration now boots the instance"
              + (root == null ? "" : " (" + root + ")"));
    } else {
      task.driver().management().setBootDevice(task, BootDevice.DISK, true);
      List<String> failures = new ArrayList<>(writer.removeConfig(layout(task, settings)));
      failures.addAll(removeDhcpEntries(settings, info.macs()));
      if (!failures.isEmpty()) {
        throw new DeployFailureException(
            "Node "
                + name
                + ": could not remove the PXE configuration before booting from"
                + " disk: "
                + failures);
      }
      task.recordEvent(
          DEPLOYING,
          "deploy.prepare_instance_boot: the disk set as the persistent boot device; the PXE"
              + " configuration removed");
    }
    notifier.notifyDone(address, settings.notifyPort(), settings.notifyTimeout());
    task.recordEvent(
        DEPLOYING,
        "deploy.boot_instance: the deploy ramdisk at "
            + address
            + " was told to reboot into the "
            + (info.bootOption() == BootOption.NETBOOT ? "netbooted instance" : "local disk"));
    // The image is on the disk now: stop serving it, and let the cache evict its master.
    Path image = layout(task, settings).httpNodeDir().resolve(BootTemplates.DISK);
    try {
      Files.deleteIfExists(image);
    } catch (IOException e) {
      LOG.warn("Node {}: could not remove {}: {}", name, image, e.toString());
    }
    LOG.info(
        "Node {}: image written; the ramdisk reboots into the {}",
        name,
        info.bootOption() == BootOption.NETBOOT ? "netbooted instance" : "local disk");
    return DeployState.DONE;
  }

  @Override
  public DeployState tearDown(TaskContext task) throws DriverException {
    task.requireExclusive("tear down");
    served.deployEnded(task.node().uuid());
    task.driver().power().setPowerState(task, PowerState.POWER_OFF, null);
    return DeployState.DELETED;
  }

  @Override
  public void cleanUp(TaskContext task) throws DriverException {
    task.requireExclusive("clean up");
    served.deployEnded(task.node().uuid());
    DeployEnvironment env = environment.get();
    List<String> failures = new ArrayList<>(writer.removeAll(layout(task, env.settings())));
    failures.addAll(removeDhcpEntries(env.settings(), DeployInfo.portMacs(task)));
    env.cache().cleanUp();
    if (task.node().instanceInfo().containsKey(LEGACY_DEPLOY_KEY)) {
      task.putInstanceInfo(mapOf(LEGACY_DEPLOY_KEY, null));
    }
    if (!failures.isEmpty()) {
      throw new DeployFailureException(
          "Node "
              + task.node().displayName()
              + ": could not remove "
              + failures
              + "; remove them by hand.");
    }
  }

  /**
   * Serves, from this conductor's boot servers, what another conductor served for the node: a node
   * waiting for its callback gets its deploy files, image and deploy configuration (the ramdisk
   * that is booting may fetch them from here now), an active netboot node its instance files and
   * configuration. Nothing else is touched: no power or boot device change.
   */
  @Override
  public void takeOver(TaskContext task) throws DriverException {
    task.requireExclusive("take over");
    ProvisionState state = task.node().provisionState();
    if (state == ProvisionState.WAIT_CALLBACK) {
      DeployEnvironment env = environment.get();
      DeployInfo info = DeployInfo.parse(task, env.settings());
      cacheImages(task, env, info);
      writeConfig(task, env.settings(), info, deployConfig(task, env.settings(), info));
      served.deployStarted(task.node().uuid());
      return;
    }
    if (state != ProvisionState.ACTIVE) {
      return;
    }
    DeployEnvironment env = environment.get();
    DeployInfo info = DeployInfo.parse(task, env.settings());
    if (info.bootOption() == BootOption.LOCAL) {
      writer.removeConfig(layout(task, env.settings()));
      return;
    }
    cacheBootFiles(task, env, info);
    String root = DeployInfo.string(task.node().driverInternalInfo(), ROOT_KEY);
    BootConfig instance =
        deployConfig(task, env.settings(), info)
            .withInstance(instanceArgs(env.settings(), root))
            .withDefault(BootLabel.INSTANCE);
    writeConfig(task, env.settings(), info, instance);
  }

  private void cacheImages(TaskContext task, DeployEnvironment env, DeployInfo info)
      throws DriverException {
    cacheBootFiles(task, env, info);
    BootLayout layout = layout(task, env.settings());
    env.cache().fetch(info.image(), layout.httpNodeDir().resolve(BootTemplates.DISK));
  }

  /**
   * After a failed prepare: removes what it already linked for the node (and anything else of the
   * node's in the roots), so that nothing of a refused or partial prepare is served. The conductor
   * calls cleanUp() as well; this does not wait for it.
   */
  private void removeNodeFiles(TaskContext task, DeployEnvironment env, Exception cause) {
    List<String> failures = writer.removeAll(layout(task, env.settings()));
    if (!failures.isEmpty()) {
      LOG.warn(
          "Node {}: prepare failed and these could not be removed: {}; remove them by hand",
          task.node().displayName(),
          failures);
      cause.addSuppressed(
          new IOException("could not remove " + failures + " after the failed prepare"));
    }
  }

  private void cacheBootFiles(TaskContext task, DeployEnvironment env, DeployInfo info)
      throws DriverException {
    BootLayout layout = layout(task, env.settings());
    fetchBoth(env, layout, info.deployKernel(), BootTemplates.DEPLOY_KERNEL);
    fetchBoth(env, layout, info.deployRamdisk(), BootTemplates.DEPLOY_RAMDISK);
    if (info.bootOption() == BootOption.NETBOOT) {
      fetchBoth(env, layout, info.kernel(), BootTemplates.KERNEL);
      fetchBoth(env, layout, info.ramdisk(), BootTemplates.RAMDISK);
    }
  }

  /** Links a boot file into the TFTP root (pxelinux) and the HTTP root (iPXE). */
  private static void fetchBoth(
      DeployEnvironment env, BootLayout layout, ImageSource source, String name)
      throws DeployFailureException {
    env.cache().fetch(source, layout.tftpNodeDir().resolve(name));
    if (!layout.httpRoot().equals(layout.tftpRoot())) {
      env.cache().fetch(source, layout.httpNodeDir().resolve(name));
    }
  }

  /**
   * Writes the node's boot configuration and, with dhcp_hostsdir, points its MACs' DHCP entries at
   * this conductor's boot servers (the new owner does so in takeOver).
   */
  private void writeConfig(TaskContext task, PxeSettings settings, DeployInfo info, BootConfig c)
      throws DeployFailureException {
    try {
      writer.write(layout(task, settings), c, info.macs());
      if (settings.dhcpEntries() != null) {
        for (MacAddress mac : info.macs()) {
          settings.dhcpEntries().writeHost(mac);
        }
      }
    } catch (IOException e) {
      throw new DeployFailureException(
          "Node " + task.node().displayName() + ": could not write its boot configuration: " + e,
          e);
    }
  }

  /** Removes the MACs' DHCP entries that point at this conductor; returns what failed. */
  private static List<String> removeDhcpEntries(PxeSettings settings, List<MacAddress> macs) {
    List<String> failures = new ArrayList<>();
    if (settings.dhcpEntries() == null) {
      return failures;
    }
    for (MacAddress mac : macs) {
      try {
        settings.dhcpEntries().removeHost(mac);
      } catch (IOException e) {
        failures.add(settings.dhcpEntries().hostFile(mac) + ": " + e);
      }
    }
    return failures;
  }

  private static BootLayout layout(TaskContext task, PxeSettings settings) {
    return new BootLayout(settings.tftpRoot(), settings.httpRoot(), task.node().uuid());
  }

  /**
   * The deploy ramdisk's kernel parameters: the contract in README.md. They are served to anyone
   * who asks TFTP or HTTP, so they carry no secret.
   */
  static BootConfig deployConfig(TaskContext task, PxeSettings settings, DeployInfo info) {
    String uuid = task.node().uuid();
    ImageSource image = info.image();
    StringBuilder args = new StringBuilder();
    args.append("deployment_id=").append(uuid);
    args.append(" ironic_api_url=").append(settings.apiUrl());
    args.append(" image_url=")
        .append(settings.httpUrl())
        .append('/')
        .append(uuid)
        .append('/')
        .append(BootTemplates.DISK);
    args.append(" image_checksum=").append(image.checksum());
    args.append(" image_checksum_algo=").append(image.algorithm());
    args.append(" disk=").append(info.disks());
    args.append(" boot_option=").append(info.bootOption().value());
    args.append(" boot_mode=").append(info.bootMode().value());
    args.append(" notify_port=").append(settings.notifyPort());
    if (!settings.pxeAppendParams().isEmpty()) {
      args.append(' ').append(settings.pxeAppendParams());
    }
    return new BootConfig(
        uuid, info.bootMode(), BootLabel.DEPLOY, settings.httpUrl(), args.toString(), null);
  }

  static String instanceArgs(PxeSettings settings, String root) {
    StringBuilder args = new StringBuilder();
    if (root != null) {
      args.append("root=").append(root).append(' ');
    }
    args.append("ro");
    if (!settings.pxeAppendParams().isEmpty()) {
      args.append(' ').append(settings.pxeAppendParams());
    }
    return args.toString();
  }

  /** The instance's root from the callback: {@code UUID=<root_uuid>}, the disk, or null. */
  private static String rootArgument(String node, Map<String, Object> body)
      throws InvalidParameterValueException {
    String rootUuid = DeployInfo.string(body, "root_uuid");
    if (rootUuid != null) {
      if (!ROOT_UUID.matcher(rootUuid).matches()) {
        throw new InvalidParameterValueException(
            "Node " + node + ": the callback's root_uuid '" + rootUuid + "' is not a UUID.");
      }
      return "UUID=" + rootUuid;
    }
    String disk = DeployInfo.string(body, "disk");
    if (disk != null) {
      if (!DEVICE_PATH.matcher(disk).matches() || disk.contains("..")) {
        throw new InvalidParameterValueException(
            "Node " + node + ": the callback's disk '" + disk + "' is not a /dev path.");
      }
      return disk;
    }
    return null;
  }

  static boolean isIpLiteral(String address) {
    if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
      return false;
    }
    try {
      InetAddress.getByName(address); // a literal: parsed, never looked up
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static Map<String, Object> mapOf(String key, Object value) {
    Map<String, Object> m = new HashMap<>();
    m.put(key, value);
    return m;
  }
}
