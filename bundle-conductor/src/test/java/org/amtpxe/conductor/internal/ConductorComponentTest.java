package org.amtpxe.conductor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.MBeanServerFactory;
import org.amtpxe.conductor.internal.health.HealthRegistry;
import org.amtpxe.conductor.internal.metrics.MicrometerMeters;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.StderrCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The component's configuration handling, with a recording stand-in for the BundleContext. */
class ConductorComponentTest {
  @TempDir Path data;

  /** Services registered and still registered. */
  private final List<Object> registered = new CopyOnWriteArrayList<>();

  /** The bundle's meters, with their MBeans in a server of the test's own. */
  private static MicrometerMeters testMeters() {
    return new MicrometerMeters(MBeanServerFactory.newMBeanServer());
  }

  private BundleContext context() {
    return (BundleContext)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class},
            (proxy, method, args) -> {
              if (method.getName().equals("registerService")) {
                Object service = args[1];
                // The health checks go with the conductor; only the conductor is followed here.
                if (service instanceof Conductor) {
                  registered.add(service);
                }
                return Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {ServiceRegistration.class},
                    (p, m, a) -> {
                      if (m.getName().equals("unregister")) {
                        registered.remove(service);
                      }
                      return null;
                    });
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private Conductor awaitService(Object not) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (!registered.isEmpty() && registered.get(0) != not) {
        return (Conductor) registered.get(0);
      }
      Thread.sleep(25);
    }
    throw new AssertionError("no Conductor registered");
  }

  private Map<String, Object> config(int port) {
    return Map.of(
        "api_port",
        port,
        "host",
        "component-test",
        "db_url",
        "jdbc:h2:file:" + data.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE",
        "sync_interval",
        0);
  }

  @Test
  void invalidConfigurationKeepsTheRunningOneAndAValidOneReplacesIt() throws Exception {
    System.setProperty("karaf.data", data.toString());
    ConductorComponent component =
        new ConductorComponent(
            new DriverRegistry(), testMeters(), new HealthRegistry(), context(), config(0));
    try {
      Conductor first = awaitService(null);
      first.nodes().nodes(org.amtpxe.conductor.internal.store.NodeQuery.all());

      String log =
          StderrCapture.of(
              () -> {
                component.modified(Map.of("api_port", -5, "sync_parallelism", 0));
                component.modified(Map.of("worker_threads", "abc", "db_password", "hunter2"));
              });
      Thread.sleep(200);
      assertThat(registered).containsExactly(first);
      assertThat(log.lines().filter(l -> l.contains("ERROR"))).hasSize(2);
      assertThat(log)
          .contains(
              "Invalid configuration org.amtpxe.conductor: api_port=-5: must be an integer in"
                  + " 0-65535; sync_parallelism=0: must be an integer in 1-2147483647. Fix"
                  + " etc/org.amtpxe.conductor.cfg; the previous configuration stays in force.")
          .contains(
              "Invalid configuration org.amtpxe.conductor: worker_threads=abc: must be an integer"
                  + " in 1-2147483647. Fix etc/org.amtpxe.conductor.cfg; the previous"
                  + " configuration stays in force.")
          .doesNotContain("hunter2");

      int port;
      try (var probe = new java.net.ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      component.modified(config(port));
      Conductor second = awaitService(first);
      assertThat(second).isNotSameAs(first);
      assertThat(new Http("http://127.0.0.1:" + port).get("/v1").status()).isEqualTo(200);
    } finally {
      component.deactivate();
      System.clearProperty("karaf.data");
    }
    assertThat(registered).isEmpty();
  }

  @Test
  void anInvalidFileAtActivationStartsNothingUntilItIsFixed() throws Exception {
    Map<String, Object> bad = new HashMap<>(config(0));
    bad.put("api_port", "port-six");
    ConductorComponent[] component = new ConductorComponent[1];
    String log =
        StderrCapture.of(
            () ->
                component[0] =
                    new ConductorComponent(
                        new DriverRegistry(), testMeters(), new HealthRegistry(), context(), bad));
    try {
      assertThat(log)
          .contains(
              "Invalid configuration org.amtpxe.conductor: api_port=port-six: must be an integer"
                  + " in 0-65535. Fix etc/org.amtpxe.conductor.cfg; the conductor does not start"
                  + " until then.");
      // Still nothing valid: the report says so again, not that a previous one stays.
      bad.put("sync_timeout", 0);
      log = StderrCapture.of(() -> component[0].modified(bad));
      assertThat(log)
          .contains("sync_timeout=0: must be an integer in 1-2147483647")
          .contains("the conductor does not start until then.");
      Thread.sleep(200);
      assertThat(registered).isEmpty();

      component[0].modified(config(0));
      Conductor started = awaitService(null);
      assertThat(started.nodes().host()).isEqualTo("component-test");
    } finally {
      component[0].deactivate();
    }
    assertThat(registered).isEmpty();
  }

  @Test
  void aStartFailureFallsBackToThePreviousConfiguration() throws Exception {
    ConductorComponent component =
        new ConductorComponent(
            new DriverRegistry(), testMeters(), new HealthRegistry(), context(), config(0));
    try {
      Conductor first = awaitService(null);
      try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        Map<String, Object> clash = new java.util.HashMap<>(config(busy.getLocalPort()));
        clash.put("db_url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        component.modified(clash);
        Conductor again = awaitService(first);
        assertThat(again.nodes().host()).isEqualTo("component-test");
        assertThat(registered).hasSize(1);
      }
    } finally {
      component.deactivate();
    }
  }
}
