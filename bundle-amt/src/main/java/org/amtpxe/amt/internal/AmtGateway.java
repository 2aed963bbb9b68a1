package org.amtpxe.amt.internal;

import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.amtpxe.amt.internal.wsman.AmtEndpoint;
import org.amtpxe.amt.internal.wsman.AmtHosts;
import org.amtpxe.amt.internal.wsman.BundleTccl;
import org.amtpxe.amt.internal.wsman.WakeLog;
import org.amtpxe.amt.internal.wsman.WakeProbe;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.amt.internal.wsman.WsmanMeters;
import org.amtpxe.api.config.ConfigProblems;
import org.amtpxe.api.config.TypedConfig;
import org.amtpxe.api.error.DriverUnavailableException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.metrics.Meters;
import org.amtpxe.api.model.Node;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundle's way to the AMTs: holds the configuration (PID {@value #PID}, applied on change
 * without reactivation) and the per-AMT state (locks, HTTP clients, Digest state, wake-up times),
 * shared by the power and management components and the shell commands. Counts the driver calls
 * running through it, so that a stopping driver (bundle update or removal) lets them finish, within
 * {@code drain_timeout}, before it closes their HTTP clients.
 */
@Component(service = AmtGateway.class, configurationPid = AmtGateway.PID)
@Designate(ocd = AmtConfig.class)
public final class AmtGateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AmtGateway.class);

  /** The configuration PID. */
  public static final String PID = "org.amtpxe.amt";

  /** The file in the bundle's data area that keeps the wake-up times across updates. */
  static final String WAKE_FILE = "amt-wake.properties";

  private final AmtHosts hosts;
  private volatile AmtSettings settings;
  // The metrics service while one is registered; bound and unbound without reactivation.
  private volatile Meters meters;

  private final Object calls = new Object();
  // Guarded by calls.
  private int running;
  private boolean stopping;

  /**
   * Activates with the configuration; a bad one is logged and the defaults are used.
   *
   * @param properties the component properties, read through {@link AmtSettings#from} (not as an
   *     {@link AmtConfig} built by SCR: see {@link TypedConfig} for why)
   */
  @Activate
  public AmtGateway(Map<String, Object> properties, BundleContext context) {
    this(AmtSettings.defaults(), wakeLog(context), Clock.systemUTC(), WakeProbe.TCP);
    apply(properties, "the defaults are in force until then");
  }

  /**
   * A gateway outside OSGi (tests, tools).
   *
   * @param settings the configuration
   * @param wakeLog where wake-up times are kept
   * @param clock the wall clock
   * @param probe how AMTs are woken
   */
  public AmtGateway(AmtSettings settings, WakeLog wakeLog, Clock clock, WakeProbe probe) {
    this.settings = settings;
    this.hosts = new AmtHosts(wakeLog, clock, probe, new WsmanMeters(() -> meters));
  }

  /**
   * Binds the metrics service. Optional and dynamic: the driver works without it, and the service
   * (the conductor's bundle) may come, go or be replaced while AMT calls run.
   */
  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      unbind = "unbindMeters")
  public void bindMeters(Meters meters) {
    synchronized (calls) {
      this.meters = meters;
    }
  }

  /** Unbinds the metrics service, unless another one replaced it already. */
  public void unbindMeters(Meters old) {
    synchronized (calls) {
      if (meters == old) {
        meters = null;
      }
    }
  }

  private static WakeLog wakeLog(BundleContext context) {
    File file = context == null ? null : context.getDataFile(WAKE_FILE);
    return file == null ? WakeLog.inMemory() : WakeLog.persistent(file.toPath());
  }

  /** Applies a changed configuration; a bad one is logged and the current one stays. */
  @Modified
  void modified(Map<String, Object> properties) {
    apply(properties, ConfigProblems.PREVIOUS_STAYS);
  }

  /**
   * Validates and applies a configuration.
   *
   * @param consequence what the report says is in force when it is refused
   * @return false when it was refused (one ERROR line names each bad key, its value and what is
   *     allowed)
   */
  private boolean apply(Map<String, Object> properties, String consequence) {
    try {
      settings = AmtSettings.from(properties);
      return true;
    } catch (ConfigProblems.InvalidConfigurationException e) {
      LOG.error(e.report(consequence));
      return false;
    }
  }

  /**
   * Runs one driver call: counted while it runs, with the bundle's context class loader.
   *
   * @throws DriverUnavailableException when the driver is stopping: nothing was sent; the caller
   *     may retry with the driver that replaces this one
   */
  public <T, E extends Exception> T call(BundleTccl.Body<T, E> body)
      throws E, DriverUnavailableException {
    synchronized (calls) {
      if (stopping) {
        throw new DriverUnavailableException(
            "The AMT driver is stopping (bundle update or removal) and accepts no new calls;"
                + " retry with the AMT driver that replaces it.");
      }
      running++;
    }
    try {
      return BundleTccl.call(body);
    } finally {
      synchronized (calls) {
        if (--running == 0) {
          calls.notifyAll();
        }
      }
    }
  }

  /**
   * Refuses new calls, waits up to {@code drain_timeout} for the running ones to finish, then
   * closes the HTTP clients and stores the wake-up times.
   */
  @Deactivate
  @Override
  public void close() {
    Duration timeout = settings.drainTimeout();
    long start = System.nanoTime();
    int before;
    int left;
    synchronized (calls) {
      stopping = true;
      before = running;
      if (running > 0) {
        LOG.info(
            "AMT driver stopping: waiting up to {} ms for {} running AMT calls",
            timeout.toMillis(),
            running);
      }
      long deadline = start + timeout.toNanos();
      try {
        while (running > 0 && deadline - System.nanoTime() > 0) {
          TimeUnit.NANOSECONDS.timedWait(calls, deadline - System.nanoTime());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      left = running;
    }
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (left > 0) {
      LOG.warn(
          "AMT driver stopping: {} AMT calls still running after {} ms (drain_timeout);"
              + " they fail at their next AMT request",
          left,
          waited);
    } else if (before > 0) {
      LOG.info("AMT driver stopping: running AMT calls finished after {} ms", waited);
    }
    hosts.close();
  }

  /** The driver calls running now. */
  int runningCalls() {
    synchronized (calls) {
      return running;
    }
  }

  /** The configuration in force; read it once per operation for a consistent view. */
  public AmtSettings settings() {
    return settings;
  }

  /**
   * A WS-Man client for a node's AMT, from its driver_info.
   *
   * @throws org.amtpxe.api.error.InvalidParameterValueException when driver_info is incomplete or
   *     wrong
   */
  public WsmanClient client(Node node, AmtSettings settings) throws InvalidParameterValueException {
    return client(AmtDriverInfo.parse(node, settings.protocol()), settings);
  }

  /** A WS-Man client for one AMT under the given settings. */
  public WsmanClient client(AmtEndpoint endpoint, AmtSettings settings) {
    return new WsmanClient(hosts.transport(endpoint, settings.transport()), endpoint);
  }
}
