package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Route templates: every API route has one, and nothing a client sends creates a new one. */
class RouteTemplateTest {
  private static String of(String path) {
    return RouteTemplate.of(
        List.of(path.substring(1).split("/")).stream().filter(s -> !s.isEmpty()).toList());
  }

  @Test
  void nodesPortsDriversAndConductorsAreNamedByTheirTemplate() {
    String uuid = UUID.randomUUID().toString();
    assertThat(of("/")).isEqualTo("/");
    assertThat(of("/v1")).isEqualTo("/v1");
    assertThat(of("/v1/nodes")).isEqualTo("/v1/nodes");
    assertThat(of("/v1/nodes/detail")).isEqualTo("/v1/nodes/detail");
    assertThat(of("/v1/nodes/" + uuid)).isEqualTo("/v1/nodes/{node}");
    assertThat(of("/v1/nodes/desk-7/states/power")).isEqualTo("/v1/nodes/{node}/states/power");
    assertThat(of("/v1/nodes/desk-7/vendor_passthru/heartbeat"))
        .isEqualTo("/v1/nodes/{node}/vendor_passthru/{method}");
    assertThat(of("/v1/nodes/desk-7/history/" + uuid))
        .isEqualTo("/v1/nodes/{node}/history/{event}");
    assertThat(of("/v1/ports/" + uuid)).isEqualTo("/v1/ports/{port}");
    assertThat(of("/v1/drivers/pxe_amt/properties")).isEqualTo("/v1/drivers/{driver}/properties");
    assertThat(of("/v1/conductors/c1")).isEqualTo("/v1/conductors/{conductor}");
    assertThat(of("/v1/lookup")).isEqualTo("/v1/lookup");
    assertThat(of("/metrics")).isEqualTo("/metrics");
    assertThat(of("/health")).isEqualTo("/health");
  }

  @Test
  void arbitraryPathsAllBecomeOther() {
    Set<String> templates = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String junk = UUID.randomUUID().toString();
      templates.add(of("/" + junk));
      templates.add(of("/v1/" + junk));
      templates.add(of("/v1/nodes/x/" + junk));
      templates.add(of("/v1/nodes/x/states/" + junk));
      templates.add(of("/v1/ports/x/" + junk));
      templates.add(of("/v1/drivers/x/" + junk));
      templates.add(of("/metrics/" + junk));
    }

    assertThat(templates).containsExactly(RouteTemplate.OTHER);
  }
}
