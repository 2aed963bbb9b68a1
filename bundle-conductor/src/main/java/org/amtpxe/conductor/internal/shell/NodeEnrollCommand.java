package org.amtpxe.conductor.internal.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.conductor.internal.enroll.AddressList;
import org.amtpxe.conductor.internal.enroll.EnrollService;
import org.amtpxe.conductor.internal.enroll.EnrollService.Outcome;
import org.amtpxe.conductor.internal.enroll.EnrollService.Report;
import org.amtpxe.conductor.internal.enroll.EnrollService.Result;
import org.amtpxe.conductor.internal.enroll.EnrollService.Target;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code baremetal:node-enroll}: bulk enrollment from addresses, ranges, networks or a hosts file,
 * with a progress line while it probes.
 */
@Command(
    scope = "baremetal",
    name = "node-enroll",
    description =
        "Probes addresses for AMT and enrolls each machine that answers as a node, inspected and"
            + " named after its host name.")
@Service
public class NodeEnrollCommand extends ConductorAction {
  /** The most bytes of a hosts file read. */
  static final long MAX_HOSTS_FILE = 1 << 20;

  @Argument(
      index = 0,
      name = "addresses",
      description = "Addresses, ranges (10.0.0.10-50) or networks (10.0.0.0/24)",
      multiValued = true)
  List<String> addresses;

  @Option(name = "--driver", description = "Driver of the new nodes (default pxe_amt)")
  String driver = "pxe_amt";

  @Option(
      name = "--driver-info",
      description = "key=value for every node's driver_info, e.g. amt_username=admin (repeat)",
      multiValued = true)
  List<String> driverInfo;

  @Option(
      name = "--hosts-file",
      description =
          "A file of lines \"address [username [password]]\" (ranges allowed, # comments)")
  String hostsFile;

  @Option(name = "--parallel", description = "Probes in flight (default 32)")
  int parallelism = EnrollService.DEFAULT_PARALLELISM;

  @Option(name = "--resource-class", description = "Resource class of the new nodes")
  String resourceClass;

  @Override
  public Object execute() throws Exception {
    List<Target> targets = targets();
    Report report =
        conductor
            .enroll()
            .enroll(
                new EnrollService.Request(
                    driver,
                    keyValues("--driver-info", driverInfo),
                    targets,
                    parallelism,
                    resourceClass),
                (done, total, counts) -> {
                  out.print("\r" + progressLine(done, total, counts));
                  out.flush();
                });
    out.println();
    for (Result r : report.results()) {
      out.println(line(r));
    }
    out.println(
        "Probed "
            + report.results().size()
            + " addresses in "
            + String.format(java.util.Locale.ROOT, "%.1f", report.millis() / 1000.0)
            + " s: "
            + summary(report.counts())
            + ".");
    return null;
  }

  private List<Target> targets() throws IOException {
    Set<String> seen = new LinkedHashSet<>();
    List<Target> targets = new ArrayList<>();
    if (addresses != null && !addresses.isEmpty()) {
      for (String a : AddressList.expand(addresses, EnrollService.MAX_ADDRESSES)) {
        if (seen.add(a)) {
          targets.add(new Target(a, Map.of()));
        }
      }
    }
    if (hostsFile != null) {
      for (Target t : readHostsFile(Path.of(hostsFile))) {
        if (seen.add(t.address())) {
          targets.add(t);
        }
      }
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException(
          "Nothing to enroll: give addresses (10.0.0.10-50, 10.0.0.0/24) or --hosts-file.");
    }
    return targets;
  }

  /**
   * Reads a hosts file: one entry per line, {@code address [username [password]]}, where address
   * may be a range or network; blank lines and {@code #} comments are skipped.
   */
  static List<Target> readHostsFile(Path file) throws IOException {
    if (Files.size(file) > MAX_HOSTS_FILE) {
      throw new IllegalArgumentException(
          "Hosts file " + file + " is larger than " + MAX_HOSTS_FILE + " bytes; split it.");
    }
    List<Target> targets = new ArrayList<>();
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      String[] words = text.split("\\s+");
      if (words.length > 3) {
        throw new IllegalArgumentException(
            file
                + " line "
                + number
                + ": expected \"address [username [password]]\", found "
                + words.length
                + " words.");
      }
      Map<String, Object> own = new LinkedHashMap<>();
      if (words.length > 1) {
        own.put("amt_username", words[1]);
      }
      if (words.length > 2) {
        own.put("amt_password", words[2]);
      }
      try {
        for (String a : AddressList.expand(List.of(words[0]), EnrollService.MAX_ADDRESSES)) {
          targets.add(new Target(a, own));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage());
      }
    }
    return targets;
  }

  static String progressLine(int done, int total, Map<Outcome, Integer> counts) {
    return "probed " + done + "/" + total + ": " + summary(counts);
  }

  static String summary(Map<Outcome, Integer> counts) {
    List<String> parts = new ArrayList<>();
    for (Outcome o : Outcome.values()) {
      parts.add(counts.getOrDefault(o, 0) + " " + o.label());
    }
    return String.join(", ", parts);
  }

  static String line(Result r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%-16s %-17s", r.address(), r.outcome().label()));
    if (r.node() != null) {
      b.append(' ').append(r.name() != null ? r.name() + " (" + r.node() + ")" : r.node());
    }
    if (!r.ports().isEmpty()) {
      b.append(" ports ").append(String.join(",", r.ports()));
    }
    if (r.message() != null) {
      b.append(" - ").append(r.message());
    }
    return b.toString();
  }
}
