package org.amtpxe.virtualamt.internal.cim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.amtpxe.virtualamt.internal.wsman.Epr;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/** Resource URIs and instance names shared by several classes. */
final class CimNames {
  static final String COMPUTER_SYSTEM = Namespaces.cimClass("CIM_ComputerSystem");
  static final String MANAGED_SYSTEM = "ManagedSystem";
  static final String AMT_SYSTEM_NAME = "Intel(r) AMT";
  static final String POWER_MANAGEMENT_SERVICE = Namespaces.cimClass("CIM_PowerManagementService");
  static final String POWER_SERVICE_NAME = "Intel(r) AMT Power Management Service";
  static final String BOOT_CONFIG_SETTING = Namespaces.cimClass("CIM_BootConfigSetting");
  static final String BOOT_CONFIG_ID = "Intel(r) AMT: Boot Configuration 0";
  static final String BOOT_SOURCE_SETTING = Namespaces.cimClass("CIM_BootSourceSetting");

  private CimNames() {}

  /** The reference to the managed host (CIM_ComputerSystem ManagedSystem). */
  static Epr managedSystem() {
    Map<String, String> selectors = new LinkedHashMap<>();
    selectors.put("CreationClassName", "CIM_ComputerSystem");
    selectors.put("Name", MANAGED_SYSTEM);
    return new Epr(COMPUTER_SYSTEM, selectors);
  }

  /** The keys of an AMT service instance (CIM_Service subclasses), in firmware order. */
  static Map<String, String> serviceKeys(String creationClassName, String name) {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("CreationClassName", creationClassName);
    keys.put("Name", name);
    keys.put("SystemCreationClassName", "CIM_ComputerSystem");
    keys.put("SystemName", AMT_SYSTEM_NAME);
    return keys;
  }
}
