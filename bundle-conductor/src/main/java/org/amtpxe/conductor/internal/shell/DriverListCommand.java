package org.amtpxe.conductor.internal.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code baremetal:driver-list}: the drivers loaded now. */
@Command(scope = "baremetal", name = "driver-list", description = "Lists the loaded drivers.")
@Service
public class DriverListCommand extends ConductorAction {
  @Override
  public Object execute() {
    ShellTable table = new ShellTable();
    table.column("Driver");
    table.column("Available");
    conductor
        .nodes()
        .drivers()
        .forEach(
            (name, d) ->
                table
                    .addRow()
                    .addContent(name, d.unavailableReason().map(r -> "no: " + r).orElse("yes")));
    table.print(out);
    return null;
  }
}
