package org.amtpxe.conductor.internal.shell;

import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code baremetal:node-list}. */
@Command(scope = "baremetal", name = "node-list", description = "Lists the nodes.")
@Service
public class NodeListCommand extends ConductorAction {
  @Override
  public Object execute() {
    ShellTable table = new ShellTable();
    table.column("UUID");
    table.column("Name");
    table.column("Power State");
    table.column("Provisioning State");
    table.column("Maintenance");
    table.column("Reservation");
    for (Node n : conductor.nodes().nodes(NodeQuery.all())) {
      table
          .addRow()
          .addContent(
              n.uuid(),
              orNone(n.name()),
              power(n),
              n.provisionState().value(),
              n.maintenance(),
              orNone(n.reservation()));
    }
    table.print(out);
    return null;
  }
}
