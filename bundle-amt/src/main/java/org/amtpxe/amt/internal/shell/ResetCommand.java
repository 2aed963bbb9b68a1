package org.amtpxe.amt.internal.shell;

import org.amtpxe.amt.internal.AmtPowerStates;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.cim.CimPowerManagementService;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.error.DriverException;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code amt:reset}: Resets an AMT host (hard reboot, no wait). */
@Command(scope = "amt", name = "reset", description = "Resets an AMT host (hard reboot, no wait).")
@Service
public class ResetCommand extends AmtCommand {

  @Override
  String run(WsmanClient client, AmtSettings settings) throws DriverException {
    new CimPowerManagementService(client).requestPowerStateChange(AmtPowerStates.MASTER_BUS_RESET);
    return "Requested reset (PowerState "
        + AmtPowerStates.describe(AmtPowerStates.MASTER_BUS_RESET)
        + ").";
  }
}
