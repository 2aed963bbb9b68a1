package org.amtpxe.conductor.internal.shell;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.service.Conductor;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/** What every {@code baremetal:*} command shares: the conductor and the output stream. */
abstract class ConductorAction implements Action {
  @Reference Conductor conductor;

  /** Where output goes; Karaf redirects System.out per session. Tests replace it. */
  PrintStream out = System.out;

  /**
   * Parses {@code key=value} options into a map; values that look like numbers or booleans keep
   * that type, as the baremetal CLI does.
   *
   * @throws IllegalArgumentException for an option without "="
   */
  static Map<String, Object> keyValues(String option, List<String> pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (pairs == null) {
      return map;
    }
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(option + " expects key=value, not \"" + pair + "\"");
      }
      map.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return map;
  }

  static String power(Node n) {
    return n.powerState() == null ? "None" : n.powerState().value();
  }

  static String orNone(Object o) {
    return o == null ? "None" : o.toString();
  }
}
