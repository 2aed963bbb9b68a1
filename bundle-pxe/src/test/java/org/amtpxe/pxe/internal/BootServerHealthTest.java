package org.amtpxe.pxe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.amtpxe.api.health.Health;
import org.amtpxe.pxe.internal.config.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The boot servers' health checks: listening, disabled, or a port already taken. */
class BootServerHealthTest {
  @TempDir Path dir;
  private NetbootService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.deactivate();
    }
  }

  private Map<String, Object> config(int tftpPort, int httpPort) {
    Map<String, Object> c = new HashMap<>();
    c.put("tftp_address", "127.0.0.1");
    c.put("tftp_port", tftpPort);
    c.put("http_address", "127.0.0.1");
    c.put("http_port", httpPort);
    c.put("tftp_root", dir.resolve("boot").toString());
    c.put("image_cache_dir", dir.resolve("master").toString());
    return c;
  }

  @Test
  void listeningServersAreUpWithTheirAddresses() throws Exception {
    int tftpPort = NetbootServiceTest.freePort();
    int httpPort = NetbootServiceTest.freePort();
    service =
        new NetbootService(TestConfigs.config(config(tftpPort, httpPort)), dir, (a, p, t) -> {});

    Health tftp = new BootServerHealth.Tftp(service).check();
    Health http = new BootServerHealth.Http(service).check();

    assertThat(tftp)
        .isEqualTo(
            Health.up(
                "listening on UDP 127.0.0.1:" + tftpPort + ", serving " + dir.resolve("boot")));
    assertThat(http.status()).isEqualTo(Health.Status.UP);
    assertThat(http.reason()).startsWith("listening on TCP 127.0.0.1:" + httpPort + ", serving ");
    assertThat(new BootServerHealth.Tftp(service).name()).isEqualTo("pxe.tftp");
    assertThat(new BootServerHealth.Http(service).name()).isEqualTo("pxe.http");
  }

  @Test
  void aTakenTftpPortIsDownWithTheReasonAndWhatToChange() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      int port = taken.getLocalPort();
      service =
          new NetbootService(
              TestConfigs.config(config(port, NetbootServiceTest.freePort())),
              dir,
              (a, p, t) -> {});

      Health tftp = new BootServerHealth.Tftp(service).check();

      assertThat(tftp.status()).isEqualTo(Health.Status.DOWN);
      assertThat(tftp.reason())
          .startsWith("TFTP server cannot listen on UDP 127.0.0.1:" + port)
          .endsWith("change tftp_port or tftp_address");
    }
  }

  @Test
  void aTakenHttpPortIsDown() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      service =
          new NetbootService(
              TestConfigs.config(config(NetbootServiceTest.freePort(), port)),
              dir,
              (a, p, t) -> {});

      Health http = new BootServerHealth.Http(service).check();

      assertThat(http.status()).isEqualTo(Health.Status.DOWN);
      assertThat(http.reason())
          .startsWith("HTTP server cannot listen on TCP 127.0.0.1:" + port)
          .endsWith("change http_port or http_address");
    }
  }

  @Test
  void aDisabledServerIsUpAndSaysSo() throws Exception {
    Map<String, Object> c = config(NetbootServiceTest.freePort(), NetbootServiceTest.freePort());
    c.put("tftp_enabled", false);
    service = new NetbootService(TestConfigs.config(c), dir, (a, p, t) -> {});

    assertThat(new BootServerHealth.Tftp(service).check())
        .isEqualTo(Health.up("TFTP boot server disabled (tftp_enabled=false)"));
  }
}
