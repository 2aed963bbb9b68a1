package org.amtpxe.pxe.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.config.ConfigProblems;
import org.amtpxe.api.config.TypedConfig;
import org.amtpxe.pxe.internal.http.TestKeystore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    assertThat(s.imageSources().imageDirs()).containsExactly(data.resolve("amtpxe/images"));
    assertThat(s.imageSources().allowedHosts()).isEmpty();
    assertThat(s.imageSources().maxBytes()).isEqualTo(65536L * 1024 * 1024);
    assertThat(s.imageSources().downloadTimeout()).isEqualTo(Duration.ofSeconds(1800));
  }

  PxeSettings with(Map<String, Object> overrides) {
    return PxeSettings.from(TestConfigs.config(overrides), data, Path.of("/opt/karaf/etc"));
  }

  @Test
  void imageSourceSettingsAreParsed() {
    PxeSettings s =
        with(
            Map.of(
                "image_dirs",
                " /srv/images , ${karaf.data}/amtpxe/images/extra,",
                "image_url_allowed_hosts",
                "Images.Example.org., *.cdn.example.net, 10.0.0.1, [::1]",
                "image_max_size_mb",
                1024L,
                "image_download_timeout_seconds",
                60));
    assertThat(s.imageSources().imageDirs())
        .containsExactly(Path.of("/srv/images"), data.resolve("amtpxe/images/extra"));
    assertThat(s.imageSources().allowedHosts())
        .containsExactly("images.example.org", "*.cdn.example.net", "10.0.0.1", "[::1]");
    assertThat(s.imageSources().maxBytes()).isEqualTo(1024L * 1024 * 1024);
    assertThat(s.imageSources().downloadTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(with(Map.of("image_dirs", "")).imageSources().imageDirs()).isEmpty();
  }

  @Test
  void imageDirsThatOverlapWhatIsNeverReadAreRefusedByName() {
    String[][] bad = {
      {"images", "must list absolute directories ('images' is not one)"},
      {"/", "is or contains /dev"},
      {"/etc/images", "lies in /etc"},
      {"/proc", "is or contains /proc"},
      {"/var/lib/karaf/data", "is or contains Karaf's data directory"},
      {"/var/lib/karaf/data/amtpxe", "is or contains tftp_root"},
      {"/var/lib/karaf/data/amtpxe/conductor", "lies in Karaf's data directory"},
      {"/var/lib/karaf/data/amtpxe/tftpboot", "tftp_root"},
      {"/var/lib/karaf/data/amtpxe/master_images/x", "lies in image_cache_dir"},
      {"/opt/karaf/etc", "Karaf's etc directory"},
      {"/opt/karaf", "is or contains Karaf's etc directory"},
    };
    for (String[] b : bad) {
      assertThatThrownBy(() -> with(Map.of("image_dirs", "/srv/images," + b[0])))
          .as(b[0])
          .isInstanceOf(ConfigProblems.InvalidConfigurationException.class)
          .hasMessageContaining("image_dirs=/srv/images," + b[0] + ": must ")
          .hasMessageContaining(b[0])
          .hasMessageContaining(b[1]);
    }
  }

  @Test
  void anImageDirThatIsReallyALinkIntoEtcIsRefused(@TempDir Path tmp) throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("images"), Path.of("/etc"));
    assertThatThrownBy(() -> with(Map.of("image_dirs", link.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain " + link + " (really /etc)")
        .hasMessageContaining("/etc");
  }

  @Test
  void badHostsAndSizesAreNamedWithTheirValues() {
    assertThatThrownBy(
            () ->
                with(
                    Map.of(
                        "image_url_allowed_hosts",
                        "ok.example.org, bad host!, *.",
                        "image_max_size_mb",
                        0L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "image_url_allowed_hosts=ok.example.org, bad host!, *.: must list host names, IP"
                + " addresses ([::1] for IPv6) or *.example.org ('bad host!', '*.' are not)")
        .hasMessageContaining("image_max_size_mb=0: must be an integer in 1-16777216");
    assertThatThrownBy(() -> with(Map.of("image_max_size_mb", 16L * 1024 * 1024 + 1)))
        .hasMessageContaining("image_max_size_mb=16777217");
    assertThatThrownBy(() -> with(Map.of("image_download_timeout_seconds", 0)))
        .hasMessageContaining("image_download_timeout_seconds=0");
  }

  @Test
  void theProtectedDirectoriesIncludeTheRootsTheCacheAndKaraf() {
    PxeSettings s = with(Map.of("http_root", "/srv/httpboot"));
    assertThat(s.imageSources().protectedDirs())
        .contains(
            Path.of("/etc"),
            Path.of("/dev"),
            s.tftpRoot(),
            Path.of("/srv/httpboot"),
            s.imageCacheDir(),
            data,
            Path.of("/opt/karaf/etc"));
    assertThat(s.imageSources().isProtected(data.resolve("amtpxe/conductor.mv.db"))).isTrue();
    assertThat(s.imageSources().isProtected(data.resolve("amtpxe/images/disk.raw"))).isFalse();
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
        .isInstanceOfSatisfying(
            ConfigProblems.InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "tftp_address=10.0.0.300: must be an IPv4 address (0.0.0.0 for every"
                            + " interface)",
                        "tftp_port=70000: must be an integer in 1-65535",
                        "image_cache_dir=/srv/tftpboot/master: must lie outside tftp_root and"
                            + " http_root, beside them on the same filesystem",
                        "api_url=ftp://x: must be an http(s) URL with a host, e.g."
                            + " http://10.0.0.1:8080",
                        "default_boot_mode=efi: must be one of bios, uefi",
                        "tftp_max_block_size=4: must be an integer in 8-65464"))
        .hasMessageStartingWith("Invalid configuration org.amtpxe.pxe: ")
        .hasMessageEndingWith(
            ". Fix etc/org.amtpxe.pxe.cfg; the previous configuration stays in force.");
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
            new Bad("tftp_max_timeout_seconds", 0, "1-255"),
            new Bad("tftp_max_timeout_seconds", 256, "1-255"),
            new Bad("tftp_transfer_lifetime_seconds", 9, "10-86400"),
            new Bad("tftp_transfer_lifetime_seconds", 86_401, "10-86400"),
            new Bad("tftp_max_transfers_per_client", 0, "1-10000"),
            new Bad("tftp_max_transfers_per_client", 10_001, "1-10000"))) {
      assertThatThrownBy(
              () -> PxeSettings.from(TestConfigs.config(Map.of(bad.key(), bad.value())), data))
          .as(bad.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(
              bad.key() + "=" + bad.value() + ": must be an integer in " + bad.range())
          .hasMessageContaining("previous configuration stays");
    }
  }

  @Test
  void refusesAServerTimeoutLongerThanAClientMayNegotiate() {
    assertThatThrownBy(
            () -> PxeSettings.from(TestConfigs.config(Map.of("tftp_timeout_ms", 6000)), data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "tftp_timeout_ms=6000: must not exceed tftp_max_timeout_seconds=5 (5000 ms)");
    PxeSettings s =
        PxeSettings.from(
            TestConfigs.config(Map.of("tftp_timeout_ms", 6000, "tftp_max_timeout_seconds", 6)),
            data);
    assertThat(s.tftpTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(s.tftpMaxTimeout()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void aTlsKeystoreIsCheckedWithItsPasswordAndTheUrlBecomesHttps(@TempDir Path tmp)
      throws Exception {
    Path keystore = TestKeystore.create(tmp.resolve("boot.p12"), "s3cret-pw");
    PxeSettings s =
        with(
            Map.of(
                "http_address", "192.168.77.1",
                "http_tls_keystore", keystore.toString(),
                "http_tls_keystore_password", "s3cret-pw"));
    assertThat(s.httpTls().keystore()).isEqualTo(keystore);
    assertThat(s.httpUrl()).isEqualTo("https://192.168.77.1:8080");
    assertThat(s.toString()).doesNotContain("s3cret-pw");
    assertThatThrownBy(
            () ->
                with(
                    Map.of(
                        "http_tls_keystore",
                        keystore.toString(),
                        "http_tls_keystore_password",
                        "wrong-pw")))
        .hasMessageContaining(
            "http_tls_keystore="
                + keystore
                + ": must be a PKCS12 keystore that http_tls_keystore_password opens (wrong"
                + " password)")
        .hasMessageNotContaining("wrong-pw");
    assertThatThrownBy(() -> with(Map.of("http_tls_keystore_password", "s3cret-pw")))
        .hasMessageContaining(
            "http_tls_keystore_password=(not shown): must be empty when http_tls_keystore is")
        .hasMessageNotContaining("s3cret-pw");
    assertThatThrownBy(() -> with(Map.of("http_tls_keystore", "boot.p12")))
        .hasMessageContaining("http_tls_keystore=boot.p12: must be the absolute path");
    assertThat(with(Map.of()).httpTls()).isNull();
  }

  /**
   * Felix SCR 2.2.6 would throw a ComponentException naming no key for the integers, and read "yes"
   * as false: here each is named with its key and value, beside the other problems.
   */
  @Test
  void valuesThatAreNotOfTheirTypeAreNamedWithTheirKey() {
    assertThatThrownBy(
            () ->
                with(
                    Map.of(
                        "tftp_port", "sixty-nine",
                        "image_max_size_mb", "1e6",
                        "tftp_enabled", "yes",
                        "amt_wait", "soon",
                        "http_port", 0)))
        .isInstanceOfSatisfying(
            ConfigProblems.InvalidConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "tftp_port=sixty-nine: must be an integer in 1-65535",
                        "http_port=0: must be an integer in 1-65535",
                        "image_max_size_mb=1e6: must be an integer in 1-16777216",
                        "amt_wait=soon: must be an integer in 0-600",
                        "tftp_enabled=yes: must be true or false"));
  }

  @Test
  void stringsAsAConfigurationFileGivesThemAreRead() {
    PxeSettings s =
        with(
            Map.of(
                "tftp_port", "69",
                "tftp_enabled", "false",
                "image_cache_size_mb", "10",
                "amt_wait", " 7 "));
    assertThat(s.tftpPort()).isEqualTo(69);
    assertThat(s.tftpEnabled()).isFalse();
    assertThat(s.imageCacheSizeBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(s.amtWait()).isEqualTo(Duration.ofSeconds(7));
    assertThat(PxeSettings.defaults(data).amtWait())
        .isEqualTo(
            Duration.ofSeconds((Integer) TypedConfig.defaults(PxeConfig.class).get("amt_wait")));
  }
}
