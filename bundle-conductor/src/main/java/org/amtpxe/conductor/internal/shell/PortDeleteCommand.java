package org.amtpxe.conductor.internal.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code baremetal:port-delete}. */
@Command(scope = "baremetal", name = "port-delete", description = "Deletes a port.")
@Service
public class PortDeleteCommand extends ConductorAction {
  @Argument(index = 0, name = "port", description = "Port UUID", required = true)
  String port;

  @Override
  public Object execute() throws Exception {
    conductor.ports().deletePort(port);
    out.println("Deleted port " + port);
    return null;
  }
}
