package org.amtpxe.amt.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * AMT Management: the boot device, emulated as Ironic's driver did. {@link #setBootDevice} only
 * records the wish in driver_internal_info; {@link #ensureNextBootDevice} sends it to the AMT right
 * before the node boots, because AMT honours only the first boot source it is given and forgets it
 * after one boot.
 */
@Component(
    service = ManagementInterface.class,
    property = PowerInterface.DRIVER_PROPERTY + "=amt",
    // amt.version: the bundle version, written into the jar by bnd (see pom.xml).
    properties = "OSGI-INF/amt-version.properties")
public final class AmtManagement implements ManagementInterface {

  /** The service property that carries the bundle version, for hot-swap checks. */
  static final String VERSION_PROPERTY = "amt.version";

  private final AmtGateway gateway;
  private final String version;

  @Activate
  public AmtManagement(@Reference AmtGateway gateway, Map<String, Object> properties) {
    this.gateway = gateway;
    this.version = version(properties);
  }

  /** The bundle version from the component properties, "unknown" outside OSGi. */
  static String version(Map<String, Object> properties) {
    return String.valueOf(properties.getOrDefault(VERSION_PROPERTY, "unknown"));
  }

  @Override
  public Map<String, String> properties() {
    return AmtDriverInfo.PROPERTIES;
  }

  @Override
  public void validate(TaskContext task) throws DriverException {
    AmtDriverInfo.parse(task.node(), gateway.settings().protocol());
  }

  @Override
  public Set<BootDevice> supportedBootDevices(TaskContext task) {
    return AmtBootDevices.SUPPORTED;
  }

  /** Records the device in driver_internal_info; no call to the AMT. */
  @Override
  public void setBootDevice(TaskContext task, BootDevice device, boolean persistent)
      throws DriverException {
    task.requireExclusive("setting the boot device");
    if (device == null || !AmtBootDevices.SUPPORTED.contains(device)) {
      throw new InvalidParameterValueException(
          "Node "
              + task.node().displayName()
              + ": boot device "
              + device
              + " is not supported by the AMT driver; use one of "
              + AmtBootDevices.SUPPORTED
              + ".");
    }
    record(task, device, persistent, version);
  }

  /** The recorded device; disk, persistent, when nothing is recorded. No call to the AMT. */
  @Override
  public BootDeviceSetting getBootDevice(TaskContext task) throws DriverException {
    return AmtBootDevices.recorded(task.node());
  }

  /**
   * Arms {@code device} on the AMT for the next boot, then, when the recorded setting was one-time,
   * records disk/persistent in its place.
   *
   * <p>NOTE: Ironic consumed the one-time setting before sending it; here it is consumed only once
   * the AMT accepted the device, so a failed call can simply be retried. The end state is the same.
   */
  @Override
  public void ensureNextBootDevice(TaskContext task, BootDevice device) throws DriverException {
    gateway.call(
        () -> {
          armNextBoot(gateway, version, task, device);
          return null;
        });
  }

  /**
   * The work of {@link #ensureNextBootDevice}, for AMT Power too: Ironic's AMT power armed the
   * device through the AMT management code directly, not through the node's driver, and so does
   * this bundle, so that a power-on in flight while the bundle is replaced never waits for the
   * bundle's own replacement. Call inside {@link AmtGateway#call}.
   */
  static void armNextBoot(AmtGateway gateway, String version, TaskContext task, BootDevice device)
      throws DriverException {
    task.requireExclusive("arming the next boot device");
    if (device == null || !AmtBootDevices.SUPPORTED.contains(device)) {
      throw new InvalidParameterValueException(
          "Node "
              + task.node().displayName()
              + ": cannot arm boot device "
              + device
              + "; the AMT driver supports "
              + AmtBootDevices.SUPPORTED
              + ".");
    }
    AmtSettings settings = gateway.settings();
    WsmanClient client = gateway.client(task.node(), settings);
    AmtBootDevices.arm(client, device, settings.bootSequence());
    if (!AmtBootDevices.recorded(task.node()).persistent()) {
      record(task, AmtBootDevices.DEFAULT.device(), AmtBootDevices.DEFAULT.persistent(), version);
    }
  }

  private static void record(
      TaskContext task, BootDevice device, boolean persistent, String version)
      throws DriverException {
    Map<String, Object> entries = new HashMap<>();
    entries.put(AmtBootDevices.BOOT_DEVICE, device.value());
    entries.put(AmtBootDevices.BOOT_PERSISTENT, persistent);
    entries.put(AmtBootDevices.DRIVER_VERSION, version);
    task.putDriverInternalInfo(entries);
  }
}
