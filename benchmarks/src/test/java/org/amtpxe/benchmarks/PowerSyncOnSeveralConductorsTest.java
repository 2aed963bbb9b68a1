package org.amtpxe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PowerSyncOnSeveralConductorsTest {

  @Test
  void optionsNeedAPostgreSqlUrlAndKeepTheShippedSyncParallelism() {
    assertThatThrownBy(
            () -> PowerSyncOnSeveralConductors.Options.parse("--db-url", "jdbc:h2:mem:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("A PostgreSQL server is needed")
        .hasMessageContaining("start-postgres.sh");

    PowerSyncOnSeveralConductors.Options o =
        PowerSyncOnSeveralConductors.Options.parse(
            "--db-url", "jdbc:postgresql://127.0.0.1:1/x", "--db-user", "u", "--conductors", "2");
    assertThat(o.nodes()).isEqualTo(3000);
    assertThat(o.latencyMs()).isEqualTo(20);
    assertThat(o.parallelism()).isEqualTo(8);
    assertThat(o.conductors()).isEqualTo(2);
    assertThat(o.dbUser()).isEqualTo("u");
    assertThatThrownBy(
            () ->
                PowerSyncOnSeveralConductors.Options.parse(
                    "--db-url", "jdbc:postgresql://127.0.0.1:1/x", "--conductors", "10"))
        .hasMessageContaining("--conductors values must be 1 to 9, not 10");
  }
}
