package org.amtpxe.conductor.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyTest {
  private static Policy.Rule rule(String method, String path, String... patchPaths) {
    return Policy.of(method, List.of(path.split("/")), List.of(patchPaths));
  }

  @Test
  void theConsoleIsAMembersOnlyReadingItsWhereaboutsToo() {
    assertThat(rule("PUT", "nodes/n1/states/console"))
        .isEqualTo(new Policy.Rule("baremetal:node:set_console_state", Role.MEMBER));
    assertThat(rule("GET", "nodes/n1/states/console"))
        .isEqualTo(new Policy.Rule("baremetal:node:get_console", Role.MEMBER));
    assertThat(rule("GET", "nodes/n1/states").role()).isEqualTo(Role.READER);
  }

  @Test
  void theBootHistoryIsAReadersRight() {
    assertThat(rule("GET", "nodes/n1/management/boot_history"))
        .isEqualTo(new Policy.Rule("baremetal:node:get", Role.READER));
  }

  @Test
  void readersReadMembersOperateAdminsChangeTheInventory() {
    assertThat(rule("GET", "nodes/n1"))
        .isEqualTo(new Policy.Rule("baremetal:node:get", Role.READER));
    assertThat(rule("GET", "ports")).isEqualTo(new Policy.Rule("baremetal:port:get", Role.READER));
    assertThat(rule("PUT", "nodes/n1/states/power"))
        .isEqualTo(new Policy.Rule("baremetal:node:set_power_state", Role.MEMBER));
    assertThat(rule("PUT", "nodes/n1/states/provision").role()).isEqualTo(Role.MEMBER);
    assertThat(rule("PUT", "nodes/n1/management/boot_device").role()).isEqualTo(Role.MEMBER);
    assertThat(rule("PUT", "nodes/n1/management/inject_nmi").role()).isEqualTo(Role.MEMBER);
    assertThat(rule("PUT", "nodes/n1/maintenance").rule())
        .isEqualTo("baremetal:node:set_maintenance");
    assertThat(rule("DELETE", "nodes/n1/maintenance").rule())
        .isEqualTo("baremetal:node:clear_maintenance");
    assertThat(rule("PATCH", "nodes/n1", "/instance_info/image_source", "/instance_info"))
        .isEqualTo(new Policy.Rule("baremetal:node:update_instance_info", Role.MEMBER));
    assertThat(
            rule("PATCH", "nodes/n1", "/instance_info/image_source", "/driver_info/deploy_kernel"))
        .isEqualTo(new Policy.Rule("baremetal:node:update", Role.ADMIN));
    assertThat(rule("PATCH", "nodes/n1", "/instance_infox").role()).isEqualTo(Role.ADMIN);
    assertThat(rule("POST", "nodes"))
        .isEqualTo(new Policy.Rule("baremetal:node:create", Role.ADMIN));
    assertThat(rule("DELETE", "nodes/n1").rule()).isEqualTo("baremetal:node:delete");
    assertThat(rule("POST", "ports"))
        .isEqualTo(new Policy.Rule("baremetal:port:create", Role.ADMIN));
    assertThat(rule("PATCH", "ports/p1").rule()).isEqualTo("baremetal:port:update");
    assertThat(rule("DELETE", "ports/p1").role()).isEqualTo(Role.ADMIN);
  }

  @Test
  void rolesIncludeTheOnesBelowThem() {
    assertThat(new Caller("a", java.util.Set.of(Role.ADMIN)).may(Role.READER)).isTrue();
    assertThat(new Caller("m", java.util.Set.of(Role.MEMBER)).may(Role.ADMIN)).isFalse();
    assertThat(new Caller("r", java.util.Set.of(Role.READER)).may(Role.MEMBER)).isFalse();
    assertThat(new Caller("none", java.util.Set.of()).may(Role.READER)).isFalse();
  }
}
