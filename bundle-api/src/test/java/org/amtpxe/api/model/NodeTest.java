package org.amtpxe.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeTest {

  @Test
  void toStringNeverShowsDriverInfo() {
    Node node =
        Node.builder("1be26c0b-03f2-4d2e-ae87-c02d7f33c123", "pxe_amt")
            .driverInfo(Map.of("amt_password", "s3cret!"))
            .build();

    assertThat(node.toString()).doesNotContain("s3cret!").contains("pxe_amt");
  }

  @Test
  void mapsAreDeepUnmodifiableCopies() {
    List<Object> list = new ArrayList<>(List.of("a"));
    Map<String, Object> nested = new HashMap<>(Map.of("list", list));
    Map<String, Object> info = new HashMap<>(Map.of("nested", nested));
    Node node = Node.builder("u", "d").instanceInfo(info).build();

    list.add("b");
    nested.put("x", 1);
    info.put("y", 2);

    assertThat(node.instanceInfo()).containsOnlyKeys("nested");
    @SuppressWarnings("unchecked")
    Map<String, Object> copied = (Map<String, Object>) node.instanceInfo().get("nested");
    assertThat(copied).containsOnlyKeys("list");
    assertThat(copied.get("list")).isEqualTo(List.of("a"));
    assertThatThrownBy(() -> node.instanceInfo().put("z", 3))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void nullValuesSurviveTheCopy() {
    Map<String, Object> info = new HashMap<>();
    info.put("k", null);

    assertThat(Node.builder("u", "d").extra(info).build().extra()).containsEntry("k", null);
  }

  @Test
  void toBuilderKeepsEveryField() {
    Node node =
        Node.builder("u", "pxe_amt")
            .name("n1")
            .powerState(PowerState.POWER_ON)
            .provisionState(ProvisionState.ACTIVE)
            .maintenance(true)
            .reservation("conductor-1")
            .build();

    assertThat(node.toBuilder().build()).isEqualTo(node);
    assertThat(node.toBuilder().name("n2").build().name()).isEqualTo("n2");
  }

  @Test
  void statesParseTheirApiSpelling() {
    assertThat(PowerState.fromValue("soft power off")).contains(PowerState.SOFT_POWER_OFF);
    assertThat(PowerState.fromValue("on")).isEmpty();
    assertThat(ProvisionState.fromValue("wait call-back")).contains(ProvisionState.WAIT_CALLBACK);
    assertThat(ProvisionState.DEPLOYING.isTransient()).isTrue();
    assertThat(ProvisionState.WAIT_CALLBACK.isTransient()).isFalse();
    assertThat(BootDevice.fromValue("pxe")).contains(BootDevice.PXE);
    assertThat(BootDevice.fromValue("PXE")).isEmpty();
  }
}
