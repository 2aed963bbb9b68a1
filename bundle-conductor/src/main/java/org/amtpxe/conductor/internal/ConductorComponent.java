package org.amtpxe.conductor.internal;

import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.amtpxe.api.config.ConfigProblems;
import org.amtpxe.api.history.NodeHistory;
import org.amtpxe.conductor.internal.health.HealthRegistry;
import org.amtpxe.conductor.internal.health.HealthService;
import org.amtpxe.conductor.internal.metrics.MicrometerMeters;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.service.NodeHistoryService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conductor as a DS component: turns its configuration into a {@link ConductorRuntime} and
 * registers the {@link Conductor} for the shell commands. Starting and reconfiguring happen on the
 * component's own lifecycle thread, so activation never waits for the database or the network.
 *
 * <p>An invalid configuration is reported in one ERROR line ({@link ConfigProblems}). On a change,
 * the running configuration stays in force. At activation nothing runs until the file is fixed: the
 * defaults would open another database (H2 under ${karaf.data} instead of the configured one) and
 * serve the API where the operator did not ask for it. The component stays active, so the fixed
 * file reaches {@link #modified} and starts the conductor.
 */
@Component(
    immediate = true,
    service = {},
    configurationPid = ConductorConfig.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ConductorConfig.class)
public class ConductorComponent {
  /** What an invalid configuration leaves in force while no configuration was ever valid. */
  static final String NOT_STARTED = "the conductor does not start until then";

  private static final Logger LOG = LoggerFactory.getLogger(ConductorComponent.class);

  private final DriverRegistry drivers;
  private final MicrometerMeters meters;
  private final HealthRegistry healthChecks;
  private ServiceRegistration<HealthService> healthRegistration;
  private final BundleContext context;
  private final ExecutorService lifecycle;
  private final Path dataDir;
  private final Path etcDir;
  private ConductorRuntime runtime;
  // The last valid settings, set on SCR's thread (activate and modified are serialised by SCR).
  private ConductorSettings accepted;
  private ServiceRegistration<Conductor> registration;
  private NodeHistoryService history;
  private ServiceRegistration<NodeHistory> historyRegistration;

  @Activate
  public ConductorComponent(
      @Reference DriverRegistry drivers,
      @Reference MicrometerMeters meters,
      @Reference HealthRegistry healthChecks,
      BundleContext context,
      Map<String, Object> properties) {
    this.drivers = drivers;
    this.meters = meters;
    this.healthChecks = healthChecks;
    this.context = context;
    this.dataDir = Path.of(System.getProperty("karaf.data", "data"));
    this.etcDir = Path.of(System.getProperty("karaf.etc", "etc"));
    this.lifecycle =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "amtpxe-conductor-lifecycle");
              t.setDaemon(true);
              return t;
            });
    apply(properties);
  }

  @Modified
  void modified(Map<String, Object> properties) {
    apply(properties);
  }

  /** Checks the configuration and switches to it on the lifecycle thread, or logs why not. */
  private void apply(Map<String, ?> properties) {
    ConductorSettings settings;
    try {
      settings = ConductorSettings.from(properties, dataDir, etcDir);
    } catch (ConfigProblems.InvalidConfigurationException e) {
      LOG.error(e.report(accepted == null ? NOT_STARTED : ConfigProblems.PREVIOUS_STAYS));
      return;
    }
    accepted = settings;
    lifecycle.execute(() -> switchTo(settings));
  }

  /** Replaces the running runtime; falls back to the previous settings when the new ones fail. */
  private void switchTo(ConductorSettings settings) {
    ConductorSettings previous = runtime == null ? null : runtime.settings();
    if (settings.equals(previous)) {
      return;
    }
    stopRuntime();
    try {
      startRuntime(settings);
    } catch (Exception e) {
      LOG.error("The conductor cannot start with {}: {}", settings, e.getMessage());
      if (previous != null) {
        try {
          startRuntime(previous);
          LOG.warn("The conductor runs with its previous configuration again");
        } catch (Exception again) {
          LOG.error(
              "The conductor cannot restart with its previous configuration either: {}",
              again.getMessage());
        }
      }
    }
  }

  private void startRuntime(ConductorSettings settings) throws Exception {
    runtime = ConductorRuntime.start(settings, drivers, meters, healthChecks);
    registration = context.registerService(Conductor.class, runtime.service(), new Hashtable<>());
    healthRegistration =
        context.registerService(HealthService.class, runtime.health(), new Hashtable<>());
    // For the boot servers' notes of what they sent a node being deployed (its deploy steps).
    history = new NodeHistoryService(runtime.service().tasks());
    historyRegistration = context.registerService(NodeHistory.class, history, new Hashtable<>());
  }

  private void stopRuntime() {
    if (historyRegistration != null) {
      try {
        historyRegistration.unregister();
      } catch (IllegalStateException e) {
        // Already gone with the bundle.
      }
      historyRegistration = null;
    }
    if (history != null) {
      history.close();
      history = null;
    }
    if (healthRegistration != null) {
      try {
        healthRegistration.unregister();
      } catch (IllegalStateException e) {
        // Already gone with the bundle.
      }
      healthRegistration = null;
    }
    if (registration != null) {
      try {
        registration.unregister();
      } catch (IllegalStateException e) {
        // Already gone with the bundle.
      }
      registration = null;
    }
    if (runtime != null) {
      runtime.close();
      runtime = null;
    }
  }

  @Deactivate
  void deactivate() {
    lifecycle.execute(this::stopRuntime);
    lifecycle.shutdown();
    try {
      if (!lifecycle.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("The conductor did not stop within 30 s");
        lifecycle.shutdownNow();
      }
    } catch (InterruptedException e) {
      lifecycle.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
