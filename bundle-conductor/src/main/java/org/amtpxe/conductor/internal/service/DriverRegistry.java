package org.amtpxe.conductor.internal.service;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver services present now, by {@value BareMetalDriver#NAME_PROPERTY}. Bound dynamically and
 * greedily so that a driver bundle can be updated or removed without restarting the conductor;
 * callers look a driver up for every operation.
 */
@Component(service = DriverRegistry.class)
public class DriverRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(DriverRegistry.class);

  private final Map<String, BareMetalDriver> drivers = new ConcurrentHashMap<>();

  @Reference(
      service = BareMetalDriver.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      unbind = "removeDriver")
  public void addDriver(BareMetalDriver driver, Map<String, Object> properties) {
    String name = nameOf(driver, properties);
    drivers.put(name, driver);
    LOG.info("Driver {} is loaded", name);
  }

  public void removeDriver(BareMetalDriver driver, Map<String, Object> properties) {
    String name = nameOf(driver, properties);
    if (drivers.remove(name, driver)) {
      LOG.info("Driver {} is no longer loaded", name);
    }
  }

  private static String nameOf(BareMetalDriver driver, Map<String, Object> properties) {
    Object name = properties == null ? null : properties.get(BareMetalDriver.NAME_PROPERTY);
    return name instanceof String s && !s.isBlank() ? s : driver.name();
  }

  /** The driver with this name, if loaded. */
  public Optional<BareMetalDriver> find(String name) {
    return Optional.ofNullable(name == null ? null : drivers.get(name));
  }

  /** Every loaded driver, sorted by name. */
  public Map<String, BareMetalDriver> all() {
    return new TreeMap<>(drivers);
  }

  /**
   * The node's driver, ready to serve.
   *
   * @throws ConductorException INVALID when the driver is not loaded or says it is unavailable
   */
  public BareMetalDriver require(Node node) throws ConductorException {
    BareMetalDriver driver = drivers.get(node.driver());
    if (driver == null) {
      throw ConductorException.invalid(
          "Node "
              + node.uuid()
              + ": driver "
              + node.driver()
              + " is not loaded; install the feature that provides it.");
    }
    Optional<String> reason = driver.unavailableReason();
    if (reason.isPresent()) {
      throw ConductorException.invalid(
          "Node "
              + node.uuid()
              + ": driver "
              + node.driver()
              + " is loaded but unavailable: "
              + reason.get());
    }
    return driver;
  }
}
