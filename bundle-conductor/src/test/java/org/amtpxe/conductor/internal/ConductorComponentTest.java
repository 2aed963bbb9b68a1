package org.amtpxe.conductor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The component's configuration handling, with a recording stand-in for the BundleContext. */
class ConductorComponentTest {
  @TempDir Path data;

  /** Services registered and still registered. */
  private final List<Object> registered = new CopyOnWriteArrayList<>();

  private BundleContext context() {
    return (BundleContext)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class},
            (proxy, method, args) -> {
              if (method.getName().equals("registerService")) {
                Object service = args[1];
                registered.add(service);
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
        new ConductorComponent(new DriverRegistry(), context(), Configs.of(config(0)));
    try {
      Conductor first = awaitService(null);
      first.nodes().nodes(org.amtpxe.conductor.internal.store.NodeQuery.all());

      component.modified(Configs.of(Map.of("api_port", -5, "sync_parallelism", 0)));
      component.modified(
          Configs.of(
              Map.of(
                  "worker_threads",
                  new IllegalArgumentException("SCR cannot convert \"abc\" to int"))));
      Thread.sleep(200);
      assertThat(registered).containsExactly(first);

      int port;
      try (var probe = new java.net.ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      component.modified(Configs.of(config(port)));
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
  void aStartFailureFallsBackToThePreviousConfiguration() throws Exception {
    ConductorComponent component =
        new ConductorComponent(new DriverRegistry(), context(), Configs.of(config(0)));
    try {
      Conductor first = awaitService(null);
      try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        Map<String, Object> clash = new java.util.HashMap<>(config(busy.getLocalPort()));
        clash.put("db_url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        component.modified(Configs.of(clash));
        Conductor again = awaitService(first);
        assertThat(again.nodes().host()).isEqualTo("component-test");
        assertThat(registered).hasSize(1);
      }
    } finally {
      component.deactivate();
    }
  }
}
