package org.amtpxe.amt.internal.shell;

import org.amtpxe.amt.internal.AmtBootDevices;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.model.BootDevice;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code amt:boot-once}: arms a boot device for the next boot of one AMT host. */
@Command(
    scope = "amt",
    name = "boot-once",
    description = "Makes the next boot of an AMT host use a device (pxe, disk, cdrom, bios).")
@Service
public class BootOnceCommand extends AmtCommand {

  @Argument(index = 0, name = "device", required = true, description = "pxe, disk, cdrom or bios")
  @Completion(
      value = StringsCompleter.class,
      values = {"pxe", "disk", "cdrom", "bios"})
  String device;

  @Override
  String run(WsmanClient client, AmtSettings settings) throws DriverException {
    BootDevice parsed =
        BootDevice.fromValue(device)
            .filter(AmtBootDevices.SUPPORTED::contains)
            .orElseThrow(
                () ->
                    new InvalidParameterValueException(
                        "Unknown boot device '" + device + "': use pxe, disk, cdrom or bios."));
    AmtBootDevices.arm(client, parsed, settings.bootSequence());
    return "The next boot of "
        + client.endpoint().where()
        + " will use "
        + parsed
        + " ("
        + settings.bootSequence().value()
        + " sequence). Power the host on or reset it.";
  }
}
