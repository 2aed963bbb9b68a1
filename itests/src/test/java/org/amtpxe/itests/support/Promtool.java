package org.amtpxe.itests.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' checker of the text format, Debian's {@code promtool} (package {@code prometheus},
 * installed by .ci/run): missing, it skips the test on a developer's machine and fails it where
 * {@code CI} is set.
 */
public final class Promtool {
  private Promtool() {}

  /**
   * Runs {@code promtool check metrics} on a scrape.
   *
   * @throws AssertionError when promtool rejects it (with its output), or is missing in CI
   */
  public static void assertAccepts(String scrape) throws IOException, InterruptedException {
    File promtool = null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "promtool");
      if (f.canExecute()) {
        promtool = f;
        break;
      }
    }
    if (promtool == null) {
      if (System.getenv("CI") != null) {
        fail("promtool is not installed in CI: .ci/run installs the Debian package prometheus");
      }
      assumeTrue(false, "promtool is not installed (apt-get install prometheus): test skipped");
    }
    Process p =
        new ProcessBuilder(promtool.getPath(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(scrape.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("promtool check metrics did not finish in 30 s");
    }
    assertThat(p.exitValue()).as("promtool check metrics said:\n" + output).isZero();
  }
}
