package org.amtpxe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.amtpxe.benchmarks.BulkEnrollOverVirtualAmts.Options;
import org.amtpxe.benchmarks.BulkEnrollOverVirtualAmts.Run;
import org.amtpxe.conductor.internal.enroll.EnrollService.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bulk-enrollment benchmark in miniature, so that it keeps working: 6 AMTs, 2 dead ends. */
class BulkEnrollOverVirtualAmtsSmokeTest {

  @Test
  void everyAmtIsEnrolledInspectedAndNamedInTwentySixRequests(@TempDir Path dir) throws Exception {
    Options options = Options.parse("--nodes", "6", "--unreachable", "2", "--port", "0");
    Run run;
    try (Emulators emulators =
        InProcessEmulators.start(6, "127.0.9.41", 0, BulkEnrollOverVirtualAmts.PASSWORD)) {
      run = BulkEnrollOverVirtualAmts.run(emulators, options, 0, 4, dir.resolve("db"));
    }

    assertThat(run.report().counts())
        .containsEntry(Outcome.ENROLLED, 6)
        .containsEntry(Outcome.UNREACHABLE, 2)
        .containsEntry(Outcome.FAILED, 0);
    assertThat(run.ok()).as("named, with properties and one port").isEqualTo(6);
    // One inspection is 12 classes x (Enumerate + Pull), then the power state, plus the Digest
    // challenge of the first request.
    assertThat(run.counters().httpRequests()).isEqualTo(6 * 26);
    assertThat(run.counters().unauthorized()).isEqualTo(6);
    assertThat(BulkEnrollOverVirtualAmts.table(List.of(run)))
        .contains("| 6 + 2 | 0 ms | 4 | ")
        .contains("| 6 | 2 | 26.0 | 1.00 |");
  }

  @Test
  void optionsAreBoundedAndNonsenseIsRefusedWithTheUsage() {
    Options o = Options.parse("--nodes", "100", "--parallelism", "8,16");

    assertThat(o.parallelisms()).containsExactly(8, 16);
    assertThat(o.latenciesMs()).containsExactly(20);
    assertThatThrownBy(() -> Options.parse("--nodes", "5000"))
        .hasMessageContaining("--nodes values must be 1 to 4096");
    assertThatThrownBy(() -> Options.parse("--parallelism", "500"))
        .hasMessageContaining("1 to 128");
    assertThatThrownBy(() -> Options.parse("--help")).hasMessageContaining("Usage:");
  }
}
