package org.amtpxe.conductor.internal.shell;

import org.amtpxe.api.model.Port;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code baremetal:port-list}. */
@Command(scope = "baremetal", name = "port-list", description = "Lists ports.")
@Service
public class PortListCommand extends ConductorAction {
  @Option(name = "--node", description = "Only this node's ports (name or UUID)")
  @Completion(NodeCompleter.class)
  String node;

  @Override
  public Object execute() throws Exception {
    ShellTable table = new ShellTable();
    table.column("UUID");
    table.column("Address");
    table.column("Node");
    table.column("PXE");
    for (Port p : conductor.ports().ports(node, null)) {
      table.addRow().addContent(p.uuid(), p.address(), p.nodeUuid(), p.pxeEnabled());
    }
    table.print(out);
    return null;
  }
}
