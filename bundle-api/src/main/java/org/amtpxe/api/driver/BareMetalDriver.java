package org.amtpxe.api.driver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A complete driver: the interfaces a node's {@code driver} field selects. Registered as an OSGi
 * service with the property {@value #NAME_PROPERTY}, found by the conductor by that name.
 */
@ProviderType
public interface BareMetalDriver {

  /** The service property that carries {@link #name()}. */
  String NAME_PROPERTY = "driver.name";

  /** The name nodes use to select the driver, for example {@code pxe_amt}. */
  String name();

  /**
   * The power interface. Never null; while the driver is {@linkplain #unavailableReason()
   * unavailable} its methods fail with {@link org.amtpxe.api.error.DriverUnavailableException}.
   */
  PowerInterface power();

  /** The management interface; never null, see {@link #power()}. */
  ManagementInterface management();

  /** The deploy interface; never null, see {@link #power()}. */
  DeployInterface deploy();

  /**
   * The inspect interface, for drivers that can read the hardware out of band.
   *
   * @return the interface, or empty when the driver cannot inspect (Ironic's {@code no-inspect})
   * @since 1.1
   */
  default Optional<InspectInterface> inspect() {
    return Optional.empty();
  }

  /**
   * The console interface, for drivers that reach the node's serial console.
   *
   * @return the interface, or empty when the driver has no console (Ironic's {@code no-console})
   * @since 1.2
   */
  default Optional<ConsoleInterface> console() {
    return Optional.empty();
  }

  /**
   * The boot history interface, for drivers whose hardware keeps a log of its boots and power
   * changes (AMT's event log).
   *
   * @return the interface, or empty when the hardware keeps no such log
   * @since 1.3
   */
  default Optional<BootHistoryInterface> bootHistory() {
    return Optional.empty();
  }

  /**
   * Why the driver cannot serve now, for example because a bundle it needs is not installed.
   *
   * @return the reason, or empty while the driver is available
   */
  default Optional<String> unavailableReason() {
    return Optional.empty();
  }

  /** The parameters of every interface, for {@code GET /v1/drivers/<name>/properties}. */
  default Map<String, String> properties() {
    Map<String, String> all = new LinkedHashMap<>();
    all.putAll(power().properties());
    all.putAll(management().properties());
    all.putAll(deploy().properties());
    inspect().ifPresent(i -> all.putAll(i.properties()));
    console().ifPresent(c -> all.putAll(c.properties()));
    bootHistory().ifPresent(b -> all.putAll(b.properties()));
    return all;
  }
}
