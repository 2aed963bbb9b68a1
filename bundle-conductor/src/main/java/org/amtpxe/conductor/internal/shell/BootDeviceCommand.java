package org.amtpxe.conductor.internal.shell;

import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code baremetal:boot-device}: shows or sets a node's boot device. */
@Command(
    scope = "baremetal",
    name = "boot-device",
    description = "Shows a node's boot device, or sets it when a device is given.")
@Service
public class BootDeviceCommand extends ConductorAction {
  @Argument(index = 0, name = "node", description = "Name or UUID", required = true)
  @Completion(NodeCompleter.class)
  String node;

  @Argument(index = 1, name = "device", description = "pxe, disk, cdrom or bios")
  @Completion(
      value = StringsCompleter.class,
      values = {"pxe", "disk", "cdrom", "bios"})
  String device;

  @Option(name = "--persistent", description = "Use the device for every boot, not only the next")
  boolean persistent;

  @Override
  public Object execute() throws Exception {
    if (device == null) {
      BootDeviceSetting s = conductor.management().bootDevice(node);
      out.println(s.device().value() + (s.persistent() ? " (persistent)" : " (next boot only)"));
      out.println("supported: " + conductor.management().supportedBootDevices(node));
      return null;
    }
    BootDevice d =
        BootDevice.fromValue(device)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Unknown boot device " + device + "; use pxe, disk, cdrom or bios"));
    conductor.management().setBootDevice(node, d, persistent);
    out.println(
        "Boot device of node " + node + " set to " + d + (persistent ? " (persistent)" : ""));
    return null;
  }
}
