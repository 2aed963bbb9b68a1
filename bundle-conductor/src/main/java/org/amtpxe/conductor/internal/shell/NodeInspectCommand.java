package org.amtpxe.conductor.internal.shell;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.InspectionService;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code baremetal:node-inspect}: starts an out-of-band inspection; with {@code --wait} waits for
 * it and prints the properties, ports and what could not be read.
 */
@Command(
    scope = "baremetal",
    name = "node-inspect",
    description =
        "Inspects a node's hardware out of band (manageable or inspect failed): properties and"
            + " ports.")
@Service
public class NodeInspectCommand extends ConductorAction {
  @Argument(index = 0, name = "node", description = "Name or UUID", required = true)
  @Completion(NodeCompleter.class)
  String node;

  @Option(name = "--wait", description = "Wait until the inspection ends and print its result")
  boolean await;

  @Option(name = "--timeout", description = "Seconds to wait with --wait (default 300)")
  int timeoutSeconds = 300;

  /** How often --wait reads the node; tests shorten it. */
  Duration poll = Duration.ofMillis(500);

  @Override
  public Object execute() throws Exception {
    conductor.provision().changeProvisionState(node, ProvisionAction.INSPECT);
    if (!await) {
      out.println("Inspection started for node " + node);
      return null;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    Node n = conductor.nodes().node(node);
    while (n.provisionState() == ProvisionState.INSPECTING) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Node " + n.uuid() + " is still inspecting after " + timeoutSeconds + " s");
      }
      Thread.sleep(poll.toMillis());
      n = conductor.nodes().node(node);
    }
    print(n, conductor.nodes().portsOf(n));
    return null;
  }

  private void print(Node n, List<Port> ports) {
    out.println("Node " + n.uuid() + ": " + n.provisionState());
    if (n.provisionState() != ProvisionState.MANAGEABLE && n.lastError() != null) {
      out.println("Last error: " + n.lastError());
    }
    out.println("Properties:");
    n.properties().forEach((k, v) -> out.println("  " + k + ": " + v));
    out.println("Ports:");
    for (Port p : ports) {
      out.println("  " + p.address() + (p.pxeEnabled() ? " (pxe)" : ""));
    }
    if (n.provisionState() == ProvisionState.MANAGEABLE
        && n.driverInternalInfo().get(InspectionService.INSPECTION) instanceof Map<?, ?> inspection
        && inspection.get("missing") instanceof List<?> missing
        && !missing.isEmpty()) {
      out.println("Not read:");
      missing.forEach(m -> out.println("  " + m));
    }
  }
}
