package org.amtpxe.pxe.internal.dhcp;

import org.amtpxe.pxe.internal.Golden;
import org.amtpxe.pxe.internal.boot.BootTemplates;
import org.junit.jupiter.api.Test;

class DnsmasqConfigTest {
  @Test
  void chainsBiosUefiAndIpxeClientsWhenServingAddresses() throws Exception {
    String conf =
        new DnsmasqConfig(
                "br0",
                "192.168.77.100",
                "192.168.77.150",
                "255.255.255.0",
                "192.168.77.1",
                "http://192.168.77.1:8080",
                false,
                false)
            .render();
    Golden.assertMatches("dnsmasq.conf", conf);
  }

  @Test
  void answersOnlyBootRequestsAsAProxy() throws Exception {
    String conf =
        new DnsmasqConfig(
                "br0",
                "192.168.77.0",
                null,
                null,
                "192.168.77.1",
                "http://192.168.77.1:8080",
                true,
                false)
            .render();
    Golden.assertMatches("dnsmasq-proxy.conf", conf);
  }

  @Test
  void canGiveBiosFirmwarePxelinux() throws Exception {
    String conf =
        new DnsmasqConfig(
                "br0",
                "192.168.77.100",
                "192.168.77.150",
                "255.255.255.0",
                "192.168.77.1",
                "http://192.168.77.1:8080",
                false,
                true)
            .render();
    Golden.assertMatches("dnsmasq-pxelinux.conf", conf);
  }

  @Test
  void dnsmasqAcceptsTheGeneratedFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path dnsmasq = java.nio.file.Path.of("/usr/sbin/dnsmasq");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isExecutable(dnsmasq),
        "dnsmasq is not installed (apt-get install dnsmasq-base): syntax check skipped");
    for (boolean proxy : new boolean[] {false, true}) {
      java.nio.file.Path conf = dir.resolve("dnsmasq-" + proxy + ".conf");
      java.nio.file.Files.writeString(
          conf,
          new DnsmasqConfig(
                  "lo",
                  proxy ? "127.0.0.0" : "127.0.0.100",
                  "127.0.0.150",
                  "255.0.0.0",
                  "127.0.0.1",
                  "http://127.0.0.1:8080",
                  proxy,
                  false)
              .render());
      Process p =
          new ProcessBuilder(dnsmasq.toString(), "--test", "--conf-file=" + conf)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      org.assertj.core.api.Assertions.assertThat(p.waitFor()).as(out).isZero();
      org.assertj.core.api.Assertions.assertThat(out).contains("syntax check OK");
    }
  }

  @Test
  void bootScriptChainsToThePerMacScript() throws Exception {
    Golden.assertMatches("boot.ipxe", BootTemplates.bootScript());
  }
}
