package org.amtpxe.amt.internal.shell;

import org.amtpxe.amt.internal.AmtPowerStates;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.cim.CimPowerManagementService;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.error.DriverException;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code amt:power-off}: Powers an AMT host off at once (no wait). */
@Command(
    scope = "amt",
    name = "power-off",
    description = "Powers an AMT host off at once (no wait).")
@Service
public class PowerOffCommand extends AmtCommand {

  @Override
  String run(WsmanClient client, AmtSettings settings) throws DriverException {
    new CimPowerManagementService(client).requestPowerStateChange(AmtPowerStates.OFF_SOFT);
    return "Requested power off (PowerState "
        + AmtPowerStates.describe(AmtPowerStates.OFF_SOFT)
        + ").";
  }
}
