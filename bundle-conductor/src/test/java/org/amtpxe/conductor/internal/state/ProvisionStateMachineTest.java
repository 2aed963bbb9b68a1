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
import static org.assertj.core.api.Assertions.assertThat;

import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.state.ProvisionStateMachine.Transition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ProvisionStateMachineTest {

  @ParameterizedTest
  @CsvSource({
    "enroll, MANAGE, verifying, manageable",
    "available, MANAGE, manageable, ",
    "clean failed, MANAGE, manageable, ",
    "manageable, PROVIDE, cleaning, available",
    "available, ACTIVE, deploying, active",
    "deploy failed, ACTIVE, deploying, active",
    "active, REBUILD, deploying, active",
    "error, REBUILD, deploying, active",
    "active, DELETED, deleting, available",
    "wait call-back, DELETED, deleting, available",
    "deploy failed, DELETED, deleting, available",
    "error, DELETED, deleting, available",
    "manageable, INSPECT, inspecting, manageable",
    "inspect failed, INSPECT, inspecting, manageable",
    "inspect failed, MANAGE, manageable, "
  })
  void allowedTransitionsFollowIronic(
      String from, ProvisionAction action, String next, String target) {
    Transition t =
        ProvisionStateMachine.transition(ProvisionState.fromValue(from).orElseThrow(), action)
            .orElseThrow();

    assertThat(t.next().value()).isEqualTo(next);
    assertThat(t.target() == null ? null : t.target().value()).isEqualTo(target);
  }

  @ParameterizedTest
  @CsvSource({
    "enroll, PROVIDE",
    "enroll, ACTIVE",
    "manageable, ACTIVE",
    "available, PROVIDE",
    "active, ACTIVE",
    "deploying, DELETED",
    "wait call-back, ACTIVE",
    "manageable, MANAGE",
    "available, DELETED",
    "enroll, INSPECT",
    "available, INSPECT",
    "active, INSPECT",
    "inspecting, INSPECT",
    "inspecting, MANAGE",
    "inspect failed, PROVIDE"
  })
  void otherTransitionsAreRefused(String from, ProvisionAction action) {
    assertThat(
            ProvisionStateMachine.transition(ProvisionState.fromValue(from).orElseThrow(), action))
        .isEmpty();
  }

  @ParameterizedTest
  @EnumSource(ProvisionState.class)
  void everyTransientStateFailsIntoAStableOne(ProvisionState state) {
    ProvisionState failed = ProvisionStateMachine.failureState(state);

    assertThat(failed.isTransient()).isFalse();
    if (state == VERIFYING) {
      assertThat(failed).isEqualTo(ENROLL);
    } else if (state == DEPLOYING || state == WAIT_CALLBACK) {
      assertThat(failed).isEqualTo(DEPLOY_FAILED);
    } else if (state == DELETING) {
      assertThat(failed).isEqualTo(ERROR);
    } else if (state == CLEANING) {
      assertThat(failed).isEqualTo(CLEAN_FAILED);
    } else if (state == INSPECTING) {
      assertThat(failed).isEqualTo(INSPECT_FAILED);
    } else {
      assertThat(failed).isEqualTo(state);
    }
    assertThat(ProvisionStateMachine.DELETE_ALLOWED)
        .doesNotContain(ACTIVE, DEPLOYING, DELETING, WAIT_CALLBACK, INSPECTING)
        .contains(AVAILABLE, MANAGEABLE, ENROLL);
  }
}
