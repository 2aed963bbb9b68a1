package org.amtpxe.pxe.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PxeSettingsTest {
  final Path data = Path.of("/var/lib/karaf/data");

  @Test
  void defaultsWorkUnprivilegedUnderKarafData() {
    PxeSettings s = PxeSettings.from(TestConfigs.config(Map.of()), data);
    assertThat(s.tftpPort()).isEqualTo(6969);
    assertThat(s.tftpRoot()).isEqualTo(data.resolve("amtpxe/tftpboot"));
    assertThat(s.httpRoot()).isEqualTo(s.tftpRoot());
    assertThat(s.sharedRoot()).isTrue();
    assertThat(s.imageCacheDir()).isEqualTo(data.resolve("amtpxe/master_images"));
    assertThat(s.httpUrl()).isEmpty(); // 0.0.0.0 names no address nodes could use
    assertThat(s.defaultBootMode()).isEqualTo(BootMode.BIOS);
    assertThat(s.rearmBeforeReboot()).isTrue();
    assertThat(s.diskDevices()).containsExactly("cciss/c0d0", "sda", "hda", "vda");
  }

  @Test
  void derivesTheHttpUrlFromASpecificAddressAndStripsSlashes() {
    PxeSettings s =
        PxeSettings.from(
            TestConfigs.config(
                Map.of(
                    "http_address",
                    "192.168.77.1",
                    "http_port",
                    8088,
                    "api_url",
                    "http://192.168.77.1:6385/")),
            data);
    assertThat(s.httpUrl()).isEqualTo("http://192.168.77.1:8088");
    assertThat(s.apiUrl()).isEqualTo("http://192.168.77.1:6385");
  }

  @Test
  void reportsEveryBadValueAtOnce() {
    assertThatThrownBy(
            () ->
                PxeSettings.from(
                    TestConfigs.config(
                        Map.of(
                            "tftp_port", 70000,
                            "tftp_address", "10.0.0.300",
                            "api_url", "ftp://x",
                            "default_boot_mode", "efi",
                            "tftp_max_block_size", 4,
                            "image_cache_dir", "/srv/tftpboot/master",
                            "tftp_root", "/srv/tftpboot")),
                    data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tftp_port=70000")
        .hasMessageContaining("tftp_address=10.0.0.300")
        .hasMessageContaining("api_url=ftp://x")
        .hasMessageContaining("default_boot_mode=efi")
        .hasMessageContaining("tftp_max_block_size=4")
        .hasMessageContaining("image_cache_dir")
        .hasMessageContaining("previous configuration stays");
  }

  @Test
  void tftpDefaultsBoundWhatOneClientCanHold() {
    PxeSettings s = PxeSettings.from(TestConfigs.config(Map.of()), data);
    assertThat(s.tftpMaxTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.tftpTransferLifetime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.tftpMaxTransfersPerClient()).isEqualTo(8);
    assertThat(s.tftpMaxTransfers()).isEqualTo(64);
    // One unacknowledged packet holds a slot at most timeout x (retries + 1).
    assertThat(s.tftpMaxTimeout().multipliedBy(s.tftpRetries() + 1))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void refusesTftpLimitsOutOfRangeNamingKeyValueAndRange() {
    record Bad(String key, int value, String range) {}
    for (Bad bad :
        List.of(
            new Bad("tftp_max_timeout_seconds", 0, "between 1 and 255"),
            new Bad("tftp_max_timeout_seconds", 256, "between 1 and 255"),
            new Bad("tftp_transfer_lifetime_seconds", 9, "between 10 and 86400"),
            new Bad("tftp_transfer_lifetime_seconds", 86_401, "between 10 and 86400"),
            new Bad("tftp_max_transfers_per_client", 0, "between 1 and 10000"),
            new Bad("tftp_max_transfers_per_client", 10_001, "between 1 and 10000"))) {
      assertThatThrownBy(
              () -> PxeSettings.from(TestConfigs.config(Map.of(bad.key(), bad.value())), data))
          .as(bad.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad.key() + "=" + bad.value() + ": must be " + bad.range())
          .hasMessageContaining("previous configuration stays");
    }
  }

  @Test
  void refusesAServerTimeoutLongerThanAClientMayNegotiate() {
    assertThatThrownBy(
            () -> PxeSettings.from(TestConfigs.config(Map.of("tftp_timeout_ms", 6000)), data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tftp_timeout_ms=6000")
        .hasMessageContaining("tftp_max_timeout_seconds=5 (5000 ms)");
    PxeSettings s =
        PxeSettings.from(
            TestConfigs.config(Map.of("tftp_timeout_ms", 6000, "tftp_max_timeout_seconds", 6)),
            data);
    assertThat(s.tftpTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(s.tftpMaxTimeout()).isEqualTo(Duration.ofSeconds(6));
  }
}
