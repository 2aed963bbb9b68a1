package org.amtpxe.amt.internal.shell;

import org.amtpxe.amt.internal.AmtPowerStates;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.cim.CimAssociatedPowerManagementService;
import org.amtpxe.amt.internal.cim.CimAssociatedPowerManagementService.PowerStatus;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.error.DriverException;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code amt:power-state}: reads the power state of one AMT. */
@Command(scope = "amt", name = "power-state", description = "Reads the power state of an AMT.")
@Service
public class PowerStateCommand extends AmtCommand {

  @Override
  String run(WsmanClient client, AmtSettings settings) throws DriverException {
    PowerStatus status = new CimAssociatedPowerManagementService(client).get();
    return AmtPowerStates.toApi(status.powerState())
        + " (PowerState "
        + AmtPowerStates.describe(status.powerState())
        + "); may request "
        + status.availableRequestedPowerStates();
  }
}
