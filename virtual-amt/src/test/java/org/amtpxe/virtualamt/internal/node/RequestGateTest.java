package org.amtpxe.virtualamt.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.amtpxe.virtualamt.Switches.Concurrency;
import org.junit.jupiter.api.Test;

class RequestGateTest {
  private final RequestGate gate = new RequestGate(Runnable::run);
  private final List<String> started = new ArrayList<>();

  @Test
  void quotaModeRefusesASecondRequestWhileOneRuns() {
    assertThat(gate.enter(Concurrency.QUOTA_FAULT, () -> started.add("a"))).isTrue();
    assertThat(gate.enter(Concurrency.QUOTA_FAULT, () -> started.add("b"))).isFalse();
    gate.exit();
    assertThat(gate.enter(Concurrency.QUOTA_FAULT, () -> started.add("c"))).isTrue();

    assertThat(started).containsExactly("a", "c");
  }

  @Test
  void queueModeRunsRequestsOneAfterAnotherInOrder() {
    gate.enter(Concurrency.QUEUE, () -> started.add("a"));
    gate.enter(Concurrency.QUEUE, () -> started.add("b"));
    gate.enter(Concurrency.QUEUE, () -> started.add("c"));
    assertThat(started).containsExactly("a");
    assertThat(gate.queued()).isEqualTo(2);

    gate.exit();
    assertThat(started).containsExactly("a", "b");
    gate.exit();
    gate.exit();

    assertThat(started).containsExactly("a", "b", "c");
    assertThat(gate.inFlight()).isZero();
  }

  @Test
  void unlimitedModeRunsEverythingAtOnce() {
    gate.enter(Concurrency.UNLIMITED, () -> started.add("a"));
    gate.enter(Concurrency.UNLIMITED, () -> started.add("b"));

    assertThat(started).containsExactly("a", "b");
    assertThat(gate.inFlight()).isEqualTo(2);
  }
}
