package org.amtpxe.pxe.internal.driver;

import java.util.Map;
import java.util.Set;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.BootHistoryInterface;
import org.amtpxe.api.driver.ConsoleInterface;
import org.amtpxe.api.driver.DeployInterface;
import org.amtpxe.api.driver.DeployState;
import org.amtpxe.api.driver.InspectInterface;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;

/**
 * Builds the {@code pxe_amt} driver outside OSGi as the DS runtime does: the real {@link
 * PxeAmtDriver} with AMT power and management services bound through its dynamic references.
 *
 * <p>It lives in the driver's package (on a plain class path, not in a bundle) because the
 * constructor without the network-boot service and the bind methods are package-private: only DS
 * calls them. The deploy is one that refuses: the power sync never deploys, and a real deploy would
 * start TFTP and HTTP servers that a measurement of the sync does not need.
 */
public final class PxeAmtComposition {
  private PxeAmtComposition() {}

  /**
   * The pxe_amt driver with these AMT services bound, as with service ids 1 and 2.
   *
   * @param power AMT Power, as registered by the AMT bundle
   * @param management AMT Management, as registered by the AMT bundle
   */
  public static BareMetalDriver pxeAmt(PowerInterface power, ManagementInterface management) {
    PxeAmtDriver driver = new PxeAmtDriver(new NoDeploy());
    driver.bindPower(power, Map.of("service.id", 1L, "service.ranking", 0));
    driver.bindManagement(management, Map.of("service.id", 2L, "service.ranking", 0));
    return driver;
  }

  /**
   * The pxe_amt driver with these AMT services bound, as with service ids 1, 2 and 3.
   *
   * @param power AMT Power, as registered by the AMT bundle
   * @param management AMT Management, as registered by the AMT bundle
   * @param inspect AMT Inspect, as registered by the AMT bundle
   */
  public static BareMetalDriver pxeAmt(
      PowerInterface power, ManagementInterface management, InspectInterface inspect) {
    PxeAmtDriver driver = (PxeAmtDriver) pxeAmt(power, management);
    driver.bindInspect(inspect, Map.of("service.id", 3L, "service.ranking", 0));
    return driver;
  }

  /**
   * The pxe_amt driver with these AMT services bound, as with service ids 1 to 4.
   *
   * @param console AMT Console, as registered by the AMT bundle
   */
  public static BareMetalDriver pxeAmt(
      PowerInterface power,
      ManagementInterface management,
      InspectInterface inspect,
      ConsoleInterface console) {
    PxeAmtDriver driver = (PxeAmtDriver) pxeAmt(power, management, inspect);
    driver.bindConsole(console, Map.of("service.id", 4L, "service.ranking", 0));
    return driver;
  }

  /**
   * The pxe_amt driver with these AMT services bound, as with service ids 1 to 5.
   *
   * @param bootHistory AMT Boot History, as registered by the AMT bundle
   */
  public static BareMetalDriver pxeAmt(
      PowerInterface power,
      ManagementInterface management,
      InspectInterface inspect,
      ConsoleInterface console,
      BootHistoryInterface bootHistory) {
    PxeAmtDriver driver = (PxeAmtDriver) pxeAmt(power, management, inspect, console);
    driver.bindBootHistory(bootHistory, Map.of("service.id", 5L, "service.ranking", 0));
    return driver;
  }

  /** A deploy interface that refuses every deploy step, naming why. */
  private static final class NoDeploy implements DeployInterface {
    private static UnsupportedDriverOperationException refused() {
      return new UnsupportedDriverOperationException(
          "This pxe_amt driver was built for a power measurement and has no PXE deploy; run the"
              + " conductor in Karaf for deploys.");
    }

    @Override
    public Map<String, String> properties() {
      return Map.of();
    }

    @Override
    public void validate(TaskContext task) {}

    @Override
    public void prepare(TaskContext task) throws DriverException {
      throw refused();
    }

    @Override
    public DeployState deploy(TaskContext task) throws DriverException {
      throw refused();
    }

    @Override
    public Set<String> callbackMethods() {
      return Set.of();
    }

    @Override
    public void validateCallback(TaskContext task, String method, Map<String, Object> body)
        throws DriverException {
      throw refused();
    }

    @Override
    public DeployState continueDeploy(TaskContext task, String method, Map<String, Object> body)
        throws DriverException {
      throw refused();
    }

    @Override
    public DeployState tearDown(TaskContext task) throws DriverException {
      throw refused();
    }

    @Override
    public void cleanUp(TaskContext task) throws DriverException {
      throw refused();
    }
  }
}
