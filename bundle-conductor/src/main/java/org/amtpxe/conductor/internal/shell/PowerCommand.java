package org.amtpxe.conductor.internal.shell;

import java.util.Map;
import org.amtpxe.api.model.PowerState;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code baremetal:power}: starts a power change; the node shows the result. */
@Command(
    scope = "baremetal",
    name = "power",
    description = "Powers a node on or off, reboots it, or sends an NMI.")
@Service
public class PowerCommand extends ConductorAction {
  private static final Map<String, PowerState> TARGETS =
      Map.of(
          "on", PowerState.POWER_ON,
          "off", PowerState.POWER_OFF,
          "reboot", PowerState.REBOOT,
          "soft-off", PowerState.SOFT_POWER_OFF,
          "soft-reboot", PowerState.SOFT_REBOOT);

  @Argument(index = 0, name = "node", description = "Name or UUID", required = true)
  @Completion(NodeCompleter.class)
  String node;

  @Argument(
      index = 1,
      name = "action",
      description = "on, off, reboot, soft-off, soft-reboot or nmi",
      required = true)
  @Completion(
      value = StringsCompleter.class,
      values = {"on", "off", "reboot", "soft-off", "soft-reboot", "nmi"})
  String action;

  @Override
  public Object execute() throws Exception {
    if (action.equals("nmi")) {
      conductor.management().injectNmi(node);
      out.println("NMI sent to node " + node);
      return null;
    }
    PowerState target = TARGETS.get(action);
    if (target == null) {
      throw new IllegalArgumentException(
          "Unknown power action " + action + "; use on, off, reboot, soft-off, soft-reboot or nmi");
    }
    conductor.power().changePowerState(node, target, null);
    out.println("Power change to \"" + target + "\" started for node " + node);
    return null;
  }
}
