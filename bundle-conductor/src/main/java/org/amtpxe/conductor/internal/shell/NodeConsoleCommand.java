package org.amtpxe.conductor.internal.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.amtpxe.conductor.internal.console.ConsoleService;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code baremetal:node-console}: attaches the shell to an enabled console's port, as {@code socat
 * - tcp:...} would; Ctrl-] detaches.
 */
@Command(
    scope = "baremetal",
    name = "node-console",
    description =
        "Attaches to a node's serial console (enable it first: baremetal console enable, or PUT"
            + " /v1/nodes/<node>/states/console). Ctrl-] detaches.")
@Service
public class NodeConsoleCommand extends ConductorAction {
  /** Ctrl-], telnet's escape. */
  static final int DETACH = 0x1d;

  @Argument(index = 0, name = "node", description = "Name or UUID", required = true)
  @Completion(NodeCompleter.class)
  String node;

  @Reference Session session;

  /** Where keys come from; the session's keyboard unless a test sets it. */
  InputStream keys;

  @Override
  public Object execute() throws Exception {
    ConsoleService.Info info =
        conductor
            .consoles()
            .info(node)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "The console of node "
                            + node
                            + " is not enabled; enable it with 'baremetal console enable "
                            + node
                            + "' or PUT /v1/nodes/"
                            + node
                            + "/states/console {\"enabled\": true}."));
    InputStream in = keys != null ? keys : session.getKeyboard();
    out.println("Attached to " + info.url() + "; Ctrl-] detaches.");
    try (Socket socket = new Socket(info.host(), info.port())) {
      socket.setTcpNoDelay(true);
      OutputStream toConsole = socket.getOutputStream();
      if (info.token() != null) {
        toConsole.write((info.token() + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      Thread screen =
          new Thread(
              () -> {
                byte[] b = new byte[4096];
                try (InputStream fromConsole = socket.getInputStream()) {
                  int n;
                  while ((n = fromConsole.read(b)) >= 0) {
                    out.write(b, 0, n);
                    out.flush();
                  }
                } catch (IOException e) {
                  // detached or the console closed
                }
              },
              "baremetal-node-console");
      screen.setDaemon(true);
      screen.start();
      int key;
      while (!socket.isClosed() && screen.isAlive() && (key = in.read()) >= 0) {
        if (key == DETACH) {
          break;
        }
        toConsole.write(key);
        toConsole.flush();
      }
    }
    out.println();
    out.println("Detached from the console of node " + node + ".");
    return null;
  }
}
