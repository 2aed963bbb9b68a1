package org.amtpxe.virtualamt.internal.simulated;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs iPXE scripts the way iPXE does, for the commands a boot configuration uses: {@code chain}
 * (to another script), {@code goto} and labels, {@code kernel}, {@code initrd}, {@code boot},
 * {@code set}, {@code echo}, {@code exit}, {@code ||} for a fallback when a command fails, and
 * {@code ${var}} expansion. Kernels and initrds are downloaded like firmware downloads them, but
 * never executed: the outcome says what would boot.
 */
final class IpxeScript {
  private static final int MAX_CHAIN = 8;
  private static final int MAX_STEPS = 10_000;
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

  /** Downloads for the interpreter. */
  interface Fetcher {
    /**
     * Downloads a script.
     *
     * @throws IOException if it cannot be fetched (no 200 reply)
     */
    byte[] fetch(URI uri) throws IOException;

    /**
     * Downloads an image, discarding it.
     *
     * @return its size in bytes
     * @throws IOException if it cannot be fetched (no 200 reply)
     */
    long download(URI uri) throws IOException;
  }

  /** What the scripts ended in. */
  sealed interface Outcome permits Boot, Exit, Failure {
    /** The scripts run, in order. */
    List<URI> scripts();
  }

  /**
   * A kernel would boot.
   *
   * @param kernel its URL
   * @param kernelBytes its size
   * @param initrds the initrds' URLs
   * @param cmdline the kernel command line, variables expanded
   * @param label the last label the script went through, e.g. {@code deploy}; empty if none
   */
  record Boot(
      URI kernel,
      long kernelBytes,
      List<URI> initrds,
      String cmdline,
      String label,
      List<URI> scripts)
      implements Outcome {}

  /** The script left iPXE ({@code exit}): the firmware tries its next boot device. */
  record Exit(String message, List<URI> scripts) implements Outcome {}

  /** The script failed or asked for a reboot; nothing boots. */
  record Failure(String message, List<URI> scripts) implements Outcome {}

  private final Fetcher fetcher;
  private final Map<String, String> variables;
  private final List<URI> scripts = new ArrayList<>();
  private final List<String> echoed = new ArrayList<>();
  private URI kernel;
  private long kernelBytes;
  private String cmdline = "";
  private final List<URI> initrds = new ArrayList<>();
  private String label = "";
  private int steps;

  private IpxeScript(Fetcher fetcher, Map<String, String> variables) {
    this.fetcher = fetcher;
    this.variables = new HashMap<>(variables);
  }

  /**
   * Fetches the script at {@code first} and runs it, following chains.
   *
   * @param first the script DHCP hands to iPXE, e.g. {@code http://192.168.77.1:8080/boot.ipxe}
   * @param variables iPXE settings, e.g. {@code mac}, {@code mac:hexhyp}, {@code ip}
   * @param fetcher downloads
   */
  static Outcome run(URI first, Map<String, String> variables, Fetcher fetcher) {
    IpxeScript interpreter = new IpxeScript(fetcher, variables);
    byte[] text;
    try {
      text = fetcher.fetch(first);
    } catch (IOException e) {
      return new Failure("cannot fetch " + first + ": " + e.getMessage(), List.of(first));
    }
    return interpreter.runScript(first, new String(text, StandardCharsets.UTF_8), 0);
  }

  private Outcome runScript(URI uri, String text, int depth) {
    scripts.add(uri);
    List<String> lines = text.lines().map(String::strip).toList();
    if (lines.isEmpty() || !lines.get(0).startsWith("#!ipxe")) {
      return failure(uri + " is not an iPXE script (no #!ipxe line)");
    }
    Map<String, Integer> labels = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(":")) {
        labels.put(lines.get(i).substring(1).strip(), i);
      }
    }
    int pc = 1;
    while (pc < lines.size()) {
      if (++steps > MAX_STEPS) {
        return failure("the script runs in a loop (more than " + MAX_STEPS + " steps)");
      }
      String line = lines.get(pc);
      pc++;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith(":")) {
        label = line.substring(1).strip();
        continue;
      }
      String[] alternatives = line.split("\\s*\\|\\|\\s*", 2);
      Step step = execute(uri, alternatives[0], labels, depth);
      if (step.failed() && alternatives.length == 2) {
        if (alternatives[1].isEmpty()) {
          continue;
        }
        step = execute(uri, alternatives[1], labels, depth);
      }
      if (step.outcome() != null) {
        return step.outcome();
      }
      if (step.failed()) {
        return failure(step.error());
      }
      if (step.jump() >= 0) {
        pc = step.jump();
      }
    }
    return failure(uri + " ended without booting anything");
  }

  /** The result of one command: an outcome, a jump, a failure, or simply the next line. */
  private record Step(Outcome outcome, int jump, String error) {
    static final Step NEXT = new Step(null, -1, null);

    boolean failed() {
      return error != null;
    }

    static Step fail(String error) {
      return new Step(null, -1, error);
    }
  }

  private Step execute(URI base, String command, Map<String, Integer> labels, int depth) {
    List<String> words = new ArrayList<>(List.of(expand(command).split("\\s+")));
    String verb = words.remove(0);
    switch (verb) {
      case "goto":
        {
          String target = words.isEmpty() ? "" : words.get(0);
          Integer at = labels.get(target);
          if (at == null) {
            return Step.fail("goto " + target + ": no such label");
          }
          return new Step(null, at, null);
        }
      case "chain":
        {
          List<String> args = withoutOptions(words);
          if (args.isEmpty()) {
            return Step.fail("chain needs a URL");
          }
          if (depth + 1 > MAX_CHAIN) {
            return Step.fail("more than " + MAX_CHAIN + " chained scripts");
          }
          URI next = base.resolve(args.get(0));
          byte[] text;
          try {
            text = fetcher.fetch(next);
          } catch (IOException e) {
            return Step.fail("chain " + next + ": " + e.getMessage());
          }
          label = "";
          return new Step(
              runScript(next, new String(text, StandardCharsets.UTF_8), depth + 1), -1, null);
        }
      case "kernel":
      case "imgexec":
        {
          List<String> args = withoutOptions(words);
          if (args.isEmpty()) {
            return Step.fail("kernel needs a URL");
          }
          URI image = base.resolve(args.get(0));
          try {
            kernelBytes = fetcher.download(image);
          } catch (IOException e) {
            return Step.fail("kernel " + image + ": " + e.getMessage());
          }
          kernel = image;
          cmdline = String.join(" ", args.subList(1, args.size()));
          initrds.clear();
          return Step.NEXT;
        }
      case "initrd":
      case "module":
        {
          List<String> args = withoutOptions(words);
          if (args.isEmpty()) {
            return Step.fail("initrd needs a URL");
          }
          URI image = base.resolve(args.get(0));
          try {
            fetcher.download(image);
          } catch (IOException e) {
            return Step.fail("initrd " + image + ": " + e.getMessage());
          }
          initrds.add(image);
          return Step.NEXT;
        }
      case "boot":
        if (kernel == null) {
          return Step.fail("boot: no kernel was loaded");
        }
        return new Step(
            new Boot(
                kernel, kernelBytes, List.copyOf(initrds), cmdline, label, List.copyOf(scripts)),
            -1,
            null);
      case "imgfree":
        kernel = null;
        initrds.clear();
        return Step.NEXT;
      case "set":
        if (words.isEmpty()) {
          return Step.fail("set needs a name");
        }
        variables.put(words.get(0), String.join(" ", words.subList(1, words.size())));
        return Step.NEXT;
      case "echo":
        echoed.add(String.join(" ", words.stream().filter(w -> !w.equals("-n")).toList()));
        return Step.NEXT;
      case "dhcp":
      case "ifopen":
      case "ifconf":
      case "sleep":
      case "prompt":
        return Step.NEXT;
      case "exit":
        return new Step(new Exit(lastEcho("exit"), List.copyOf(scripts)), -1, null);
      case "reboot":
      case "poweroff":
      case "shell":
        return new Step(
            new Failure(
                "the script ran '" + verb + "' after: " + lastEcho("no message"),
                List.copyOf(scripts)),
            -1,
            null);
      default:
        // Not a failure a "||" could handle: the simulation cannot know what the command does.
        return new Step(failure("unsupported iPXE command '" + verb + "'"), -1, null);
    }
  }

  private Failure failure(String message) {
    return new Failure(message, List.copyOf(scripts));
  }

  private String lastEcho(String fallback) {
    return echoed.isEmpty() ? fallback : String.join(" / ", echoed);
  }

  /** Drops {@code --name x}, {@code -n x} and flag options such as {@code --autofree}. */
  private static List<String> withoutOptions(List<String> words) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (out.isEmpty() && (w.equals("--name") || w.equals("-n"))) {
        i++;
      } else if (out.isEmpty() && w.startsWith("-")) {
        continue;
      } else {
        out.add(w);
      }
    }
    return out;
  }

  /** Expands {@code ${name}} and {@code ${name:type}}; unknown settings expand to nothing. */
  private String expand(String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      String value = variables.get(key);
      if (value == null && key.startsWith("net0/")) {
        value = variables.get(key.substring(5));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
