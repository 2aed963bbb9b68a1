package org.amtpxe.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The command line of the benchmarks over virtual AMTs: {@code --key value} pairs, the options
 * every such benchmark has (where the emulators listen and how they run), and the checks of whole
 * numbers. Every mistake is an {@link IllegalArgumentException} whose message says what to type
 * instead, followed by the usage.
 */
final class BenchArgs {
  /** The options shared by every benchmark over virtual AMTs. */
  static final Set<String> EMULATION_KEYS =
      Set.of("--base-address", "--port", "--work-dir", "--emulator", "--emulator-heap");

  /**
   * Where the virtual AMTs listen and how they run.
   *
   * @param baseAddress the first virtual AMT's address; the others follow it
   * @param port the virtual AMTs' HTTP port, 0 for any free one
   * @param workDir where the benchmark's databases go
   * @param external whether the virtual AMTs run in JVMs of their own
   * @param heap the -Xmx of each emulator JVM
   */
  record Emulation(String baseAddress, int port, Path workDir, boolean external, String heap) {}

  private final Map<String, String> values;
  private final String usage;

  private BenchArgs(Map<String, String> values, String usage) {
    this.values = values;
    this.usage = usage;
  }

  /**
   * Reads {@code --key value} pairs.
   *
   * @param ownKeys the benchmark's own options, besides {@link #EMULATION_KEYS}
   * @param usage what {@code --help} prints and every mistake ends with
   */
  static BenchArgs parse(String[] args, Set<String> ownKeys, String usage) {
    Set<String> known =
        Stream.concat(ownKeys.stream(), EMULATION_KEYS.stream()).collect(Collectors.toSet());
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (key.equals("--help") || key.equals("-h")) {
        throw new IllegalArgumentException(usage);
      }
      if (!known.contains(key)) {
        throw new IllegalArgumentException("Unknown option " + key + ".\n" + usage);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(key + " needs a value.\n" + usage);
      }
      values.put(key, args[++i]);
    }
    return new BenchArgs(values, usage);
  }

  /** The shared options, with the benchmark's defaults for what the command line leaves out. */
  Emulation emulation(String defaultBaseAddress, int defaultPort, Path defaultWorkDir) {
    String emulator = values.getOrDefault("--emulator", "external");
    if (!emulator.equals("external") && !emulator.equals("in-process")) {
      throw new IllegalArgumentException(
          "--emulator is external or in-process, not '" + emulator + "'.\n" + usage);
    }
    return new Emulation(
        values.getOrDefault("--base-address", defaultBaseAddress),
        values.containsKey("--port") ? integer("--port", 0, 0, 65535) : defaultPort,
        values.containsKey("--work-dir") ? Path.of(values.get("--work-dir")) : defaultWorkDir,
        emulator.equals("external"),
        values.getOrDefault("--emulator-heap", "768m"));
  }

  /** The option's text, or the default when the option is absent. */
  String string(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  /** One whole number from min to max, or the default when the option is absent. */
  int integer(String key, int defaultValue, int min, int max) {
    return integers(key, List.of(defaultValue), min, max).get(0);
  }

  /** Whole numbers separated by commas, each from min to max, or the defaults when absent. */
  List<Integer> integers(String key, List<Integer> defaults, int min, int max) {
    String value = values.get(key);
    if (value == null) {
      return defaults;
    }
    List<Integer> result = new ArrayList<>();
    for (String part : value.split(",")) {
      int n;
      try {
        n = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            key + " takes whole numbers separated by commas, not '" + value + "'");
      }
      if (n < min || n > max) {
        throw new IllegalArgumentException(
            key + " values must be " + min + " to " + max + ", not " + n);
      }
      result.add(n);
    }
    return List.copyOf(result);
  }
}
