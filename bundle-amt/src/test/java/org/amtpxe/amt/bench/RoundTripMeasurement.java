package org.amtpxe.amt.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Map;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.FakeTask;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtManagement;
import org.amtpxe.amt.internal.AmtPower;
import org.amtpxe.amt.internal.AmtProtocol;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.BootSequence;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.PowerState;

/**
 * Measures, against the fake AMT on loopback, the HTTP round trips per driver operation and the
 * time the driver spends per AMT call outside the device (client time minus the fake's own handling
 * time).
 */
public final class RoundTripMeasurement {
  private RoundTripMeasurement() {}

  /** One operation of the driver. */
  @FunctionalInterface
  interface Operation {
    void run(FakeTask task) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    try (FakeAmt amt = FakeAmt.start();
        // action_wait is zero here, so the figures hold no sleeping, only work.
        AmtGateway gateway =
            TestSettings.gateway(
                new AmtSettings(
                    AmtProtocol.HTTP,
                    3,
                    Duration.ZERO,
                    BootSequence.INTEL,
                    TestSettings.transport()))) {
      AmtPower power = new AmtPower(gateway, Map.of());
      AmtManagement management = new AmtManagement(gateway, Map.of());
      FakeTask task = new FakeTask(FakeTask.node(amt.driverInfo()), false, power, management);

      amt.resetCounters();
      power.getPowerState(task);
      System.out.printf(
          "first call to a node: %d HTTP requests (%d challenge)%n",
          amt.requests(), amt.challenges());

      System.out.printf(
          "%-36s %8s %10s %13s %17s %15s%n",
          "operation",
          "HTTP/op",
          "WS-Man/op",
          "client us/op",
          "outside-fake us/c",
          "driver CPU us/c");
      measure(amt, task, iterations, "getPowerState", 1, t -> power.getPowerState(t));
      measure(
          amt,
          task,
          iterations / 5,
          "setPowerState on + off (no device)",
          6,
          t -> {
            power.setPowerState(t, PowerState.POWER_ON, null);
            power.setPowerState(t, PowerState.POWER_OFF, null);
          });
      measure(
          amt,
          task,
          iterations / 5,
          "ensureNextBootDevice(pxe), intel",
          5,
          t -> management.ensureNextBootDevice(t, BootDevice.PXE));
    }
  }

  private static void measure(
      FakeAmt amt, FakeTask task, int iterations, String name, int calls, Operation op)
      throws Exception {
    for (int i = 0; i < iterations; i++) {
      op.run(task);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    amt.resetCounters();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      op.run(task);
    }
    long client = System.nanoTime() - start;
    long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
    double wsmanCalls = (double) iterations * calls;
    System.out.printf(
        "%-36s %8.2f %10d %13.1f %17.1f %15.1f%n",
        name,
        amt.requests() / (double) iterations,
        calls,
        client / 1000.0 / iterations,
        (client - amt.serverNanos()) / 1000.0 / wsmanCalls,
        cpu / 1000.0 / wsmanCalls);
    if (amt.requests() != (long) iterations * calls) {
      throw new IllegalStateException(
          name + ": expected " + calls + " HTTP requests per operation");
    }
  }
}
