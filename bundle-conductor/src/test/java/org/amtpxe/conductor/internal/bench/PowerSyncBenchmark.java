package org.amtpxe.conductor.internal.bench;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.sync.PowerSync;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.TestConductor;

/**
 * Times power-sync passes over N nodes with any {@link BareMetalDriver}: the fake driver from
 * {@link #main}, or the real AMT driver against virtual AMTs through {@link #run} (for example from
 * an integration test that starts the emulators and passes each node's driver_info).
 */
public final class PowerSyncBenchmark {
  private PowerSyncBenchmark() {}

  /**
   * Enrolls the nodes as manageable with the driver and runs {@code passes} sync passes.
   *
   * @param driver the driver, registered under its own name
   * @param driverInfo the driver_info of node i
   * @return the last pass's result
   */
  public static PowerSync.Result run(
      BareMetalDriver driver,
      IntFunction<Map<String, Object>> driverInfo,
      int nodes,
      int parallelism,
      Duration timeout,
      int passes)
      throws Exception {
    try (TestConductor c = new TestConductor(Runnable::run)) {
      c.load(driver);
      for (int i = 0; i < nodes; i++) {
        c.store.insertNode(
            Node.builder(UUID.randomUUID().toString(), driver.name())
                .name("sync-" + i)
                .driverInfo(driverInfo.apply(i))
                .provisionState(ProvisionState.MANAGEABLE)
                .powerState(PowerState.POWER_OFF)
                .build());
      }
      PowerSync.Result last = null;
      try (PowerSync sync = new PowerSync(c.tasks, c.registry, parallelism, timeout)) {
        for (int p = 1; p <= passes; p++) {
          last = sync.runOnce();
          System.out.printf(
              "pass %d: %d nodes read, %d changed, %d failed, %d skipped in %d ms"
                  + " (%.1f nodes/s, parallelism %d)%n",
              p,
              last.checked(),
              last.changed(),
              last.failed(),
              last.skipped(),
              last.took().toMillis(),
              last.checked() / (last.took().toNanos() / 1e9),
              parallelism);
        }
      }
      return last;
    }
  }

  /** Args: [nodes=1000] [parallelism=8] [per-read delay ms=20] [passes=3]. */
  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int delay = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int passes = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    FakeDriver driver = new FakeDriver("fake");
    driver.setPowerDelay(Duration.ofMillis(delay));
    System.out.printf(
        "Power sync benchmark: %d nodes, fake driver with %d ms per read%n", nodes, delay);
    run(
        driver,
        i -> Map.of("fake_address", "10.0.0." + i),
        nodes,
        parallelism,
        Duration.ofSeconds(30),
        passes);
    System.exit(0);
  }
}
