package org.amtpxe.conductor.internal.shell;

import java.util.UUID;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Port;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code baremetal:port-create}. */
@Command(scope = "baremetal", name = "port-create", description = "Adds a port (MAC) to a node.")
@Service
public class PortCreateCommand extends ConductorAction {
  @Argument(index = 0, name = "address", description = "MAC address", required = true)
  String address;

  @Option(name = "--node", description = "Name or UUID of the node", required = true)
  @Completion(NodeCompleter.class)
  String node;

  @Option(name = "--no-pxe", description = "The node must not network-boot from this port")
  boolean noPxe;

  @Override
  public Object execute() throws Exception {
    String nodeUuid = conductor.nodes().node(node).uuid();
    Port p =
        conductor
            .ports()
            .createPort(
                Port.builder(UUID.randomUUID().toString(), MacAddress.parse(address), nodeUuid)
                    .pxeEnabled(!noPxe)
                    .build());
    out.println("Created port " + p.uuid() + " " + p.address() + " on node " + nodeUuid);
    return null;
  }
}
