package org.amtpxe.conductor.internal.shell;

import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code baremetal:provision}: manage, provide, inspect, deploy, rebuild or undeploy a node. */
@Command(
    scope = "baremetal",
    name = "provision",
    description =
        "Starts a provisioning action: manage, provide, inspect, deploy, rebuild or undeploy.")
@Service
public class ProvisionCommand extends ConductorAction {
  @Argument(index = 0, name = "node", description = "Name or UUID", required = true)
  @Completion(NodeCompleter.class)
  String node;

  @Argument(index = 1, name = "action", description = "The action", required = true)
  @Completion(
      value = StringsCompleter.class,
      values = {"manage", "provide", "inspect", "deploy", "rebuild", "undeploy"})
  String action;

  @Override
  public Object execute() throws Exception {
    String verb =
        switch (action) {
          case "deploy" -> "active";
          case "undeploy" -> "deleted";
          default -> action;
        };
    ProvisionAction a =
        ProvisionAction.fromValue(verb)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Unknown action "
                            + action
                            + "; use manage, provide, inspect, deploy, rebuild or undeploy"));
    conductor.provision().changeProvisionState(node, a);
    out.println("Action " + action + " started for node " + node);
    return null;
  }
}
