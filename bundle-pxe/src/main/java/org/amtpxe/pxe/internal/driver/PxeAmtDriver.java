package org.amtpxe.pxe.internal.driver;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.BootHistoryInterface;
import org.amtpxe.api.driver.ConsoleInterface;
import org.amtpxe.api.driver.DeployInterface;
import org.amtpxe.api.driver.InspectInterface;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.error.DriverUnavailableException;
import org.amtpxe.pxe.internal.NetbootService;
import org.amtpxe.pxe.internal.config.PxeConfig;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@code pxe_amt} driver: AMT power, management, inspection, console and boot history (services
 * from the AMT bundle, with {@code driver=amt}) and the PXE deploy. The AMT services are dynamic,
 * greedy, optional references looked up per call, so installing or updating the AMT bundle never
 * restarts this component. While none is present, a call waits up to {@code amt_wait} seconds (PID
 * {@value PxeConfig#PID}) after the services went missing, which covers the gap of a bundle update;
 * after that, power and management calls fail with {@link DriverUnavailableException}. {@code
 * amt_wait} is read, like every key of the PID, by {@link NetbootService} through {@link
 * org.amtpxe.pxe.internal.config.PxeSettings}: this component has no configuration of its own, so a
 * bad value is reported once, with the others.
 */
@Component(service = BareMetalDriver.class, property = BareMetalDriver.NAME_PROPERTY + "=pxe_amt")
public final class PxeAmtDriver implements BareMetalDriver {

  /** The driver name. */
  public static final String NAME = "pxe_amt";

  static final String UNAVAILABLE =
      "the AMT driver bundle is not installed or not active; install feature amtpxe-amt";

  static final String NO_CONSOLE =
      "the AMT driver bundle installed has no serial-over-LAN console; update feature amtpxe-amt"
          + " to a version that does";

  static final String NO_BOOT_HISTORY =
      "the AMT driver bundle installed does not read AMT's event log; update feature amtpxe-amt to"
          + " a version that does";

  static final String NO_INSPECTION =
      "the AMT driver bundle installed does not inspect hardware; update feature amtpxe-amt to a"
          + " version that does";

  private final AmtServices<PowerInterface> powers = new AmtServices<>();
  private final AmtServices<ManagementInterface> managements = new AmtServices<>();
  private final PowerInterface power =
      new AmtPowerDelegate(
          () -> await(powers).orElseThrow(PxeAmtDriver::unavailable), powers::best);
  private final ManagementInterface management =
      new AmtManagementDelegate(
          () -> await(managements).orElseThrow(PxeAmtDriver::unavailable), managements::best);
  private final AmtServices<InspectInterface> inspects = new AmtServices<>();
  private final InspectInterface inspect =
      new AmtInspectDelegate(
          () ->
              await(inspects)
                  .orElseThrow(
                      () ->
                          powers.best().isPresent()
                              ? new DriverUnavailableException(
                                  "Driver " + NAME + ": " + NO_INSPECTION + ".")
                              : unavailable()),
          inspects::best);
  private final AmtServices<ConsoleInterface> consoles = new AmtServices<>();
  private final ConsoleInterface console =
      new AmtConsoleDelegate(
          () ->
              await(consoles)
                  .orElseThrow(
                      () ->
                          powers.best().isPresent()
                              ? new DriverUnavailableException(
                                  "Driver " + NAME + ": " + NO_CONSOLE + ".")
                              : unavailable()),
          consoles::best);
  private final AmtServices<BootHistoryInterface> bootHistories = new AmtServices<>();
  private final BootHistoryInterface bootHistory =
      new AmtBootHistoryDelegate(
          () ->
              await(bootHistories)
                  .orElseThrow(
                      () ->
                          powers.best().isPresent()
                              ? new DriverUnavailableException(
                                  "Driver " + NAME + ": " + NO_BOOT_HISTORY + ".")
                              : unavailable()),
          bootHistories::best);
  private final DeployInterface deploy;

  /** Notified whenever an AMT service arrives. */
  private final Object arrivals = new Object();

  /** amt_wait in force. */
  private final Supplier<Duration> amtWait;

  // System.nanoTime() when an AMT service type was last found missing (or the driver started).
  private volatile long missingSince = System.nanoTime();

  /** The driver with the deploy and amt_wait of network boot's configuration in force. */
  @Activate
  public PxeAmtDriver(@Reference NetbootService netboot) {
    this(netboot.deploy(), () -> netboot.settings().amtWait());
  }

  /** A driver that fails at once while no AMT service is present. */
  PxeAmtDriver(DeployInterface deploy) {
    this(deploy, Duration.ZERO);
  }

  PxeAmtDriver(DeployInterface deploy, Duration amtWait) {
    this(deploy, () -> amtWait);
  }

  PxeAmtDriver(DeployInterface deploy, Supplier<Duration> amtWait) {
    this.deploy = deploy;
    this.amtWait = amtWait;
  }

  /** The wait for AMT services in force. */
  public Duration amtWait() {
    return amtWait.get();
  }

  @Reference(
      service = PowerInterface.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      target = "(" + PowerInterface.DRIVER_PROPERTY + "=amt)")
  void bindPower(PowerInterface service, Map<String, Object> properties) {
    arrived(powers, service, properties);
  }

  void unbindPower(PowerInterface service, Map<String, Object> properties) {
    left(powers, properties);
  }

  @Reference(
      service = ManagementInterface.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      target = "(" + PowerInterface.DRIVER_PROPERTY + "=amt)")
  void bindManagement(ManagementInterface service, Map<String, Object> properties) {
    arrived(managements, service, properties);
  }

  void unbindManagement(ManagementInterface service, Map<String, Object> properties) {
    left(managements, properties);
  }

  @Reference(
      service = InspectInterface.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      target = "(" + PowerInterface.DRIVER_PROPERTY + "=amt)")
  void bindInspect(InspectInterface service, Map<String, Object> properties) {
    arrived(inspects, service, properties);
  }

  void unbindInspect(InspectInterface service, Map<String, Object> properties) {
    left(inspects, properties);
  }

  @Reference(
      service = ConsoleInterface.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      target = "(" + PowerInterface.DRIVER_PROPERTY + "=amt)")
  void bindConsole(ConsoleInterface service, Map<String, Object> properties) {
    arrived(consoles, service, properties);
  }

  void unbindConsole(ConsoleInterface service, Map<String, Object> properties) {
    left(consoles, properties);
  }

  @Reference(
      service = BootHistoryInterface.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      target = "(" + PowerInterface.DRIVER_PROPERTY + "=amt)")
  void bindBootHistory(BootHistoryInterface service, Map<String, Object> properties) {
    arrived(bootHistories, service, properties);
  }

  void unbindBootHistory(BootHistoryInterface service, Map<String, Object> properties) {
    left(bootHistories, properties);
  }

  /** A service of the AMT bundle arrived: callers waiting for one go on. */
  private <T> void arrived(AmtServices<T> services, T service, Map<String, Object> properties) {
    services.add(service, properties);
    synchronized (arrivals) {
      arrivals.notifyAll();
    }
  }

  /** A service left; when it was the last of its kind, the wait for a new one starts now. */
  private <T> void left(AmtServices<T> services, Map<String, Object> properties) {
    services.remove(properties);
    if (services.best().isEmpty()) {
      missingSince = System.nanoTime();
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
    long deadline = missingSince + amtWait().toNanos();
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

  /**
   * Always present: pxe_amt inspects through AMT. While the AMT bundle offers no inspect service, a
   * call waits like any other and then fails with {@link DriverUnavailableException}, saying
   * whether the bundle is missing or too old.
   */
  @Override
  public Optional<InspectInterface> inspect() {
    return Optional.of(inspect);
  }

  /**
   * Always present: pxe_amt reaches the serial console through AMT's Serial-over-LAN. While the AMT
   * bundle offers no console service, a call waits like any other and then fails with {@link
   * DriverUnavailableException}.
   */
  @Override
  public Optional<ConsoleInterface> console() {
    return Optional.of(console);
  }

  /**
   * Always present: pxe_amt reads AMT's event log. While the AMT bundle offers no boot history
   * service, a read waits like any other call and then fails with {@link
   * DriverUnavailableException}, saying whether the bundle is missing or too old.
   */
  @Override
  public Optional<BootHistoryInterface> bootHistory() {
    return Optional.of(bootHistory);
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
