package org.amtpxe.conductor.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.api.health.Health;
import org.amtpxe.api.health.HealthCheck;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.task.Workers;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The health checks and their runner: each check's reasons, timeouts, concurrency. */
class HealthServiceTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private HealthService service;

  @AfterEach
  void stop() {
    release.countDown();
    if (service != null) {
      service.close();
    }
  }

  private static HealthCheck check(String name, java.util.function.Supplier<Health> body) {
    return new ConductorChecks.Check(name, body);
  }

  private HealthReport run(Duration timeout, HealthCheck... checks) {
    service = new HealthService(List.of(checks), List::of, timeout);
    return service.check();
  }

  @Test
  void aReachableDatabaseIsUpAndAClosedOneIsDownWithAReason() {
    Database db =
        Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 2);
    HealthCheck check = ConductorChecks.database(db, 1);
    assertThat(check.check()).isEqualTo(Health.up("h2 database reachable"));

    db.close();
    Health down = check.check();

    assertThat(down.status()).isEqualTo(Health.Status.DOWN);
    assertThat(down.reason())
        .startsWith("the h2 database cannot be reached: ")
        .endsWith("; check that it runs and db_url");
  }

  @Test
  void driversAreDownWhenNoneIsLoadedOrNoneIsAvailable() {
    DriverRegistry drivers = new DriverRegistry();
    HealthCheck check = ConductorChecks.drivers(drivers);
    assertThat(check.check())
        .isEqualTo(
            Health.down("no driver is loaded; install the feature amtpxe (it brings pxe_amt)"));

    FakeDriver fake = new FakeDriver("fake");
    drivers.addDriver(fake, java.util.Map.of());
    assertThat(check.check()).isEqualTo(Health.up("available: fake; pxe_amt is not loaded"));

    fake.setUnavailable("its bundle is stopping");
    assertThat(check.check())
        .isEqualTo(
            Health.down(
                "available: none; unavailable: fake (its bundle is stopping); pxe_amt is not"
                    + " loaded"));
  }

  @Test
  void workersAreDownWhenEveryPlaceIsTaken() throws ConductorException {
    Executor never = r -> {};
    Workers workers = new Workers(never, 2);
    HealthCheck check = ConductorChecks.workers(workers, () -> 1);
    assertThat(check.check()).isEqualTo(Health.up("0 of 2 places in use (1 waiting for a thread)"));

    try (Workers.Place a = workers.reserve("a");
        Workers.Place b = workers.reserve("b")) {
      Health full = check.check();
      assertThat(full.status()).isEqualTo(Health.Status.DOWN);
      assertThat(full.reason())
          .isEqualTo(
              "2 of 2 places in use (1 waiting for a thread): new operations are refused; wait,"
                  + " or raise worker_threads / worker_queue");
    }
  }

  @Test
  void theApiIsDownBeforeItStartsAndWhenItsConnectorIsClosed() {
    assertThat(ConductorChecks.api(() -> null, () -> false).check())
        .isEqualTo(Health.down("the API is not started"));
    assertThat(ConductorChecks.api(() -> "http://127.0.0.1:6385", () -> false).check())
        .isEqualTo(Health.down("the API connector on http://127.0.0.1:6385 is closed"));
    assertThat(ConductorChecks.api(() -> "http://127.0.0.1:6385", () -> true).check())
        .isEqualTo(Health.up("serving http://127.0.0.1:6385"));
  }

  @Test
  void theOverallStatusIsUpOnlyWhenEveryCheckIsUp() {
    HealthReport up = run(Duration.ofSeconds(1), check("b", () -> Health.up("fine")));
    assertThat(up.status()).isEqualTo(Health.Status.UP);

    service.close();
    HealthReport down =
        run(
            Duration.ofSeconds(1),
            check("b", () -> Health.up("fine")),
            check("a", () -> Health.down("broken")));
    assertThat(down.status()).isEqualTo(Health.Status.DOWN);
    assertThat(down.checks()).extracting(HealthReport.Entry::name).containsExactly("a", "b");
  }

  @Test
  void aCheckThatThrowsOrAnswersNothingIsDown() {
    HealthReport r =
        run(
            Duration.ofSeconds(1),
            check(
                "throws",
                () -> {
                  throw new IllegalStateException("disk on fire");
                }),
            check("null", () -> null));

    assertThat(r.checks())
        .extracting(e -> e.name() + ": " + e.health())
        .containsExactly(
            "null: " + Health.down("the check failed: the check returned nothing"),
            "throws: " + Health.down("the check failed: disk on fire"));
  }

  @Test
  void aHangingCheckIsDownAfterTheTimeoutAndIsNotStartedAgainWhileItHangs() {
    AtomicInteger started = new AtomicInteger();
    HealthCheck hangs =
        check(
            "db",
            () -> {
              started.incrementAndGet();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Health.up("late");
            });
    service = new HealthService(List.of(hangs), List::of, Duration.ofMillis(300));

    long t0 = System.nanoTime();
    HealthReport first = service.check();
    HealthReport second = service.check();
    long took = Duration.ofNanos(System.nanoTime() - t0).toMillis();

    assertThat(first.checks().get(0).health()).isEqualTo(Health.down("no answer within 300 ms"));
    assertThat(second.checks().get(0).health())
        .isEqualTo(Health.down("no answer within 300 ms (still running since an earlier request)"));
    assertThat(took).as("two requests, each bounded").isLessThan(1500);
    assertThat(started).hasValue(1);

    // Once released, the earlier run ends (a request at that moment may still take its result),
    // and the next request starts the check afresh.
    release.countDown();
    await(() -> service.check().isUp() && started.get() == 2);
    assertThat(started).hasValue(2);
  }

  @Test
  void checksRunConcurrently() {
    HealthCheck[] slow = new HealthCheck[4];
    for (int i = 0; i < slow.length; i++) {
      slow[i] =
          check(
              "slow-" + i,
              () -> {
                try {
                  Thread.sleep(400);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return Health.up("slept");
              });
    }

    long t0 = System.nanoTime();
    HealthReport r = run(Duration.ofSeconds(5), slow);
    long took = Duration.ofNanos(System.nanoTime() - t0).toMillis();

    assertThat(r.isUp()).isTrue();
    assertThat(took).as("4 checks of 400 ms at once").isLessThan(1200);
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
