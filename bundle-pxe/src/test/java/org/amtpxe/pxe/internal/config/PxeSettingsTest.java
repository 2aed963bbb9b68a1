package org.amtpxe.pxe.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
}
