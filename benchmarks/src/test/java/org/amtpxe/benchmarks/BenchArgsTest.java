package org.amtpxe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchArgsTest {
  private static final String USAGE = "Usage: Bench [options]";

  @Test
  void sharedOptionsTakeTheBenchmarksDefaultsUnlessGiven() {
    BenchArgs.Emulation defaults =
        BenchArgs.parse(new String[0], Set.of(), USAGE)
            .emulation("127.0.9.1", 16992, Path.of("target", "x"));
    assertThat(defaults)
        .isEqualTo(
            new BenchArgs.Emulation("127.0.9.1", 16992, Path.of("target", "x"), true, "768m"));

    BenchArgs.Emulation given =
        BenchArgs.parse(
                new String[] {
                  "--emulator",
                  "in-process",
                  "--port",
                  "0",
                  "--work-dir",
                  "/tmp/w",
                  "--base-address",
                  "127.0.8.1",
                  "--emulator-heap",
                  "1g"
                },
                Set.of(),
                USAGE)
            .emulation("127.0.9.1", 16992, Path.of("target", "x"));
    assertThat(given)
        .isEqualTo(new BenchArgs.Emulation("127.0.8.1", 0, Path.of("/tmp/w"), false, "1g"));
  }

  @Test
  void ownOptionsAreWholeNumbersInRange() {
    BenchArgs a = BenchArgs.parse(new String[] {"--n", "1, 2,3"}, Set.of("--n", "--m"), USAGE);
    assertThat(a.integers("--n", List.of(9), 1, 3)).containsExactly(1, 2, 3);
    assertThat(a.integer("--m", 7, 0, 10)).isEqualTo(7);
    assertThatThrownBy(() -> a.integers("--n", List.of(), 1, 2))
        .hasMessage("--n values must be 1 to 2, not 3");
  }

  @Test
  void mistakesSayWhatIsWrongAndShowTheUsage() {
    assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--nodes"}, Set.of("--nodes"), USAGE))
        .hasMessage("--nodes needs a value.\n" + USAGE);
    assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--x", "1"}, Set.of(), USAGE))
        .hasMessage("Unknown option --x.\n" + USAGE);
    assertThatThrownBy(
            () ->
                BenchArgs.parse(new String[] {"--emulator", "vm"}, Set.of(), USAGE)
                    .emulation("a", 1, Path.of("w")))
        .hasMessageStartingWith("--emulator is external or in-process, not 'vm'");
    assertThatThrownBy(
            () ->
                BenchArgs.parse(new String[] {"--n", "two"}, Set.of("--n"), USAGE)
                    .integer("--n", 1, 0, 5))
        .hasMessage("--n takes whole numbers separated by commas, not 'two'");
    assertThatThrownBy(() -> BenchArgs.parse(new String[] {"-h"}, Set.of(), USAGE))
        .hasMessage(USAGE);
  }
}
