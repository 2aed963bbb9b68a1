package org.amtpxe.conductor.internal.shell;

import java.io.PrintStream;
import org.amtpxe.conductor.internal.health.HealthReport;
import org.amtpxe.conductor.internal.health.HealthService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code amtpxe:status}: the health checks of {@code GET /health} as a table, with the overall
 * status (docs/observability.md#health).
 */
@Command(
    scope = "amtpxe",
    name = "status",
    description = "Runs the health checks (database, drivers, workers, API, boot servers).")
@Service
public class StatusCommand implements Action {
  /** The running conductor's checks; absent while the conductor does not run. */
  @Reference(optional = true)
  HealthService health;

  /** Where output goes; Karaf redirects System.out per session. Tests replace it. */
  PrintStream out = System.out;

  @Override
  public Object execute() {
    if (health == null) {
      out.println(
          "Overall: DOWN (the conductor is not running: see karaf.log for its configuration"
              + " problem)");
      return null;
    }
    HealthReport report = health.check();
    ShellTable table = new ShellTable();
    table.column("Check");
    table.column("Status");
    table.column("Reason");
    table.column("ms");
    for (HealthReport.Entry e : report.checks()) {
      table
          .addRow()
          .addContent(
              e.name(), e.health().status().name(), e.health().reason(), Long.toString(e.millis()));
    }
    table.print(out);
    out.println("Overall: " + report.status().name());
    return null;
  }
}
