package org.amtpxe.conductor.internal.metrics;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.util.HierarchicalNameMapper;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import org.amtpxe.api.metrics.Meters;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Meters} service on Micrometer: every meter goes to a Prometheus registry (scraped by
 * {@code GET /metrics}) and to a JMX registry (MBeans in the domain {@value #JMX_DOMAIN}). Lives as
 * long as the conductor's bundle, longer than one configuration of the conductor, so that counters
 * survive a reconfiguration and the driver bundles keep their binding.
 *
 * <p>Micrometer is embedded privately in this bundle (docs/observability.md#why-micrometer); no
 * Micrometer type leaves it.
 */
@Component(service = {Meters.class, MicrometerMeters.class})
public final class MicrometerMeters implements Meters, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MicrometerMeters.class);

  /** The JMX domain of the MBeans. */
  public static final String JMX_DOMAIN = "org.amtpxe";

  /** The Prometheus text format this registry writes (version 0.0.4). */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * The most meters (distinct name and tag sets) kept; beyond it new ones are dropped, so that a
   * tag with unbounded values cannot exhaust the memory or make a scrape huge.
   */
  public static final int MAX_METERS = 5000;

  /** Histogram buckets of {@link #timer}: a device's round trip up to a slow file transfer. */
  static final Duration[] REQUEST_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private static final Pattern NAME = Pattern.compile("amtpxe(\\.[a-z][a-z0-9_]*)+");
  private static final Pattern TAG_KEY = Pattern.compile("[a-z][a-z0-9_]*");

  private final PrometheusMeterRegistry prometheus;
  private final JmxMeterRegistry jmx;
  private final CompositeMeterRegistry registry;
  private final AtomicBoolean capWarned = new AtomicBoolean();

  /** The service: MBeans in the platform MBean server, where Karaf's JMX and jconsole see them. */
  public MicrometerMeters() {
    this(ManagementFactory.getPlatformMBeanServer());
  }

  /**
   * Meters whose MBeans go to this server.
   *
   * @param mbeans where the MBeans are registered; tests pass a server of their own
   */
  public MicrometerMeters(MBeanServer mbeans) {
    prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricRegistry dropwizard = new MetricRegistry();
    JmxReporter reporter =
        JmxReporter.forRegistry(dropwizard).inDomain(JMX_DOMAIN).registerWith(mbeans).build();
    jmx =
        new JmxMeterRegistry(
            JmxConfig.DEFAULT, Clock.SYSTEM, HierarchicalNameMapper.DEFAULT, dropwizard, reporter);
    registry = new CompositeMeterRegistry(Clock.SYSTEM);
    registry
        .config()
        .meterFilter(MeterFilter.maximumAllowableMetrics(MAX_METERS))
        .onMeterRegistrationFailed(
            (id, reason) -> {
              if (capWarned.compareAndSet(false, true)) {
                LOG.warn("A meter was not registered ({}): {}", id.getName(), reason);
              }
            });
    registry.add(prometheus);
    registry.add(jmx);
  }

  /** The registry the conductor's own meters are made in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The meters in Prometheus' text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return prometheus.scrape(CONTENT_TYPE);
  }

  @Override
  public Counter counter(String name, String description, String... tags) {
    io.micrometer.core.instrument.Counter c =
        io.micrometer.core.instrument.Counter.builder(check(name))
            .description(description)
            .tags(tags(tags))
            .register(registry);
    return new Counter() {
      @Override
      public void increment() {
        c.increment();
      }

      @Override
      public void increment(double amount) {
        if (amount > 0) {
          c.increment(amount);
        }
      }
    };
  }

  @Override
  public Timer timer(String name, String description, String... tags) {
    io.micrometer.core.instrument.Timer t = timer(name, description, REQUEST_BUCKETS, tags(tags));
    return duration -> {
      if (!duration.isNegative()) {
        t.record(duration);
      }
    };
  }

  /**
   * A timer with these histogram buckets, for the conductor's own durations.
   *
   * @throws IllegalArgumentException as {@link #counter}
   */
  io.micrometer.core.instrument.Timer timer(
      String name, String description, Duration[] buckets, Tags tags) {
    return io.micrometer.core.instrument.Timer.builder(check(name))
        .description(description)
        .tags(tags)
        .serviceLevelObjectives(buckets)
        .register(registry);
  }

  @Override
  public Registration gauge(String name, String description, DoubleSupplier value, String... tags) {
    Tags t = tags(tags);
    Meter.Id id = new Meter.Id(check(name), t, null, description, Meter.Type.GAUGE);
    // NOTE: a gauge registered again under the same id would keep reading the first source
    // (Micrometer returns the existing meter), so the old one is removed first.
    registry.remove(id);
    Meter gauge =
        io.micrometer.core.instrument.Gauge.builder(name, value, DoubleSupplier::getAsDouble)
            .description(description)
            .tags(t)
            .strongReference(true)
            .register(registry);
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) {
        registry.remove(gauge);
      }
    };
  }

  private static String check(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Meter name \""
              + name
              + "\" is not amtpxe. followed by lowercase words separated by dots (amtpxe.amt.requests)");
    }
    return name;
  }

  static Tags tags(String... pairs) {
    if (pairs.length % 2 != 0) {
      throw new IllegalArgumentException(
          "Tags come as key, value pairs; got " + pairs.length + " strings");
    }
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i] == null || !TAG_KEY.matcher(pairs[i]).matches()) {
        throw new IllegalArgumentException(
            "Tag key \"" + pairs[i] + "\" is not a lowercase word (operation, outcome)");
      }
      if (pairs[i + 1] == null) {
        throw new IllegalArgumentException("Tag " + pairs[i] + " has no value");
      }
    }
    return Tags.of(pairs);
  }

  /** Removes the MBeans and every meter. */
  @Deactivate
  @Override
  public void close() {
    registry.close();
    jmx.close();
    prometheus.close();
  }
}
