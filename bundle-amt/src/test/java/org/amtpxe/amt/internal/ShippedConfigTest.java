package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amtpxe.api.config.TypedConfig;
import org.junit.jupiter.api.Test;

/**
 * The configuration file the features ship ({@code src/main/cfg/org.amtpxe.amt.cfg}, installed as
 * {@code etc/org.amtpxe.amt.cfg}) and the defaults the README names, checked against the metatype
 * interface {@link AmtConfig}, the only place a default is written.
 */
class ShippedConfigTest {
  static final Path CFG = Path.of("src/main/cfg/org.amtpxe.amt.cfg");

  /**
   * A key in backquotes, then within the sentence "default" and a value: {@code `drain_timeout`
   * seconds (`etc/org.amtpxe.amt.cfg`, default 30)}.
   */
  static final Pattern MENTION =
      Pattern.compile(
          "`([a-z][a-z0-9_.]*)`((?:[^`]|`etc/[^`]*`){0,120}?)\\bdefault\\s+(?:`([^`]*)`|(\\d+))");

  static Map<String, String> metatypeDefaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    TypedConfig.defaults(AmtConfig.class).forEach((k, v) -> defaults.put(k, String.valueOf(v)));
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
    assertThat(AmtSettings.from(read(CFG))).isEqualTo(AmtSettings.defaults());
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

  @Test
  void defaultsNamedInTheReadmeAreTheMetatypeDefaults() throws IOException {
    Map<String, String> metatype = metatypeDefaults();
    Map<String, String> named = mentions(Path.of("../README.md"), metatype);

    assertThat(named).containsKey("drain_timeout");
    named.forEach(
        (key, value) ->
            assertThat(value).as("README default of %s", key).isEqualTo(metatype.get(key)));
  }

  /** The defaults a document names for keys of this PID. */
  static Map<String, String> mentions(Path doc, Map<String, String> keys) throws IOException {
    Map<String, String> named = new HashMap<>();
    Matcher m = MENTION.matcher(Files.readString(doc));
    while (m.find()) {
      if (keys.containsKey(m.group(1))) {
        named.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
      }
    }
    return named;
  }
}
