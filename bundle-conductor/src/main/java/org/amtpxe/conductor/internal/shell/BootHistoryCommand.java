package org.amtpxe.conductor.internal.shell;

import org.amtpxe.api.driver.BootEvent;
import org.amtpxe.api.driver.BootHistory;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code amtpxe:boot-history}: the boots and power changes a node's AMT logged, newest first, as
 * {@code GET /v1/nodes/{node}/management/boot_history} gives them.
 */
@Command(
    scope = "amtpxe",
    name = "boot-history",
    description = "Reads the boots and power changes the node's AMT logged (its event log).")
@Service
public class BootHistoryCommand extends ConductorAction {
  @Argument(index = 0, name = "node", description = "Name or UUID", required = true)
  @Completion(NodeCompleter.class)
  String node;

  @Option(name = "--limit", description = "Show at most this many events (newest first)")
  int limit = 50;

  @Option(name = "--raw", description = "Show each record's bytes too")
  boolean raw;

  @Override
  public Object execute() throws Exception {
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1");
    }
    BootHistory history = conductor.management().bootHistory(node);
    ShellTable table = new ShellTable();
    table.column("Time");
    table.column("Kind");
    table.column("Device");
    table.column("Event");
    if (raw) {
      table.column("Record");
    }
    int shown = 0;
    for (BootEvent e : history.events()) {
      if (shown++ == limit) {
        break;
      }
      org.apache.karaf.shell.support.table.Row row = table.addRow();
      row.addContent(
          e.time() == null ? "-" : e.time().toString(),
          e.kind().name().toLowerCase(java.util.Locale.ROOT),
          e.device() == null ? "" : e.device().value(),
          e.description());
      if (raw) {
        row.addContent(e.raw());
      }
    }
    table.print(out);
    out.println(
        Math.min(limit, history.events().size())
            + " of "
            + history.events().size()
            + " events"
            + (history.truncated() ? " (the log held more than the driver reads)" : "")
            + ", read in "
            + history.requests()
            + " requests at "
            + history.readAt());
    return null;
  }
}
