package org.amtpxe.conductor.internal.shell;

import java.util.List;
import java.util.UUID;
import org.amtpxe.api.model.Node;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code baremetal:node-create}. */
@Command(scope = "baremetal", name = "node-create", description = "Enrolls a node.")
@Service
public class NodeCreateCommand extends ConductorAction {
  @Option(name = "--driver", description = "Driver name, e.g. pxe_amt", required = true)
  String driver;

  @Option(name = "--name", description = "Unique node name")
  String name;

  @Option(
      name = "--driver-info",
      description = "key=value for driver_info (repeat)",
      multiValued = true)
  List<String> driverInfo;

  @Option(
      name = "--property",
      description = "key=value for properties (repeat)",
      multiValued = true)
  List<String> properties;

  @Option(name = "--extra", description = "key=value for extra (repeat)", multiValued = true)
  List<String> extra;

  @Override
  public Object execute() throws Exception {
    Node created =
        conductor
            .nodes()
            .createNode(
                Node.builder(UUID.randomUUID().toString(), driver)
                    .name(name)
                    .driverInfo(keyValues("--driver-info", driverInfo))
                    .properties(keyValues("--property", properties))
                    .extra(keyValues("--extra", extra))
                    .build());
    out.println("Created node " + created.uuid() + (name == null ? "" : " (" + name + ")"));
    return null;
  }
}
