package org.amtpxe.conductor.internal.health;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.amtpxe.api.health.HealthCheck;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link HealthCheck} services other bundles register now (the PXE bundle's boot servers).
 * Bound dynamically and greedily, as the drivers are, so that a bundle can be updated or removed
 * without restarting the conductor; read for every health request.
 */
@Component(service = HealthRegistry.class)
public class HealthRegistry {
  private final Map<HealthCheck, Boolean> checks = new ConcurrentHashMap<>();

  @Reference(
      service = HealthCheck.class,
      cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      unbind = "removeCheck")
  public void addCheck(HealthCheck check) {
    checks.put(check, Boolean.TRUE);
  }

  public void removeCheck(HealthCheck check) {
    checks.remove(check);
  }

  /** The checks registered now. */
  public List<HealthCheck> all() {
    return List.copyOf(checks.keySet());
  }
}
