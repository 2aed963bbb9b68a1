package org.amtpxe.conductor.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code baremetal:node-delete}. */
@Command(scope = "baremetal", name = "node-delete", description = "Deletes a node and its ports.")
@Service
public class NodeDeleteCommand extends ConductorAction {
  @Argument(index = 0, name = "node", description = "Name or UUID", required = true)
  @Completion(NodeCompleter.class)
  String node;

  @Override
  public Object execute() throws Exception {
    String uuid = conductor.nodes().node(node).uuid();
    conductor.nodes().deleteNode(uuid);
    conductor.consoles().forget(uuid);
    out.println("Deleted node " + node);
    return null;
  }
}
