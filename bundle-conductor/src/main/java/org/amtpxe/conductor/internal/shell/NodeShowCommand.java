package org.amtpxe.conductor.internal.shell;

import java.util.LinkedHashMap;
import java.util.Map;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.conductor.internal.service.Secrets;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code baremetal:node-show}: one node, secrets masked. */
@Command(scope = "baremetal", name = "node-show", description = "Shows a node.")
@Service
public class NodeShowCommand extends ConductorAction {
  @Argument(index = 0, name = "node", description = "Name or UUID", required = true)
  @Completion(NodeCompleter.class)
  String node;

  @Override
  public Object execute() throws Exception {
    Node n = conductor.nodes().node(node);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("uuid", n.uuid());
    fields.put("name", n.name());
    fields.put("driver", n.driver());
    fields.put("power_state", n.powerState());
    fields.put("target_power_state", n.targetPowerState());
    fields.put("provision_state", n.provisionState());
    fields.put("target_provision_state", n.targetProvisionState());
    fields.put("last_error", n.lastError());
    fields.put("maintenance", n.maintenance());
    fields.put("maintenance_reason", n.maintenanceReason());
    fields.put("reservation", n.reservation());
    fields.put("driver_info", Secrets.mask(n.driverInfo()));
    fields.put("driver_internal_info", Secrets.mask(n.driverInternalInfo()));
    fields.put("instance_info", Secrets.mask(n.instanceInfo()));
    fields.put("instance_uuid", n.instanceUuid());
    fields.put("properties", n.properties());
    fields.put("extra", n.extra());
    fields.put("ports", conductor.nodes().portsOf(n).stream().map(Port::address).toList());
    fields.put("created_at", n.createdAt());
    fields.put("updated_at", n.updatedAt());
    ShellTable table = new ShellTable();
    table.column("Field");
    table.column("Value");
    fields.forEach((k, v) -> table.addRow().addContent(k, orNone(v)));
    table.print(out);
    return null;
  }
}
