package org.amtpxe.pxe.internal.dhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.amtpxe.api.config.ConfigProblems;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.pxe.internal.config.PxeSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsmasqHostEntriesTest {
  @TempDir Path dir;

  @Test
  void theOptionsFileSendsIpxeOfTheConductorsTagToItsBootScript() throws Exception {
    DnsmasqHostEntries entries =
        new DnsmasqHostEntries(
            dir.resolve("hosts"), dir.resolve("opts"), "http://192.168.77.1:8080");
    entries.writeOptions();
    assertThat(entries.optionsFile()).isEqualTo(dir.resolve("opts/amtpxe-192-168-77-1-8080"));
    assertThat(Files.readString(entries.optionsFile()))
        .isEqualTo(
            "tag:amtpxe-192-168-77-1-8080,tag:ipxe,option:bootfile-name,"
                + "http://192.168.77.1:8080/boot.ipxe\n");
    MacAddress mac = MacAddress.parse("52:54:00:AB:CD:EF");
    entries.writeHost(mac);
    assertThat(Files.readString(dir.resolve("hosts/52-54-00-ab-cd-ef")))
        .isEqualTo("52:54:00:ab:cd:ef,set:amtpxe-192-168-77-1-8080\n");
    // No temporary file is left where dnsmasq reads.
    try (var files = Files.list(dir.resolve("hosts"))) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void aTagNamesTheHostAndPortOfHttpsAndNamedServersToo() {
    assertThat(new DnsmasqHostEntries(dir, dir.resolve("o"), "https://Boot.Site-2.example").tag())
        .isEqualTo("amtpxe-boot-site-2-example-443");
  }

  @Test
  void settingsRefuseOneFolderWithoutTheOtherAndRelativePaths() {
    assertThatThrownBy(
            () ->
                PxeSettings.from(
                    Map.of("dhcp_hostsdir", dir.toString(), "http_url", "http://10.0.0.1:8080"),
                    dir))
        .isInstanceOf(ConfigProblems.InvalidConfigurationException.class)
        .hasMessageContaining("dhcp_optsdir");
    assertThatThrownBy(
            () ->
                PxeSettings.from(
                    Map.of(
                        "dhcp_hostsdir",
                        "hosts",
                        "dhcp_optsdir",
                        dir.resolve("o").toString(),
                        "http_url",
                        "http://10.0.0.1:8080"),
                    dir))
        .isInstanceOf(ConfigProblems.InvalidConfigurationException.class)
        .hasMessageContaining("dhcp_hostsdir")
        .hasMessageContaining("absolute");
    PxeSettings s =
        PxeSettings.from(
            Map.of(
                "dhcp_hostsdir",
                dir.resolve("h").toString(),
                "dhcp_optsdir",
                dir.resolve("o").toString(),
                "http_url",
                "http://10.0.0.1:8080"),
            dir);
    assertThat(s.dhcpEntries().tag()).isEqualTo("amtpxe-10-0-0-1-8080");
  }
}
