package org.amtpxe.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PortTest {
  @Test
  void aBuiltPortIsAnImmutableValueAndToBuilderChangesOnlyWhatIsSet() {
    Map<String, Object> extra = new HashMap<>(Map.of("rack", "r1"));
    Port p =
        Port.builder("p-1", MacAddress.parse("52:54:00:00:00:01"), "n-1")
            .extra(extra)
            .createdAt(Instant.EPOCH)
            .build();
    extra.put("rack", "changed");

    assertThat(p.pxeEnabled()).as("PXE by default").isTrue();
    assertThat(p.extra()).containsEntry("rack", "r1");
    assertThatThrownBy(() -> p.extra().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    Port moved = p.toBuilder().nodeUuid("n-2").pxeEnabled(false).build();
    assertThat(moved.nodeUuid()).isEqualTo("n-2");
    assertThat(moved.address()).isEqualTo(p.address());
    assertThat(moved.createdAt()).isEqualTo(Instant.EPOCH);
    assertThat(moved).isNotEqualTo(p);
    assertThat(p.toBuilder().build()).isEqualTo(p);
    assertThatThrownBy(() -> Port.builder("p", null, "n").build())
        .isInstanceOf(NullPointerException.class);
  }
}
