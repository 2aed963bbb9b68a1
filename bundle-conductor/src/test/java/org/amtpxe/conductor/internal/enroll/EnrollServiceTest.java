package org.amtpxe.conductor.internal.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.enroll.EnrollService.Outcome;
import org.amtpxe.conductor.internal.enroll.EnrollService.Report;
import org.amtpxe.conductor.internal.enroll.EnrollService.Result;
import org.amtpxe.conductor.internal.enroll.EnrollService.Target;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnrollServiceTest {
  private final TestConductor c = new TestConductor(Executors.newCachedThreadPool());
  private final InspectingDriver driver = new InspectingDriver();

  EnrollServiceTest() {
    c.load(driver);
  }

  @AfterEach
  void close() {
    c.close();
  }

  private Report enroll(List<String> addresses, Map<String, Object> driverInfo, int parallelism)
      throws ConductorException {
    List<Target> targets = addresses.stream().map(a -> new Target(a, Map.of())).toList();
    return c.service
        .enroll()
        .enroll(
            new EnrollService.Request(driver.name(), driverInfo, targets, parallelism, null),
            (done, total, counts) -> {});
  }

  private static Result of(Report report, String address) {
    return report.results().stream().filter(r -> r.address().equals(address)).findFirst().get();
  }

  @Test
  void machinesThatAnswerAreEnrolledInspectedAndNamedTheOthersAreReported() throws Exception {
    driver.machine("10.0.0.1", "pw", "desk-01", "52:54:00:00:00:01");
    driver.machine("10.0.0.2", "pw", "desk-02.office.example", "52:54:00:00:00:02");
    driver.machine("10.0.0.3", "other", "desk-03", "52:54:00:00:00:03");
    Node existing =
        c.service
            .nodes()
            .createNode(
                Node.builder(java.util.UUID.randomUUID().toString(), driver.name())
                    .name("old-node")
                    .driverInfo(Map.of("fake_address", "10.0.0.9", "fake_password", "pw"))
                    .build());

    Report report =
        enroll(
            List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.9"),
            Map.of("fake_password", "pw"),
            4);

    assertThat(report.counts())
        .containsEntry(Outcome.ENROLLED, 2)
        .containsEntry(Outcome.WRONG_CREDENTIALS, 1)
        .containsEntry(Outcome.UNREACHABLE, 1)
        .containsEntry(Outcome.ALREADY_ENROLLED, 1);
    assertThat(report.results())
        .extracting(Result::address)
        .containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.9");
    Node desk1 = c.service.nodes().node("desk-01");
    assertThat(desk1.provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(desk1.driverInfo()).containsEntry("fake_address", "10.0.0.1");
    assertThat(desk1.powerState()).isNotNull();
    assertThat(desk1.properties()).containsEntry("cpus", 4).containsEntry("memory_mb", 8192);
    assertThat(c.service.nodes().portsOf(desk1))
        .extracting(p -> p.address().toString())
        .containsExactly("52:54:00:00:00:01");
    assertThat(of(report, "10.0.0.1").ports()).containsExactly("52:54:00:00:00:01");
    assertThat(of(report, "10.0.0.2").name()).as("named without the domain").isEqualTo("desk-02");
    assertThat(of(report, "10.0.0.3").message()).contains("tried once and will not be tried again");
    assertThat(of(report, "10.0.0.9").node()).isEqualTo(existing.uuid());
    assertThat(driver.probes("10.0.0.9")).as("an enrolled address is not contacted").isZero();
    assertThat(report.results().toString()).doesNotContain("pw");
  }

  @Test
  void aWrongPasswordIsTriedOnceEvenWhenEnrolledAgainInTheSameRequest() throws Exception {
    driver.machine("10.0.0.3", "right", "desk-03", "52:54:00:00:00:03");

    Report report = enroll(List.of("10.0.0.3"), Map.of("fake_password", "wrong"), 1);

    assertThat(of(report, "10.0.0.3").outcome()).isEqualTo(Outcome.WRONG_CREDENTIALS);
    assertThat(driver.probes("10.0.0.3")).isEqualTo(1);
    assertThat(c.service.nodes().find("desk-03")).isEmpty();
  }

  @Test
  void aSecondEnrollmentOfTheSameRangeEnrollsNothingTwice() throws Exception {
    for (int i = 1; i <= 20; i++) {
      driver.machine("10.0.1." + i, "pw", "desk-" + i, String.format("52:54:00:00:01:%02x", i));
    }
    List<String> range = AddressList.expand("10.0.1.1-20");

    Report first = enroll(range, Map.of("fake_password", "pw"), 8);
    Report second = enroll(range, Map.of("fake_password", "pw"), 8);

    assertThat(first.counts()).containsEntry(Outcome.ENROLLED, 20);
    assertThat(second.counts()).containsEntry(Outcome.ALREADY_ENROLLED, 20);
    assertThat(c.service.nodes().nodes(NodeQuery.all())).hasSize(20);
  }

  @Test
  void twoEnrollmentsOfTheSameRangeAtOnceEnrollEachMachineOnce() throws Exception {
    machines(30);
    driver.probeTime(Duration.ofMillis(100));

    List<Report> reports = enrollTogether(c, c, AddressList.expand("10.0.2.1-30"));

    assertOnceEach(reports, c, 30);
  }

  @Test
  void twoConductorsEnrollingTheSameRangeAtOnceOnOnePostgresEnrollEachMachineOnce()
      throws Exception {
    assumeTrue(TestPostgres.configured(), "no PostgreSQL");
    TestPostgres.openEmpty(1).close();
    var pool = Executors.newCachedThreadPool();
    try (TestConductor a = onPostgres(pool);
        TestConductor b = onPostgres(pool)) {
      machines(30);
      driver.probeTime(Duration.ofMillis(100));

      List<Report> reports = enrollTogether(a, b, AddressList.expand("10.0.2.1-30"));

      assertOnceEach(reports, a, 30);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAddressIsFreeAgainOnceItsNodeIsDeletedOrGivenAnotherAddress() throws Exception {
    machines(2);
    Report first = enroll(List.of("10.0.2.1", "10.0.2.2"), Map.of("fake_password", "pw"), 2);
    assertThat(first.counts()).containsEntry(Outcome.ENROLLED, 2);
    c.service.nodes().deleteNode("desk-1");
    c.service
        .nodes()
        .updateNode(
            "desk-2",
            n -> {
              Map<String, Object> info = new java.util.HashMap<>(n.driverInfo());
              info.put("fake_address", "10.0.2.200");
              return n.toBuilder().driverInfo(info).build();
            });
    // desk-2 now answers at its new address: its ports would clash, so the machine is renamed.
    driver.machine("10.0.2.2", "pw", "desk-2b", "52:54:00:00:02:99");

    Report again = enroll(List.of("10.0.2.1", "10.0.2.2"), Map.of("fake_password", "pw"), 2);

    assertThat(again.counts()).as(again.results().toString()).containsEntry(Outcome.ENROLLED, 2);
    assertThat(c.service.nodes().node("desk-2").driverInfo())
        .containsEntry("fake_address", "10.0.2.200");
    assertThat(c.service.nodes().node("desk-2b").driverInfo())
        .containsEntry("fake_address", "10.0.2.2");
  }

  private TestConductor onPostgres(Executor pool) {
    TestConductor t =
        new TestConductor(TestPostgres.url(), TestPostgres.user(), TestPostgres.password(), pool);
    t.load(driver);
    return t;
  }

  private void machines(int n) {
    for (int i = 1; i <= n; i++) {
      driver.machine("10.0.2." + i, "pw", "desk-" + i, String.format("52:54:00:00:02:%02x", i));
    }
  }

  /** Starts the same enrollment on both conductors at once; returns both reports. */
  private List<Report> enrollTogether(TestConductor one, TestConductor two, List<String> range)
      throws Exception {
    List<Target> targets = range.stream().map(a -> new Target(a, Map.of())).toList();
    var start = new CountDownLatch(1);
    var pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Report>> futures = new ArrayList<>();
      for (TestConductor t : List.of(one, two)) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return t.service
                      .enroll()
                      .enroll(
                          new EnrollService.Request(
                              driver.name(), Map.of("fake_password", "pw"), targets, 8, null),
                          (done, total, counts) -> {});
                }));
      }
      start.countDown();
      List<Report> reports = new ArrayList<>();
      for (var f : futures) {
        reports.add(f.get(60, TimeUnit.SECONDS));
      }
      return reports;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertOnceEach(List<Report> reports, TestConductor c, int machines) {
    List<Node> all = c.service.nodes().nodes(NodeQuery.all());
    assertThat(all).as("one node per machine").hasSize(machines);
    assertThat(all).extracting(n -> n.driverInfo().get("fake_address")).doesNotHaveDuplicates();
    int enrolled = 0;
    for (Report r : reports) {
      enrolled += r.counts().get(Outcome.ENROLLED);
      assertThat(r.counts().get(Outcome.FAILED)).as(r.results().toString()).isZero();
    }
    assertThat(enrolled).as("each machine enrolled by one of the two").isEqualTo(machines);
    for (Result r : reports.get(1).results()) {
      if (r.outcome() == Outcome.ALREADY_ENROLLED) {
        assertThat(r.node()).as("names the node the other enrollment made").isNotNull();
        assertThat(r.message()).contains("already has this address");
      }
    }
    for (Node n : all) {
      assertThat(c.service.nodes().portsOf(n)).as("ports of " + n.name()).hasSize(1);
    }
  }

  @Test
  void aTakenHostNameLeavesTheNodeUnnamedAndSaysSo() throws Exception {
    c.enroll("desk-01"); // the fake driver's node, at 10.0.0.1
    driver.machine("10.0.0.5", "pw", "desk-01", "52:54:00:00:00:01");
    driver.machine("10.0.0.2", "pw", "bad name!", "52:54:00:00:00:02");

    Report report = enroll(List.of("10.0.0.5", "10.0.0.2"), Map.of("fake_password", "pw"), 2);

    assertThat(of(report, "10.0.0.5").outcome()).isEqualTo(Outcome.ENROLLED);
    assertThat(of(report, "10.0.0.5").name()).isNull();
    assertThat(of(report, "10.0.0.5").message()).contains("name desk-01 is taken");
    assertThat(of(report, "10.0.0.2").message()).contains("is not a valid node name");
  }

  @Test
  void progressIsReportedOncePerAddress() throws Exception {
    List<String> lines = new ArrayList<>();
    c.service
        .enroll()
        .enroll(
            new EnrollService.Request(
                driver.name(),
                Map.of("fake_password", "pw"),
                List.of(new Target("10.0.0.1", Map.of()), new Target("10.0.0.2", Map.of())),
                2,
                null),
            (done, total, counts) -> lines.add(done + "/" + total));
    assertThat(lines).containsExactlyInAnyOrder("1/2", "2/2");
  }

  @Test
  void badRequestsFailBeforeAnyAddressIsContacted() {
    assertThatThrownBy(() -> enroll(List.of("10.0.0.1"), Map.of(), 0))
        .hasMessageContaining("parallelism must be between 1 and 128");
    c.driver.setInspectable(false);
    assertThatThrownBy(
            () ->
                c.service
                    .enroll()
                    .enroll(
                        new EnrollService.Request(
                            "fake", Map.of(), List.of(new Target("10.0.0.1", Map.of())), 1, null),
                        (d, t, n) -> {}))
        .as("the plain fake driver cannot inspect")
        .hasMessageContaining("does not support inspection");
    assertThat(driver.probes("10.0.0.1")).isZero();
  }
}
