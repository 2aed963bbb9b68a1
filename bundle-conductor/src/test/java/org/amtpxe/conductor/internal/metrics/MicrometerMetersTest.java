package org.amtpxe.conductor.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.amtpxe.api.metrics.Meters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Meters service: what it writes for Prometheus, what it registers in JMX, what it refuses. */
class MicrometerMetersTest {
  private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
  private final MicrometerMeters meters = new MicrometerMeters(mbeans);

  @AfterEach
  void close() {
    meters.close();
  }

  @Test
  void aCounterMovesInTheScrapeWithItsTagsAndHelp() {
    Meters.Counter c =
        meters.counter("amtpxe.test.things", "Things done", "outcome", "ok", "server", "tftp");
    c.increment();
    c.increment(41);
    c.increment(-5);

    String text = meters.scrape();

    assertThat(text)
        .contains("# HELP amtpxe_test_things_total Things done")
        .contains("# TYPE amtpxe_test_things_total counter")
        .contains("amtpxe_test_things_total{outcome=\"ok\",server=\"tftp\"} 42.0");
  }

  @Test
  void aTimerIsAHistogramInSecondsWithFixedBuckets() {
    Meters.Timer t = meters.timer("amtpxe.test.calls", "Calls", "operation", "get");
    t.record(Duration.ofMillis(7));
    t.record(Duration.ofMillis(300));

    String text = meters.scrape();

    assertThat(text)
        .contains("# TYPE amtpxe_test_calls_seconds histogram")
        .contains("amtpxe_test_calls_seconds_bucket{operation=\"get\",le=\"0.005\"} 0")
        .contains("amtpxe_test_calls_seconds_bucket{operation=\"get\",le=\"0.01\"} 1")
        .contains("amtpxe_test_calls_seconds_bucket{operation=\"get\",le=\"0.5\"} 2")
        .contains("amtpxe_test_calls_seconds_bucket{operation=\"get\",le=\"+Inf\"} 2")
        .contains("amtpxe_test_calls_seconds_count{operation=\"get\"} 2");
    assertThat(text.lines().filter(l -> l.startsWith("amtpxe_test_calls_seconds_bucket")))
        .as("the 13 buckets and +Inf, no more")
        .hasSize(MicrometerMeters.REQUEST_BUCKETS.length + 1);
  }

  @Test
  void aGaugeIsReadAtEachScrapeAndGoesAwayWhenClosed() {
    AtomicInteger depth = new AtomicInteger(3);
    Meters.Registration g = meters.gauge("amtpxe.test.depth", "Depth", depth::get, "pool", "a");
    assertThat(meters.scrape()).contains("amtpxe_test_depth{pool=\"a\"} 3.0");

    depth.set(9);
    assertThat(meters.scrape()).contains("amtpxe_test_depth{pool=\"a\"} 9.0");

    g.close();
    g.close();
    assertThat(meters.scrape()).doesNotContain("amtpxe_test_depth");
  }

  @Test
  void aGaugeRegisteredAgainReadsItsNewSource() {
    meters.gauge("amtpxe.test.depth", "Depth", () -> 1, "pool", "a");
    meters.gauge("amtpxe.test.depth", "Depth", () -> 2, "pool", "a");

    assertThat(meters.scrape()).contains("amtpxe_test_depth{pool=\"a\"} 2.0");
  }

  @Test
  void theMetersAreMBeansInTheProjectsDomainUntilClosed() throws Exception {
    meters.counter("amtpxe.test.things", "Things done", "outcome", "ok").increment(2);
    meters.timer("amtpxe.test.calls", "Calls").record(Duration.ofMillis(5));

    assertThat(mbeans.queryNames(new ObjectName(MicrometerMeters.JMX_DOMAIN + ":*"), null))
        .extracting(ObjectName::toString)
        .anyMatch(n -> n.contains("amtpxeTestThings") && n.contains("outcome.ok"))
        .anyMatch(n -> n.contains("amtpxeTestCalls"));
    ObjectName counter =
        mbeans.queryNames(new ObjectName(MicrometerMeters.JMX_DOMAIN + ":*"), null).stream()
            .filter(n -> n.toString().contains("amtpxeTestThings"))
            .findFirst()
            .orElseThrow();
    assertThat(mbeans.getAttribute(counter, "Count")).isEqualTo(2L);

    meters.close();
    assertThat(mbeans.queryNames(new ObjectName(MicrometerMeters.JMX_DOMAIN + ":*"), null))
        .isEmpty();
  }

  @Test
  void badNamesAndTagsAreRefusedWithTheRule() {
    assertThatThrownBy(() -> meters.counter("things", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amtpxe. followed by lowercase words");
    assertThatThrownBy(() -> meters.counter("amtpxe.Things", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> meters.counter("amtpxe.things", "x", "outcome"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key, value pairs");
    assertThatThrownBy(() -> meters.timer("amtpxe.things", "x", "Outcome", "ok"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Tag key");
    assertThatThrownBy(() -> meters.timer("amtpxe.things", "x", "outcome", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no value");
  }

  @Test
  void metersBeyondTheCapAreDroppedNotKept() {
    for (int i = 0; i < MicrometerMeters.MAX_METERS + 100; i++) {
      meters.counter("amtpxe.test.flood", "Flood", "n", Integer.toString(i)).increment();
    }

    long series = meters.scrape().lines().filter(l -> l.startsWith("amtpxe_test_flood")).count();

    assertThat(series).isEqualTo(MicrometerMeters.MAX_METERS);
  }
}
