package org.amtpxe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LONG;

import java.nio.file.Path;
import java.util.List;
import org.amtpxe.benchmarks.PowerSyncOverVirtualAmts.Options;
import org.amtpxe.benchmarks.PowerSyncOverVirtualAmts.Pass;
import org.amtpxe.benchmarks.PowerSyncOverVirtualAmts.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The power-sync benchmark in miniature, so that it keeps working: 6 nodes, 2 passes. */
class PowerSyncOverVirtualAmtsSmokeTest {

  @Test
  void aColdPassPaysOneChallengePerNodeAndLaterPassesOneRoundTrip(@TempDir Path dir)
      throws Exception {
    Run run;
    try (Emulators emulators =
        InProcessEmulators.start(6, "127.0.9.1", 0, PowerSyncOverVirtualAmts.PASSWORD)) {
      run = PowerSyncOverVirtualAmts.run(emulators, 6, 0, 2, 2, dir.resolve("db"));
    }

    Pass cold = run.passes().get(0);
    Pass warm = run.passes().get(1);
    assertThat(cold.result().checked()).isEqualTo(6);
    assertThat(cold.result().changed()).isEqualTo(6);
    assertThat(cold.result().failed()).isZero();
    assertThat(cold.perNode(cold.counters().httpRequests())).isEqualTo(2.0);
    assertThat(cold.perNode(cold.counters().unauthorized())).isEqualTo(1.0);
    assertThat(warm.result().checked()).isEqualTo(6);
    assertThat(warm.result().changed()).isZero();
    assertThat(warm.perNode(warm.counters().httpRequests())).isEqualTo(1.0);
    assertThat(warm.counters().unauthorized()).isZero();
    assertThat(run.driverHeapBytes()).isPositive();
    assertThat(PowerSyncOverVirtualAmts.table(List.of(run)))
        .contains("| 6 | 0 ms | 2 | ")
        .contains("| 2.00 / 1.00 | 0 |");
  }

  @Test
  void theEmulatorInItsOwnJvmIsDrivenThroughItsControlApi(@TempDir Path dir) throws Exception {
    Run run;
    String memory;
    try (ExternalEmulators emulators =
        ExternalEmulators.start(3, "127.0.9.21", 0, PowerSyncOverVirtualAmts.PASSWORD, "128m")) {
      assertThat(emulators.targets())
          .extracting(Emulators.Target::address)
          .containsExactly("127.0.9.21", "127.0.9.22", "127.0.9.23");
      run = PowerSyncOverVirtualAmts.run(emulators, 3, 1, 3, 2, dir.resolve("db"));
      memory = PowerSyncOverVirtualAmts.memory(emulators);
      assertThat(emulators.residentBytes()).get().asInstanceOf(LONG).isPositive();
    }

    Pass warm = run.passes().get(1);
    assertThat(warm.result().checked()).isEqualTo(3);
    assertThat(warm.counters().httpRequests()).isEqualTo(3);
    assertThat(warm.emulatorCpu()).isNotNull();
    assertThat(memory).contains("this process (conductor + driver)").contains("emulator RSS");
  }

  @Test
  void optionsTakeListsAndRefuseNonsenseWithTheUsage() {
    Options o = Options.parse("--nodes", "100,1000", "--latency-ms", "20", "--passes", "2");

    assertThat(o.nodes()).containsExactly(100, 1000);
    assertThat(o.latenciesMs()).containsExactly(20);
    assertThat(o.parallelisms()).containsExactly(8, 32, 64);
    assertThat(o.passes()).isEqualTo(2);
    assertThatThrownBy(() -> Options.parse("--parallelism", "eight"))
        .hasMessageContaining("--parallelism takes whole numbers");
    assertThatThrownBy(() -> Options.parse("--nodes", "0"))
        .hasMessageContaining("--nodes values must be 1 to 10000");
    assertThatThrownBy(() -> Options.parse("--frobnicate", "1"))
        .hasMessageContaining("Unknown option --frobnicate")
        .hasMessageContaining("Usage:");
  }
}
