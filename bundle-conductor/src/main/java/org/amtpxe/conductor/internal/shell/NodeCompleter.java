package org.amtpxe.conductor.internal.shell;

import java.util.List;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes node names and UUIDs. */
@Service
public class NodeCompleter implements Completer {
  @Reference Conductor conductor;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    StringsCompleter strings = new StringsCompleter();
    for (Node n : conductor.nodes().nodes(NodeQuery.all())) {
      if (n.name() != null) {
        strings.getStrings().add(n.name());
      }
      strings.getStrings().add(n.uuid());
    }
    return strings.complete(session, commandLine, candidates);
  }
}
