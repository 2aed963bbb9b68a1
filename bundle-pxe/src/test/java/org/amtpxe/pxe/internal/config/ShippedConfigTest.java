package org.amtpxe.pxe.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
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
 * The configuration file the features ship ({@code src/main/cfg/org.amtpxe.pxe.cfg}, installed as
 * {@code etc/org.amtpxe.pxe.cfg}) and the defaults the READMEs name, checked against the metatype
 * interface {@link PxeConfig}, the only place a default is written.
 */
class ShippedConfigTest {
  static final Path CFG = Path.of("src/main/cfg/org.amtpxe.pxe.cfg");
  static final Path DATA = Path.of("/var/lib/karaf/data");

  /**
   * A key in backquotes, then within the sentence "default" and a value: {@code `image_dirs`
   * (default `${karaf.data}/amtpxe/images`)}.
   */
  static final Pattern MENTION =
      Pattern.compile(
          "`([a-z][a-z0-9_.]*)`((?:[^`]|`etc/[^`]*`){0,120}?)\\bdefault\\s+(?:`([^`]*)`|(\\d+))");

  static Map<String, String> metatypeDefaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    TypedConfig.defaults(PxeConfig.class).forEach((k, v) -> defaults.put(k, String.valueOf(v)));
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
    assertThat(PxeSettings.from(file, DATA)).isEqualTo(PxeSettings.defaults(DATA));
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
   * metatype default; a default the bundle computes (the metatype default is empty) is shown as
   * {@code (empty: ...)}.
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

  @Test
  void defaultsNamedInTheTopReadmeAreTheMetatypeDefaults() throws IOException {
    Map<String, String> metatype = metatypeDefaults();
    Map<String, String> named = new HashMap<>();
    Matcher m = MENTION.matcher(Files.readString(Path.of("../README.md")));
    while (m.find()) {
      if (metatype.containsKey(m.group(1))) {
        named.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
      }
    }

    assertThat(named).containsKeys("amt_wait", "image_dirs");
    named.forEach(
        (key, value) ->
            assertThat(value).as("README default of %s", key).isEqualTo(metatype.get(key)));
  }

  /**
   * The rows of the table under "## Configuration": key cell to default cell. A row may name
   * several keys ({@code `http_address` / `http_port`}) with as many defaults.
   */
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
      List<String> keys = new ArrayList<>();
      for (String k : cells[1].split(" / ")) {
        keys.add(k.trim().replace("`", ""));
      }
      String[] defaults = keys.size() == 1 ? new String[] {cells[2]} : cells[2].split(" / ");
      assertThat(defaults).as("defaults of %s", keys).hasSameSizeAs(keys);
      for (int i = 0; i < keys.size(); i++) {
        assertThat(table.put(keys.get(i), defaults[i].trim()))
            .as("%s listed twice", keys.get(i))
            .isNull();
      }
    }
    return table;
  }
}
