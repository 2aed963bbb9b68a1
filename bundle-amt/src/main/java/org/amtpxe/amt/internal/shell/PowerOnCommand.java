package org.amtpxe.amt.internal.shell;

import org.amtpxe.amt.internal.AmtPowerStates;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.cim.CimPowerManagementService;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.error.DriverException;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code amt:power-on}: Powers an AMT host on (no wait). */
@Command(scope = "amt", name = "power-on", description = "Powers an AMT host on (no wait).")
@Service
public class PowerOnCommand extends AmtCommand {

  @Override
  String run(WsmanClient client, AmtSettings settings) throws DriverException {
    new CimPowerManagementService(client).requestPowerStateChange(AmtPowerStates.ON);
    return "Requested power on (PowerState " + AmtPowerStates.describe(AmtPowerStates.ON) + ").";
  }
}
