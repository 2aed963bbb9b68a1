package org.amtpxe.pxe.internal;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.amtpxe.api.config.TypedConfig;
import org.amtpxe.pxe.internal.config.PxeConfig;
import org.amtpxe.pxe.internal.config.TestConfigs;
import org.amtpxe.pxe.internal.driver.PxeAmtDriver;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetbootServiceTest {
  @TempDir Path dir;
  NetbootService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.deactivate();
    }
  }

  Map<String, Object> config(int tftpPort, int httpPort) {
    Map<String, Object> c = new HashMap<>();
    c.put("tftp_address", "127.0.0.1");
    c.put("tftp_port", tftpPort);
    c.put("http_address", "127.0.0.1");
    c.put("http_port", httpPort);
    c.put("tftp_root", dir.resolve("boot").toString());
    c.put("image_cache_dir", dir.resolve("master").toString());
    return c;
  }

  static int freePort() throws Exception {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Test
  void servesTheRootOverTftpAndHttpAndWritesBootIpxe() throws Exception {
    int tftpPort = freePort();
    int httpPort = freePort();
    service =
        new NetbootService(TestConfigs.config(config(tftpPort, httpPort)), dir, (a, p, t) -> {});
    assertThat(dir.resolve("boot/boot.ipxe")).isRegularFile();
    TFTPClient tftp = new TFTPClient();
    tftp.setDefaultTimeout(Duration.ofSeconds(2));
    tftp.open();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tftp.receiveFile(
        "boot.ipxe", TFTP.BINARY_MODE, out, InetAddress.getByName("127.0.0.1"), tftpPort);
    tftp.close();
    assertThat(out.toString()).startsWith("#!ipxe");
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/boot.ipxe"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).startsWith("#!ipxe");
    assertThat(service.settings().httpUrl()).isEqualTo("http://127.0.0.1:" + httpPort);
    assertThat(service.status()).contains("TFTP: serving").contains("HTTP: serving");
  }

  @Test
  void anInvalidUpdateKeepsThePreviousConfiguration() throws Exception {
    service =
        new NetbootService(
            TestConfigs.config(config(freePort(), freePort())), dir, (a, p, t) -> {});
    var before = service.settings();
    Map<String, Object> bad = config(freePort(), freePort());
    bad.put("tftp_port", -1);
    String log = StderrCapture.of(() -> service.modified(TestConfigs.config(bad)));
    assertThat(service.settings()).isSameAs(before);
    assertThat(service.status()).contains("TFTP: serving");
    assertThat(log.lines().filter(l -> l.contains("ERROR"))).hasSize(1);
    assertThat(log)
        .contains(
            "Invalid configuration org.amtpxe.pxe: tftp_port=-1: must be an integer in 1-65535."
                + " Fix etc/org.amtpxe.pxe.cfg; the previous configuration stays in force.");
  }

  @Test
  void aValidUpdateMovesTheServers() throws Exception {
    service =
        new NetbootService(
            TestConfigs.config(config(freePort(), freePort())), dir, (a, p, t) -> {});
    int newHttp = freePort();
    service.modified(TestConfigs.config(config(freePort(), newHttp)));
    assertThat(service.status()).contains("127.0.0.1:" + newHttp);
  }

  @Test
  void anInvalidInitialConfigurationFailsActivationNamingTheKey() {
    Map<String, Object> bad = new HashMap<>();
    bad.put("http_port", 0);
    assertThatThrownBy(() -> new NetbootService(TestConfigs.config(bad), dir, (a, p, t) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http_port=0: must be an integer in 1-65535")
        .hasMessageEndingWith(
            "Fix etc/org.amtpxe.pxe.cfg; network boot and the pxe_amt driver do not start until"
                + " then.");
  }

  @Test
  void aTakenPortIsReportedNotFatal() throws Exception {
    try (java.net.DatagramSocket taken =
        new java.net.DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      Map<String, Object> c = config(taken.getLocalPort(), freePort());
      service = new NetbootService(TestConfigs.config(c), dir, (a, p, t) -> {});
      assertThat(service.status()).contains("TFTP: NOT RUNNING: cannot listen on UDP");
      assertThat(Files.exists(dir.resolve("boot"))).isTrue();
    }
  }

  @Test
  void createsTheImageDirsOnStartAndShowsThem() throws Exception {
    Map<String, Object> c = config(freePort(), freePort());
    c.put("image_dirs", "${karaf.data}/amtpxe/images, ${karaf.data}/amtpxe/images/more");
    service = new NetbootService(TestConfigs.config(c), dir, (a, p, t) -> {});
    assertThat(dir.resolve("amtpxe/images")).isDirectory();
    assertThat(dir.resolve("amtpxe/images/more")).isDirectory();
    assertThat(service.status())
        .contains(
            "image_dirs: "
                + dir.resolve("amtpxe/images")
                + ", "
                + dir.resolve("amtpxe/images/more"))
        .contains("image_url_allowed_hosts: (any host)");
  }

  @Test
  void anImageDirInKarafsEtcFailsActivation() {
    Map<String, Object> c = new HashMap<>();
    c.put("image_dirs", dir.resolve("etc/images").toString());
    assertThatThrownBy(
            () ->
                new NetbootService(TestConfigs.config(c), dir, dir.resolve("etc"), (a, p, t) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain " + dir.resolve("etc/images"))
        .hasMessageContaining("Karaf's etc directory");
  }

  /**
   * amt_wait comes through network boot's typed configuration like every other key of the PID: a
   * change applies at once, a bad value is reported with the others and the previous one stays.
   */
  @Test
  void amtWaitOfThePxeAmtDriverComesFromThisConfiguration() {
    Map<String, Object> config = new HashMap<>();
    config.put("tftp_enabled", "false");
    config.put("http_enabled", "false");
    NetbootService netboot = new NetbootService(config, dir, (a, p, t) -> {});
    try {
      PxeAmtDriver d = new PxeAmtDriver(netboot);
      assertThat(d.amtWait())
          .isEqualTo(ofSeconds((Integer) TypedConfig.defaults(PxeConfig.class).get("amt_wait")));

      config.put("amt_wait", "7");
      netboot.modified(config);
      assertThat(d.amtWait()).isEqualTo(ofSeconds(7));

      config.put("amt_wait", "soon");
      String log = StderrCapture.of(() -> netboot.modified(config));
      assertThat(d.amtWait()).isEqualTo(ofSeconds(7));
      assertThat(log)
          .contains(
              "Invalid configuration org.amtpxe.pxe: amt_wait=soon: must be an integer in 0-600."
                  + " Fix etc/org.amtpxe.pxe.cfg; the previous configuration stays in force.");

      config.put("amt_wait", "601");
      netboot.modified(config);
      assertThat(d.amtWait()).isEqualTo(ofSeconds(7));

      config.put("amt_wait", 0);
      netboot.modified(config);
      assertThat(d.amtWait()).isZero();
    } finally {
      netboot.deactivate();
    }
  }
}
