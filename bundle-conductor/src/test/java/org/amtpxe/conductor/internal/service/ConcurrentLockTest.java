package org.amtpxe.conductor.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.Test;

/** The exclusive lock under real concurrency: one operation wins, the others are told to retry. */
class ConcurrentLockTest {
  @Test
  void concurrentPowerRequestsGetExactlyOneLock() throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(4);
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try (TestConductor c = new TestConductor(workers)) {
      Node n = c.enroll("contended");
      c.driver.setPowerDelay(Duration.ofMillis(300));
      CountDownLatch go = new CountDownLatch(1);
      List<Future<ConductorException.Kind>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(
            clients.submit(
                () -> {
                  go.await();
                  try {
                    c.service.power().changePowerState(n.uuid(), PowerState.POWER_ON, null);
                    return null;
                  } catch (ConductorException e) {
                    return e.kind();
                  }
                }));
      }
      go.countDown();
      int accepted = 0;
      int locked = 0;
      for (Future<ConductorException.Kind> f : results) {
        ConductorException.Kind k = f.get(10, TimeUnit.SECONDS);
        if (k == null) {
          accepted++;
        } else if (k == ConductorException.Kind.LOCKED) {
          locked++;
        }
      }
      assertThat(accepted).isEqualTo(1);
      assertThat(locked).isEqualTo(7);

      for (int i = 0; i < 100 && c.reload(n).reservation() != null; i++) {
        Thread.sleep(20);
      }
      assertThat(c.reload(n).reservation()).isNull();
      assertThat(c.reload(n).powerState()).isEqualTo(PowerState.POWER_ON);
      assertThat(c.driver.calls("power.set")).hasSize(1);
    } finally {
      clients.shutdownNow();
      workers.shutdownNow();
    }
  }
}
