package org.amtpxe.conductor.internal.state;

import static org.amtpxe.api.model.ProvisionState.ACTIVE;
import static org.amtpxe.api.model.ProvisionState.AVAILABLE;
import static org.amtpxe.api.model.ProvisionState.CLEANING;
import static org.amtpxe.api.model.ProvisionState.CLEAN_FAILED;
import static org.amtpxe.api.model.ProvisionState.DELETING;
import static org.amtpxe.api.model.ProvisionState.DEPLOYING;
import static org.amtpxe.api.model.ProvisionState.DEPLOY_FAILED;
import static org.amtpxe.api.model.ProvisionState.ENROLL;
import static org.amtpxe.api.model.ProvisionState.ERROR;
import static org.amtpxe.api.model.ProvisionState.INSPECTING;
import static org.amtpxe.api.model.ProvisionState.INSPECT_FAILED;
import static org.amtpxe.api.model.ProvisionState.MANAGEABLE;
import static org.amtpxe.api.model.ProvisionState.VERIFYING;
import static org.amtpxe.api.model.ProvisionState.WAIT_CALLBACK;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amtpxe.api.model.ProvisionState;

/**
 * Ironic's provisioning transitions, for the states this conductor uses. A verb moves a stable
 * state to a transient one (or straight to another stable state); the conductor's work then ends it
 * in its target or, on failure, in {@link #failureState}.
 */
public final class ProvisionStateMachine {

  /**
   * Where a verb leads.
   *
   * @param next the state the node enters at once
   * @param target the stable state the work aims at, or null when {@code next} is already stable
   */
  public record Transition(ProvisionState next, ProvisionState target) {}

  private static final Map<ProvisionAction, Map<ProvisionState, Transition>> TRANSITIONS =
      Map.of(
          ProvisionAction.MANAGE,
          Map.of(
              ENROLL, new Transition(VERIFYING, MANAGEABLE),
              AVAILABLE, new Transition(MANAGEABLE, null),
              CLEAN_FAILED, new Transition(MANAGEABLE, null),
              INSPECT_FAILED, new Transition(MANAGEABLE, null)),
          ProvisionAction.INSPECT,
          Map.of(
              MANAGEABLE, new Transition(INSPECTING, MANAGEABLE),
              INSPECT_FAILED, new Transition(INSPECTING, MANAGEABLE)),
          ProvisionAction.PROVIDE,
          Map.of(MANAGEABLE, new Transition(CLEANING, AVAILABLE)),
          ProvisionAction.ACTIVE,
          Map.of(
              AVAILABLE, new Transition(DEPLOYING, ACTIVE),
              DEPLOY_FAILED, new Transition(DEPLOYING, ACTIVE)),
          ProvisionAction.REBUILD,
          Map.of(
              ACTIVE, new Transition(DEPLOYING, ACTIVE),
              DEPLOY_FAILED, new Transition(DEPLOYING, ACTIVE),
              ERROR, new Transition(DEPLOYING, ACTIVE)),
          ProvisionAction.DELETED,
          Map.of(
              ACTIVE, new Transition(DELETING, AVAILABLE),
              DEPLOY_FAILED, new Transition(DELETING, AVAILABLE),
              WAIT_CALLBACK, new Transition(DELETING, AVAILABLE),
              ERROR, new Transition(DELETING, AVAILABLE)));

  /** States in which a node may be deleted (any state while in maintenance). */
  public static final Set<ProvisionState> DELETE_ALLOWED =
      EnumSet.of(ENROLL, MANAGEABLE, AVAILABLE, CLEAN_FAILED);

  private ProvisionStateMachine() {}

  /** Where the verb leads from this state, or empty when it is not allowed there. */
  public static Optional<Transition> transition(ProvisionState from, ProvisionAction action) {
    return Optional.ofNullable(TRANSITIONS.getOrDefault(action, Map.of()).get(from));
  }

  /** The stable state a node falls into when the work of a transient state fails. */
  public static ProvisionState failureState(ProvisionState state) {
    return switch (state) {
      case VERIFYING -> ENROLL;
      case CLEANING -> CLEAN_FAILED;
      case DEPLOYING, WAIT_CALLBACK -> DEPLOY_FAILED;
      case DELETING -> ERROR;
      case INSPECTING -> INSPECT_FAILED;
      default -> state;
    };
  }
}
