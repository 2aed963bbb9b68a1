package org.amtpxe.virtualamt;

/**
 * What {@code AMT_RedirectionService} says about redirection: the listener and which sessions it
 * allows.
 *
 * @param listenerEnabled true when the redirection port accepts sessions
 * @param enabledState 32768 (IDE-R and SOL disabled), 32769 (IDE-R only), 32770 (SOL only) or 32771
 *     (both)
 */
public record RedirectionState(boolean listenerEnabled, int enabledState) {

  /** IDE-R and SOL disabled. */
  public static final int DISABLED = 32768;

  /** IDE-R and SOL enabled. */
  public static final int IDER_AND_SOL = 32771;

  /** A new node's state: listener off, nothing enabled. */
  public static final RedirectionState OFF = new RedirectionState(false, DISABLED);

  /** Listener on, SOL and IDE-R enabled. */
  public static final RedirectionState SOL_READY = new RedirectionState(true, IDER_AND_SOL);

  public RedirectionState {
    if (enabledState < DISABLED || enabledState > IDER_AND_SOL) {
      throw new IllegalArgumentException("EnabledState must be 32768..32771, not " + enabledState);
    }
  }

  /** True when SOL sessions are allowed (32770 or 32771). */
  public boolean solEnabled() {
    return enabledState == 32770 || enabledState == IDER_AND_SOL;
  }
}
