package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.amtpxe.amt.fake.EmulatedAmt;
import org.amtpxe.amt.internal.cim.InventoryClass;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.model.Inspection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AMT Inspect end to end against the virtual AMT. Runs once the virtual AMT serves the inventory
 * classes; until then it skips itself (the virtual AMT faults on CIM_Chassis).
 */
class AmtInspectOnVirtualAmtTest {
  private EmulatedAmt amt;

  @BeforeEach
  void start() throws Exception {
    amt = EmulatedAmt.start();
    WsmanClient client = amt.gateway().client(amt.task().node(), amt.gateway().settings());
    boolean servesInventory;
    try {
      InventoryClass.CIM_CHASSIS.enumerate(client);
      servesInventory = true;
    } catch (OperationFailedException e) {
      servesInventory = false;
    }
    assumeTrue(servesInventory, "the virtual AMT does not serve the inventory classes yet");
  }

  @AfterEach
  void stop() {
    if (amt != null) {
      amt.close();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void inspectsTheVirtualAmtsHardwareWithTwoRoundTripsPerClass() throws Exception {
    AmtInspect inspect = new AmtInspect(amt.gateway());
    amt.resetCounters();

    Inspection inspection = inspect.inspectHardware(amt.task());

    Map<String, Object> inventory = inspection.inventory();
    assertThat((Map<String, Object>) inventory.get("cpu")).containsKeys("count", "model_name");
    assertThat((Map<String, Object>) inventory.get("memory")).containsKey("physical_mb");
    assertThat((List<?>) inventory.get("disks")).isNotEmpty();
    assertThat(inspection.macAddresses()).isNotEmpty();
    assertThat(inventory).containsKeys("system_vendor", "hostname", "bmc_address");
    assertThat((Map<String, Object>) inventory.get("amt")).containsKey("firmware_version");
    assertThat(inspection.missing()).noneMatch(line -> line.contains("could not be read"));
    assertThat(amt.actions())
        .hasSize(amt.counters().wsmanRequests() == 0 ? 0 : amt.actions().size());
    assertThat(amt.counters().unauthorized()).isZero();
    assertThat(amt.counters().httpRequests())
        .isGreaterThanOrEqualTo(2L * InventoryClass.values().length);
  }
}
