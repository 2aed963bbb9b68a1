package org.amtpxe.pxe.internal.driver;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.DeployInterface;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.error.DriverUnavailableException;
import org.amtpxe.pxe.internal.NetbootService;
import org.amtpxe.pxe.internal.config.PxeConfig;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code pxe_amt} driver: AMT power and management (services from the AMT bundle, with {@code
 * driver=amt}) and the PXE deploy. The AMT services are dynamic, greedy, optional references looked
 * up per call, so installing or updating the AMT bundle never restarts this component. While none
 * is present, a call waits up to {@code amt_wait} seconds (PID {@value PxeConfig#PID}) after the
 * services went missing, which covers the gap of a bundle update; after that, power and management
 * calls fail with {@link DriverUnavailableException}.
 */
@Component(
    service = BareMetalDriver.class,
    property = BareMetalDriver.NAME_PROPERTY + "=pxe_amt",
    configurationPid = PxeConfig.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class PxeAmtDriver implements BareMetalDriver {
  private static final Logger LOG = LoggerFactory.getLogger(PxeAmtDriver.class);

  /** The driver name. */
  public static final String NAME = "pxe_amt";

  /** The configuration key of the wait for AMT services, in seconds. */
  static final String AMT_WAIT = "amt_wait";

  /** The default {@value #AMT_WAIT}: longer than bundle-amt's default drain_timeout (30 s). */
  static final Duration DEFAULT_AMT_WAIT = Duration.ofSeconds(40);

  static final String UNAVAILABLE =
      "the AMT driver bundle is not installed or not active; install feature amtpxe-amt";

  private final AmtServices<PowerInterface> powers = new AmtServices<>();
  private final AmtServices<ManagementInterface> managements = new AmtServices<>();
  private final PowerInterface power =
      new AmtPowerDelegate(
          () -> await(powers).orElseThrow(PxeAmtDriver::unavailable), powers::best);
  private final ManagementInterface management =
      new AmtManagementDelegate(
          () -> await(managements).orElseThrow(PxeAmtDriver::unavailable), managements::best);
  private final DeployInterface deploy;

  /** Notified whenever an AMT service arrives. */
  private final Object arrivals = new Object();

  private volatile Duration amtWait;
  // System.nanoTime() when an AMT service type was last found missing (or the driver started).
  private volatile long missingSince = System.nanoTime();

  @Activate
  public PxeAmtDriver(@Reference NetbootService netboot, Map<String, Object> properties) {
    this(netboot.deploy(), DEFAULT_AMT_WAIT);
    modified(properties);
  }

  /** A driver that fails at once while no AMT service is present. */
  PxeAmtDriver(DeployInterface deploy) {
    this(deploy, Duration.ZERO);
  }

  PxeAmtDriver(DeployInterface deploy, Duration amtWait) {
    this.deploy = deploy;
    this.amtWait = amtWait;
  }

  /** Applies {@value #AMT_WAIT}; a bad value is logged and the current one stays. */
  @Modified
  void modified(Map<String, Object> properties) {
    Object raw = properties.get(AMT_WAIT);
    if (raw == null) {
      amtWait = DEFAULT_AMT_WAIT;
      return;
    }
    try {
      int seconds = Integer.parseInt(String.valueOf(raw).trim());
      if (seconds >= 0 && seconds <= 600) {
        amtWait = Duration.ofSeconds(seconds);
        return;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LOG.error(
        "Invalid configuration {}: {}='{}' is not an integer in 0-600 (seconds). The previous"
            + " value, {} s, stays in force.",
        PxeConfig.PID,
        AMT_WAIT,
        raw,
        amtWait.toSeconds());
  }

  /** The wait for AMT services in force. */
  Duration amtWait() {
    return amtWait;
  }

  @Reference(
      service = PowerInterface.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      target = "(" + PowerInterface.DRIVER_PROPERTY + "=amt)")
  void bindPower(PowerInterface service, Map<String, Object> properties) {
    powers.add(service, properties);
    arrived();
  }

  void unbindPower(PowerInterface service, Map<String, Object> properties) {
    powers.remove(properties);
    if (powers.best().isEmpty()) {
      missingSince = System.nanoTime();
    }
  }

  @Reference(
      service = ManagementInterface.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      target = "(" + PowerInterface.DRIVER_PROPERTY + "=amt)")
  void bindManagement(ManagementInterface service, Map<String, Object> properties) {
    managements.add(service, properties);
    arrived();
  }

  void unbindManagement(ManagementInterface service, Map<String, Object> properties) {
    managements.remove(properties);
    if (managements.best().isEmpty()) {
      missingSince = System.nanoTime();
    }
  }

  private void arrived() {
    synchronized (arrivals) {
      arrivals.notifyAll();
    }
  }

  /**
   * The best service present; while there is none, waits for one until {@code amt_wait} after the
   * services went missing. The deadline is fixed by the moment they went missing, not by the call,
   * so a removed AMT bundle delays every caller together by at most {@code amt_wait}.
   */
  private <S> Optional<S> await(AmtServices<S> services) {
    Optional<S> best = services.best();
    if (best.isPresent()) {
      return best;
    }
    long deadline = missingSince + amtWait.toNanos();
    synchronized (arrivals) {
      while ((best = services.best()).isEmpty() && deadline - System.nanoTime() > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(arrivals, deadline - System.nanoTime());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return services.best();
        }
      }
    }
    return best;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PowerInterface power() {
    return power;
  }

  @Override
  public ManagementInterface management() {
    return management;
  }

  @Override
  public DeployInterface deploy() {
    return deploy;
  }

  /** Waits, like a call, for AMT services missing for less than {@code amt_wait}. */
  @Override
  public Optional<String> unavailableReason() {
    if (await(powers).isEmpty() || await(managements).isEmpty()) {
      return Optional.of(UNAVAILABLE);
    }
    return Optional.empty();
  }

  static DriverUnavailableException unavailable() {
    return new DriverUnavailableException("Driver " + NAME + ": " + UNAVAILABLE + ".");
  }
}
