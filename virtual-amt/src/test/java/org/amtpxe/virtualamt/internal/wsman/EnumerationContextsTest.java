package org.amtpxe.virtualamt.internal.wsman;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.amtpxe.virtualamt.internal.wsman.EnumerationContexts.Context;
import org.amtpxe.virtualamt.internal.wsman.EnumerationContexts.Mode;
import org.junit.jupiter.api.Test;

class EnumerationContextsTest {
  private final AtomicLong clock = new AtomicLong();
  private final EnumerationContexts contexts = new EnumerationContexts(clock::get);

  @Test
  void contextIdsLookLikeFirmwareOnes() {
    assertThat(contexts.open("uri", Mode.OBJECT).id())
        .matches("[0-9A-F]{8}-0000-0000-0000-000000000000");
  }

  @Test
  void advanceAndReleaseTrackTheEnumeration() {
    Context c = contexts.open("uri", Mode.EPR);
    contexts.advance(c.id(), 2);

    assertThat(contexts.get(c.id())).get().extracting(Context::position).isEqualTo(2);
    assertThat(contexts.release(c.id())).isTrue();
    assertThat(contexts.get(c.id())).isEmpty();
    assertThat(contexts.release(c.id())).isFalse();
  }

  @Test
  void idleContextsExpire() {
    Context c = contexts.open("uri", Mode.OBJECT);
    clock.addAndGet(61_000_000_000L);

    assertThat(contexts.get(c.id())).isEmpty();
  }

  @Test
  void tooManyOpenContextsDropTheOldest() {
    Context first = contexts.open("uri", Mode.OBJECT);
    for (int i = 0; i < 16; i++) {
      contexts.open("uri", Mode.OBJECT);
    }

    assertThat(contexts.get(first.id())).isEmpty();
    assertThat(contexts.size()).isEqualTo(16);
  }
}
