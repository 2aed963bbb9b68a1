package org.amtpxe.amt.internal;

import java.util.Map;
import org.amtpxe.api.model.PowerState;

/**
 * CIM PowerState values (DSP1027) as AMT uses them (docs/amt-wsman.md#powerstate-values), and their
 * API meaning.
 */
public final class AmtPowerStates {
  public static final int ON = 2;
  public static final int SLEEP_LIGHT = 3;
  public static final int SLEEP_DEEP = 4;
  public static final int POWER_CYCLE_OFF_SOFT = 5;
  public static final int OFF_HARD = 6;
  public static final int HIBERNATE = 7;
  public static final int OFF_SOFT = 8;
  public static final int MASTER_BUS_RESET = 10;
  public static final int DIAGNOSTIC_INTERRUPT_NMI = 11;
  public static final int OFF_SOFT_GRACEFUL = 12;
  public static final int MASTER_BUS_RESET_GRACEFUL = 14;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(ON, "On"),
          Map.entry(SLEEP_LIGHT, "Sleep - Light"),
          Map.entry(SLEEP_DEEP, "Sleep - Deep"),
          Map.entry(POWER_CYCLE_OFF_SOFT, "Power Cycle (Off - Soft)"),
          Map.entry(OFF_HARD, "Off - Hard"),
          Map.entry(HIBERNATE, "Hibernate (Off - Soft)"),
          Map.entry(OFF_SOFT, "Off - Soft"),
          Map.entry(9, "Power Cycle (Off - Hard)"),
          Map.entry(MASTER_BUS_RESET, "Master Bus Reset"),
          Map.entry(DIAGNOSTIC_INTERRUPT_NMI, "Diagnostic Interrupt (NMI)"),
          Map.entry(OFF_SOFT_GRACEFUL, "Off - Soft Graceful"),
          Map.entry(13, "Off - Hard Graceful"),
          Map.entry(MASTER_BUS_RESET_GRACEFUL, "Master Bus Reset Graceful"),
          Map.entry(15, "Power Cycle (Off - Soft Graceful)"),
          Map.entry(16, "Power Cycle (Off - Hard Graceful)"));

  private AmtPowerStates() {}

  /**
   * What a PowerState read from AMT means: 2 and the sleep states 3, 4 and 7 are on (a sleeping
   * host is not off), 8 is off, anything else is an error.
   */
  public static PowerState toApi(int cimPowerState) {
    return switch (cimPowerState) {
      case ON, SLEEP_LIGHT, SLEEP_DEEP, HIBERNATE -> PowerState.POWER_ON;
      case OFF_SOFT -> PowerState.POWER_OFF;
      default -> PowerState.ERROR;
    };
  }

  /** The DSP1027 name of a value, for messages, for example {@code 8 (Off - Soft)}. */
  public static String describe(int cimPowerState) {
    return cimPowerState + " (" + NAMES.getOrDefault(cimPowerState, "unknown") + ")";
  }
}
