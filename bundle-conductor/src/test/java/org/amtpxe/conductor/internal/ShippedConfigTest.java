package org.amtpxe.conductor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amtpxe.api.config.TypedConfig;
import org.junit.jupiter.api.Test;

/**
 * The configuration file the features ship ({@code src/main/cfg/org.amtpxe.conductor.cfg},
 * installed as {@code etc/org.amtpxe.conductor.cfg}) and the defaults the READMEs and docs name,
 * checked against the metatype interface {@link ConductorConfig}, the only place a default is
 * written.
 */
class ShippedConfigTest {
  static final Path CFG = Path.of("src/main/cfg/org.amtpxe.conductor.cfg");
  static final Path DATA = Path.of("/var/lib/karaf/data");

  /**
   * A key in backquotes, then within the sentence "default" and a value: {@code `api_port` ...
   * default `6385`}.
   */
  static final Pattern MENTION =
      Pattern.compile(
          "`([a-z][a-z0-9_.]*)`((?:[^`]|`etc/[^`]*`){0,120}?)\\bdefault\\s+(?:`([^`]*)`|(\\d+))");

  /**
   * A key in backquotes followed by its default number in parentheses, the way the prose states
   * them: {@code `api_port` (6385)}, {@code `callback_timeout` (1800 s; ...)}.
   */
  static final Pattern PARENTHESISED = Pattern.compile("`([a-z][a-z0-9_]*)` \\((\\d+)(?: s)?[);]");

  static Map<String, String> metatypeDefaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    TypedConfig.defaults(ConductorConfig.class)
        .forEach((k, v) -> defaults.put(k, String.valueOf(v)));
    return defaults;
  }

  static Map<String, String> read(Path cfg) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(cfg, StandardCharsets.ISO_8859_1)) {
      p.load(in);
    }
    Map<String, String> values = new HashMap<>();
    p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
    return values;
  }

  @Test
  void theShippedFileListsEveryKeyWithItsMetatypeDefaultAndNothingElse() throws IOException {
    Map<String, String> file = read(CFG);
    Map<String, String> metatype = metatypeDefaults();

    assertThat(file.keySet())
        .as("keys in %s unknown to the metatype", CFG)
        .isSubsetOf(metatype.keySet());
    assertThat(metatype.keySet())
        .as("metatype keys missing from %s", CFG)
        .isSubsetOf(file.keySet());
    assertThat(file).as("defaults in %s", CFG).isEqualTo(metatype);
  }

  @Test
  void theShippedFileIsAValidConfigurationThatGivesTheDefaults() throws IOException {
    Map<String, String> file = new HashMap<>(read(CFG));
    assertThat(ConductorSettings.from(file, DATA)).isEqualTo(ConductorSettings.defaults(DATA));
  }

  @Test
  void everyKeyOfTheShippedFileIsExplainedByAComment() throws IOException {
    // A key follows its comment, or another key of the group that comment explains.
    String previous = "";
    for (String line : Files.readAllLines(CFG, StandardCharsets.ISO_8859_1)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        assertThat(previous).as("the line above '%s'", line).isNotBlank();
      }
      previous = line;
    }
  }

  /**
   * The README's table lists every key once. A default shown as one value in backquotes is the
   * metatype default; a default the bundle computes or that means "none" (the metatype default is
   * empty) is shown as {@code (empty...)}.
   */
  @Test
  void theReadmeTableListsEveryKeyWithItsMetatypeDefault() throws IOException {
    Map<String, String> metatype = metatypeDefaults();
    Map<String, String> table = readmeTable(Path.of("README.md"));

    assertThat(table.keySet()).as("keys of the README table").isSubsetOf(metatype.keySet());
    assertThat(metatype.keySet())
        .as("keys missing from the README table")
        .isSubsetOf(table.keySet());
    table.forEach(
        (key, cell) -> {
          String expected = metatype.get(key);
          if (expected.isEmpty()) {
            assertThat(cell).as("README default of %s", key).startsWith("(empty");
          } else {
            assertThat(cell).as("README default of %s", key).isEqualTo("`" + expected + "`");
          }
        });
  }

  /**
   * Defaults stated in prose, in the top README, this bundle's README and docs/: {@code `key` ...
   * default N} or {@code `key` (N)}.
   */
  @Test
  void defaultsNamedInTheReadmesAndDocsAreTheMetatypeDefaults() throws IOException {
    Map<String, String> metatype = metatypeDefaults();
    List<Path> docs = new ArrayList<>(List.of(Path.of("../README.md"), Path.of("README.md")));
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("../docs"), "*.md")) {
      dir.forEach(docs::add);
    }
    Map<String, List<String>> named = new HashMap<>();
    for (Path doc : docs) {
      String text = Files.readString(doc);
      Matcher m = MENTION.matcher(text);
      while (m.find()) {
        if (metatype.containsKey(m.group(1))) {
          named
              .computeIfAbsent(m.group(1), k -> new ArrayList<>())
              .add(m.group(3) != null ? m.group(3) : m.group(4));
        }
      }
      m = PARENTHESISED.matcher(text);
      while (m.find()) {
        if (metatype.containsKey(m.group(1))) {
          named.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2));
        }
      }
    }

    assertThat(named).containsKeys("api_port", "auth_cache_seconds", "callback_timeout");
    named.forEach(
        (key, values) ->
            assertThat(values)
                .as("defaults of %s named in %s", key, docs)
                .containsOnly(metatype.get(key)));
  }

  /** The rows of the table under "## Configuration": key cell to default cell. */
  static Map<String, String> readmeTable(Path readme) throws IOException {
    Map<String, String> table = new LinkedHashMap<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(readme)) {
      if (line.startsWith("## ")) {
        inSection = line.startsWith("## Configuration");
        continue;
      }
      if (!inSection || !line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String key = cells[1].trim().replace("`", "");
      assertThat(table.put(key, cells[2].trim())).as("%s listed twice", key).isNull();
    }
    return table;
  }
}
