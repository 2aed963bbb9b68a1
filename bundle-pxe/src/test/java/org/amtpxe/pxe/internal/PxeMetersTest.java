package org.amtpxe.pxe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerFactory;
import org.amtpxe.conductor.internal.metrics.MicrometerMeters;
import org.amtpxe.pxe.internal.config.TestConfigs;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boot file transfers over real TFTP and HTTP, seen in the conductor's Prometheus text: counted by
 * server and outcome with their bytes, and not counted once the service is unbound.
 */
class PxeMetersTest {
  @TempDir Path dir;
  private NetbootService service;
  private final MicrometerMeters meters = new MicrometerMeters(MBeanServerFactory.newMBeanServer());
  private int tftpPort;
  private int httpPort;

  @AfterEach
  void stop() {
    if (service != null) {
      service.deactivate();
    }
    meters.close();
  }

  private void start() throws Exception {
    tftpPort = NetbootServiceTest.freePort();
    httpPort = NetbootServiceTest.freePort();
    Map<String, Object> c = new HashMap<>();
    c.put("tftp_address", "127.0.0.1");
    c.put("tftp_port", tftpPort);
    c.put("http_address", "127.0.0.1");
    c.put("http_port", httpPort);
    c.put("tftp_root", dir.resolve("boot").toString());
    c.put("image_cache_dir", dir.resolve("master").toString());
    service = new NetbootService(TestConfigs.config(c), dir, (a, p, t) -> {});
    service.bindMeters(meters);
    Files.write(dir.resolve("boot/pxelinux.0"), new byte[3000]);
  }

  private double sample(String prefix) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(prefix) + " (\\S+)$").matcher(meters.scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private void tftpGet(String file) throws IOException {
    TFTPClient tftp = new TFTPClient();
    tftp.setDefaultTimeout(Duration.ofSeconds(2));
    tftp.open();
    try {
      tftp.receiveFile(
          file,
          TFTP.BINARY_MODE,
          new ByteArrayOutputStream(),
          InetAddress.getByName("127.0.0.1"),
          tftpPort);
    } finally {
      tftp.close();
    }
  }

  private int httpGet(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
            HttpResponse.BodyHandlers.ofByteArray())
        .statusCode();
  }

  /** Waits for the server thread that counts a transfer after the client saw its end. */
  private void awaitSample(String prefix, double value) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (sample(prefix) != value && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(sample(prefix)).as(prefix).isEqualTo(value);
  }

  @Test
  void tftpTransfersAndRefusalsAreCountedWithTheirBytes() throws Exception {
    start();

    tftpGet("pxelinux.0");
    try {
      tftpGet("no-such-file");
    } catch (IOException expected) {
      // the server answers ERROR 1
    }

    awaitSample("amtpxe_pxe_transfers_seconds_count{outcome=\"ok\",server=\"tftp\"}", 1);
    awaitSample("amtpxe_pxe_bytes_total{outcome=\"ok\",server=\"tftp\"}", 3000);
    assertThat(meters.scrape())
        .containsPattern(
            "amtpxe_pxe_transfers_seconds_count\\{outcome=\"(failed|refused)\",server=\"tftp\"\\} 1");
  }

  @Test
  void httpTransfersAreCountedByOutcomeWithTheirBytes() throws Exception {
    start();

    assertThat(httpGet("/pxelinux.0")).isEqualTo(200);
    assertThat(httpGet("/pxelinux.0")).isEqualTo(200);
    assertThat(httpGet("/missing")).isEqualTo(404);

    awaitSample("amtpxe_pxe_transfers_seconds_count{outcome=\"ok\",server=\"http\"}", 2);
    awaitSample("amtpxe_pxe_bytes_total{outcome=\"ok\",server=\"http\"}", 6000);
    awaitSample("amtpxe_pxe_transfers_seconds_count{outcome=\"refused\",server=\"http\"}", 1);
  }

  @Test
  void withoutTheServiceTransfersWorkAndCountNothing() throws Exception {
    start();
    service.unbindMeters(meters);

    tftpGet("pxelinux.0");
    assertThat(httpGet("/pxelinux.0")).isEqualTo(200);

    Thread.sleep(200);
    assertThat(meters.scrape()).doesNotContain("amtpxe_pxe_");
  }
}
