package org.amtpxe.pxe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares generated text with a golden file under src/test/resources/golden. Run with {@code
 * -Dgolden.update=true} to (re)write the golden files, then review the diff before committing.
 */
public final class Golden {
  private Golden() {}

  public static void assertMatches(String name, String actual) throws IOException {
    if (Boolean.getBoolean("golden.update")) {
      Path file = Path.of("src/test/resources/golden").resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual);
      return;
    }
    try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in)
          .as("golden file " + name + " (create it with -Dgolden.update=true)")
          .isNotNull();
      String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(actual).as("golden file " + name).isEqualTo(expected);
    }
  }
}
