package org.amtpxe.api.model;

import java.util.Optional;

/** Provisioning states with Ironic's names. The conductor owns the transitions between them. */
public enum ProvisionState {
  ENROLL("enroll", false),
  VERIFYING("verifying", true),
  MANAGEABLE("manageable", false),
  AVAILABLE("available", false),
  DEPLOYING("deploying", true),
  WAIT_CALLBACK("wait call-back", false),
  ACTIVE("active", false),
  DEPLOY_FAILED("deploy failed", false),
  DELETING("deleting", true),
  CLEANING("cleaning", true),
  CLEAN_FAILED("clean failed", false),
  ERROR("error", false),
  /** Out-of-band inspection is running. @since 2.1 */
  INSPECTING("inspecting", true),
  /** The last inspection failed; {@code last_error} says why. @since 2.1 */
  INSPECT_FAILED("inspect failed", false);

  private final String value;
  private final boolean transient_;

  ProvisionState(String value, boolean transientState) {
    this.value = value;
    this.transient_ = transientState;
  }

  /** The API spelling, for example {@code "wait call-back"}. */
  public String value() {
    return value;
  }

  /**
   * Whether the state only exists while a conductor works on the node. A node found in such a state
   * when the conductor starts was interrupted and must be moved to a stable state.
   */
  public boolean isTransient() {
    return transient_;
  }

  /**
   * Parses the API spelling.
   *
   * @param value the string as stored or sent, for example {@code "deploy failed"}
   * @return the state, or empty when the string names none
   */
  public static Optional<ProvisionState> fromValue(String value) {
    for (ProvisionState s : values()) {
      if (s.value.equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
