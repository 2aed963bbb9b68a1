package org.amtpxe.pxe.internal.driver;

import java.util.Map;
import java.util.Optional;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.DeployInterface;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.error.DriverUnavailableException;
import org.amtpxe.pxe.internal.NetbootService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@code pxe_amt} driver: AMT power and management (services from the AMT bundle, with {@code
 * driver=amt}) and the PXE deploy. The AMT services are dynamic, greedy, optional references looked
 * up per call, so installing or updating the AMT bundle never restarts this component; while none
 * is present, power and management calls fail with {@link DriverUnavailableException}.
 */
@Component(service = BareMetalDriver.class, property = BareMetalDriver.NAME_PROPERTY + "=pxe_amt")
public final class PxeAmtDriver implements BareMetalDriver {
  /** The driver name. */
  public static final String NAME = "pxe_amt";

  static final String UNAVAILABLE =
      "the AMT driver bundle is not installed or not active; install feature amtpxe-amt";

  private final AmtServices<PowerInterface> powers = new AmtServices<>();
  private final AmtServices<ManagementInterface> managements = new AmtServices<>();
  private final PowerInterface power = new AmtPowerDelegate(() -> powers);
  private final ManagementInterface management = new AmtManagementDelegate(() -> managements);
  private final DeployInterface deploy;

  @Activate
  public PxeAmtDriver(@Reference NetbootService netboot) {
    this(netboot.deploy());
  }

  PxeAmtDriver(DeployInterface deploy) {
    this.deploy = deploy;
  }

  @Reference(
      service = PowerInterface.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      target = "(" + PowerInterface.DRIVER_PROPERTY + "=amt)")
  void bindPower(PowerInterface service, Map<String, Object> properties) {
    powers.add(service, properties);
  }

  void unbindPower(PowerInterface service, Map<String, Object> properties) {
    powers.remove(properties);
  }

  @Reference(
      service = ManagementInterface.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      target = "(" + PowerInterface.DRIVER_PROPERTY + "=amt)")
  void bindManagement(ManagementInterface service, Map<String, Object> properties) {
    managements.add(service, properties);
  }

  void unbindManagement(ManagementInterface service, Map<String, Object> properties) {
    managements.remove(properties);
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

  @Override
  public Optional<String> unavailableReason() {
    if (powers.best().isEmpty() || managements.best().isEmpty()) {
      return Optional.of(UNAVAILABLE);
    }
    return Optional.empty();
  }

  static DriverUnavailableException unavailable() {
    return new DriverUnavailableException("Driver " + NAME + ": " + UNAVAILABLE + ".");
  }
}
