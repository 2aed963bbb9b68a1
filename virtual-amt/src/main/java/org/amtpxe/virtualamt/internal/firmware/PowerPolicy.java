package org.amtpxe.virtualamt.internal.firmware;

import java.util.ArrayList;
import java.util.List;
import org.amtpxe.virtualamt.HostPowerState;

/** Which power changes AMT offers in which host state (docs/amt-wsman.md#powerstate-values). */
public final class PowerPolicy {
  public static final int ON = 2;
  public static final int SLEEP_DEEP = 4;
  public static final int POWER_CYCLE = 5;
  public static final int HIBERNATE = 7;
  public static final int OFF_SOFT = 8;
  public static final int MASTER_BUS_RESET = 10;
  public static final int DIAGNOSTIC_INTERRUPT = 11;
  public static final int OFF_SOFT_GRACEFUL = 12;
  public static final int MASTER_BUS_RESET_GRACEFUL = 14;

  private PowerPolicy() {}

  /**
   * {@code AvailableRequestedPowerStates} for a host state, in the order firmware lists them.
   *
   * @param state the host's state
   * @param osAgent whether an OS agent runs (it adds sleep, hibernate and the graceful requests)
   */
  public static List<Integer> available(HostPowerState state, boolean osAgent) {
    List<Integer> result = new ArrayList<>();
    switch (state) {
      case ON:
        result.addAll(List.of(MASTER_BUS_RESET, OFF_SOFT, POWER_CYCLE, DIAGNOSTIC_INTERRUPT));
        if (osAgent) {
          result.addAll(
              List.of(SLEEP_DEEP, HIBERNATE, MASTER_BUS_RESET_GRACEFUL, OFF_SOFT_GRACEFUL));
        }
        break;
      case SLEEP_LIGHT:
      case SLEEP_DEEP:
        // NOTE: from S3 AMT can wake the host or cut its power; a reset needs a running host.
        result.addAll(List.of(ON, OFF_SOFT));
        break;
      default:
        result.add(ON);
        break;
    }
    return result;
  }

  /** {@code PowerStatesSupported} of CIM_PowerManagementCapabilities. */
  public static List<Integer> supported(boolean osAgent) {
    List<Integer> result =
        new ArrayList<>(List.of(ON, POWER_CYCLE, OFF_SOFT, MASTER_BUS_RESET, DIAGNOSTIC_INTERRUPT));
    if (osAgent) {
      result.addAll(List.of(SLEEP_DEEP, HIBERNATE, OFF_SOFT_GRACEFUL, MASTER_BUS_RESET_GRACEFUL));
    }
    return result;
  }
}
