package org.amtpxe.amt.internal;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.amtpxe.amt.internal.cim.AmtBootCapabilities;
import org.amtpxe.amt.internal.cim.AmtBootSettingData;
import org.amtpxe.amt.internal.cim.CimBootConfigSetting;
import org.amtpxe.amt.internal.cim.CimBootService;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.api.model.Node;

/**
 * The emulated persistent boot device: what is recorded in driver_internal_info and how a device is
 * armed on the AMT for the next boot (docs/amt-wsman.md#boot-device). AMT has no persistent boot
 * device; persistence is re-arming before every power-on.
 */
public final class AmtBootDevices {
  static final String BOOT_DEVICE = "amt_boot_device";
  static final String BOOT_PERSISTENT = "amt_boot_persistent";
  static final String DRIVER_VERSION = "amt_driver_version";

  /** The default with nothing recorded: disk, persistent (as Ironic). */
  static final BootDeviceSetting DEFAULT = new BootDeviceSetting(BootDevice.DISK, true);

  public static final Set<BootDevice> SUPPORTED =
      EnumSet.of(BootDevice.PXE, BootDevice.DISK, BootDevice.CDROM, BootDevice.BIOS);

  private static final Map<BootDevice, String> SOURCES =
      Map.of(
          BootDevice.PXE, CimBootConfigSetting.SOURCE_PXE,
          BootDevice.DISK, CimBootConfigSetting.SOURCE_HARD_DRIVE,
          BootDevice.CDROM, CimBootConfigSetting.SOURCE_CD_DVD);

  private AmtBootDevices() {}

  /**
   * The recorded setting, or {@link #DEFAULT}.
   *
   * @throws InvalidParameterValueException when driver_internal_info holds a device this driver
   *     does not know
   */
  static BootDeviceSetting recorded(Node node) throws InvalidParameterValueException {
    Object device = node.driverInternalInfo().get(BOOT_DEVICE);
    if (device == null) {
      return DEFAULT;
    }
    BootDevice parsed =
        BootDevice.fromValue(device.toString())
            .filter(SUPPORTED::contains)
            .orElseThrow(
                () ->
                    new InvalidParameterValueException(
                        "Node "
                            + node.displayName()
                            + ": driver_internal_info."
                            + BOOT_DEVICE
                            + " holds '"
                            + device
                            + "', which the AMT driver does not support; set the boot device"
                            + " again."));
    Object persistent = node.driverInternalInfo().get(BOOT_PERSISTENT);
    boolean isPersistent =
        persistent == null
            || (persistent instanceof Boolean b ? b : Boolean.parseBoolean(persistent.toString()));
    return new BootDeviceSetting(parsed, isPersistent);
  }

  /**
   * Arms {@code device} for the next boot.
   *
   * @throws UnsupportedDriverOperationException for BIOS setup on firmware that does not offer it
   * @throws DriverException when a call fails
   */
  public static void arm(WsmanClient client, BootDevice device, BootSequence sequence)
      throws DriverException {
    CimBootConfigSetting bootConfig = new CimBootConfigSetting(client);
    CimBootService bootService = new CimBootService(client);
    if (device == BootDevice.BIOS) {
      if (!new AmtBootCapabilities(client).get().biosSetup()) {
        throw new UnsupportedDriverOperationException(
            client.endpoint().label()
                + ": the AMT firmware does not offer booting into BIOS setup"
                + " (AMT_BootCapabilities.BIOSSetup is not true).");
      }
      // BIOS setup is a boot setting, not a source: always Intel's sequence, without a source.
      AmtBootSettingData settingData = new AmtBootSettingData(client);
      settingData.put(settingData.get(), true);
      bootConfig.changeBootOrder(null);
      bootService.setBootConfigRole(CimBootService.ROLE_IS_NEXT_SINGLE_USE);
      return;
    }
    String source = SOURCES.get(device);
    if (source == null) {
      throw new InvalidParameterValueException(
          client.endpoint().label() + ": boot device " + device + " is not supported by AMT.");
    }
    if (sequence == BootSequence.INTEL) {
      AmtBootSettingData settingData = new AmtBootSettingData(client);
      settingData.put(settingData.get(), false);
      // NOTE: some AMT versions do not clear the previous source themselves (MeshCommander).
      bootConfig.changeBootOrder(null);
    }
    bootConfig.changeBootOrder(source);
    bootService.setBootConfigRole(CimBootService.ROLE_IS_NEXT_SINGLE_USE);
  }
}
