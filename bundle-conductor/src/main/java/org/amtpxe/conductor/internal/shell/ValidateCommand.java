package org.amtpxe.conductor.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code baremetal:validate}: each interface's offline validation. */
@Command(scope = "baremetal", name = "validate", description = "Validates a node's parameters.")
@Service
public class ValidateCommand extends ConductorAction {
  @Argument(index = 0, name = "node", description = "Name or UUID", required = true)
  @Completion(NodeCompleter.class)
  String node;

  @Override
  public Object execute() throws Exception {
    ShellTable table = new ShellTable();
    table.column("Interface");
    table.column("Result");
    table.column("Reason");
    conductor
        .nodes()
        .validate(node)
        .forEach((k, v) -> table.addRow().addContent(k, orNone(v.result()), orNone(v.reason())));
    table.print(out);
    return null;
  }
}
