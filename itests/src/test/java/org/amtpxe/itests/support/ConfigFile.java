package org.amtpxe.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code key = value} configuration file in Karaf's {@code etc/}, changed the way an operator
 * would: edit some keys, keep the rest. Written with an atomic rename, so that Felix FileInstall
 * never reads half a file.
 */
public final class ConfigFile {
  private final Path file;

  public ConfigFile(Path file) {
    this.file = file;
  }

  /** The file of a PID in the {@code etc/} of the Karaf this code runs in. */
  public static ConfigFile etc(String pid) {
    return new ConfigFile(Path.of(System.getProperty("karaf.etc"), pid + ".cfg"));
  }

  /** The keys and values in the file now. */
  public Map<String, String> read() {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : lines()) {
      String l = line.trim();
      int eq = l.indexOf('=');
      if (l.isEmpty() || l.startsWith("#") || eq < 0) {
        continue;
      }
      values.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
    }
    return values;
  }

  /** Sets keys, keeping the other lines; a null value removes the key. */
  public void set(Map<String, String> changes) {
    List<String> out = new ArrayList<>();
    Map<String, String> pending = new LinkedHashMap<>(changes);
    for (String line : lines()) {
      String l = line.trim();
      int eq = l.indexOf('=');
      String key = eq < 0 || l.startsWith("#") ? null : l.substring(0, eq).trim();
      if (key != null && pending.containsKey(key)) {
        String value = pending.remove(key);
        if (value != null) {
          out.add(key + " = " + value);
        }
      } else {
        out.add(line);
      }
    }
    pending.forEach(
        (k, v) -> {
          if (v != null) {
            out.add(k + " = " + v);
          }
        });
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, out);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> lines() {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
