package org.amtpxe.virtualamt.internal.firmware;

import java.util.List;
import java.util.Optional;
import org.amtpxe.virtualamt.BootDevice;

/**
 * AMT's one-time boot override: the source set by ChangeBootOrder, the role set by
 * SetBootConfigRole and the boot settings, and how a boot applies and consumes them
 * (docs/amt-wsman.md#boot-device).
 */
public final class BootControl {
  /** CIM_BootService role IsNextSingleUse. */
  public static final int ROLE_IS_NEXT_SINGLE_USE = 1;

  /** CIM_BootService role IsNotNext. */
  public static final int ROLE_IS_NOT_NEXT = 32768;

  private final BootSettings settings = new BootSettings();
  private BootSource source;
  private int role = ROLE_IS_NOT_NEXT;

  /**
   * What a boot used.
   *
   * @param device the device the host boots from
   * @param overrideUsed true when the armed override chose it
   */
  public record Decision(BootDevice device, boolean overrideUsed) {}

  /** The boot settings (AMT_BootSettingData). */
  public BootSettings settings() {
    return settings;
  }

  /** The source set by ChangeBootOrder, if any. */
  public synchronized Optional<BootSource> source() {
    return Optional.ofNullable(source);
  }

  /** The role set by SetBootConfigRole: 1 or 32768. */
  public synchronized int role() {
    return role;
  }

  /**
   * ChangeBootOrder. An empty list clears the source.
   *
   * <p>NOTE: firmware honours only the first source set: a later ChangeBootOrder with another
   * source succeeds but changes nothing until the source is cleared or consumed by a boot
   * (docs/amt-wsman.md#one-time-semantics).
   *
   * @param sources the Source parameters, in order; only the first counts
   * @return ReturnValue 0
   */
  public synchronized int changeBootOrder(List<BootSource> sources) {
    if (sources.isEmpty()) {
      source = null;
    } else if (source == null) {
      source = sources.get(0);
    }
    return 0;
  }

  /**
   * SetBootConfigRole.
   *
   * @param newRole 1 (IsNextSingleUse) or 32768 (IsNotNext)
   * @return ReturnValue 0, or 1 (not supported) for any other role
   */
  public synchronized int setRole(int newRole) {
    if (newRole != ROLE_IS_NEXT_SINGLE_USE && newRole != ROLE_IS_NOT_NEXT) {
      return 1;
    }
    role = newRole;
    return 0;
  }

  /**
   * A boot starts: applies the override when it is armed, then consumes it. The role reverts to
   * IsNotNext and the one-time settings are cleared; the source is cleared unless the firmware
   * keeps it ({@code keepSource}).
   *
   * @param defaultDevice what the host boots without an override
   * @param keepSource imitate firmware that does not clear the source after use
   * @return the device to boot
   */
  public synchronized Decision boot(BootDevice defaultDevice, boolean keepSource) {
    if (role != ROLE_IS_NEXT_SINGLE_USE) {
      return new Decision(defaultDevice, false);
    }
    Decision decision;
    if (settings.biosSetup()) {
      decision = new Decision(BootDevice.BIOS, true);
    } else if (source != null) {
      decision = new Decision(source.device(), true);
    } else {
      decision = new Decision(defaultDevice, false);
    }
    role = ROLE_IS_NOT_NEXT;
    if (!keepSource) {
      source = null;
    }
    settings.clearOneTimeOptions();
    return decision;
  }
}
