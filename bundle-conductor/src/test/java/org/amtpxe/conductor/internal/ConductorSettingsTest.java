package org.amtpxe.conductor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.config.ConfigProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conductor's configuration read and checked: types, ranges, combinations, the report. */
class ConductorSettingsTest {
  private static final String FIX = ". Fix etc/org.amtpxe.conductor.cfg; ";

  @TempDir Path data;

  private ConductorSettings with(Map<String, ?> values) {
    return ConductorSettings.from(values, data, data.resolve("etc"));
  }

  /** The problems of a configuration that must be refused. */
  private List<String> problems(Map<String, ?> values) {
    try {
      with(values);
    } catch (ConfigProblems.InvalidConfigurationException e) {
      return e.problems();
    }
    throw new AssertionError("accepted: " + values);
  }

  @Test
  void defaultsPutTheDatabaseUnderKarafData() {
    ConductorSettings s = ConductorSettings.defaults(data);

    assertThat(s.dbUrl())
        .isEqualTo(
            "jdbc:h2:file:"
                + data.resolve("amtpxe").resolve("conductor").toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
    assertThat(s.apiHost()).isEqualTo("127.0.0.1");
    assertThat(s.apiPort()).isEqualTo(6385);
    assertThat(s.apiRamdiskPort()).isEqualTo(-1);
    assertThat(s.apiTlsKeystore()).isNull();
    assertThat(s.apiTlsGenerate()).isFalse();
    assertThat(s.authRealm()).as("no authentication on loopback").isNull();
    assertThat(s.callbackTimeout().toSeconds()).isEqualTo(1800);
    assertThat(s.workerThreads() + s.workerQueue()).isEqualTo(16 + 256);
    assertThat(with(Map.of("service.pid", ConductorConfig.PID, "component.id", 7L)))
        .as("keys that are not the interface's are ignored")
        .isEqualTo(s);
  }

  @Test
  void numbersAndBooleansMayBeTextWithBlanksOrTyped() throws Exception {
    Path etc = data.resolve("etc");
    Files.createDirectories(etc);
    ConductorSettings s =
        with(
            Map.of(
                "api_port", " 6390 ",
                "worker_threads", 4,
                "worker_queue", 5L,
                "api_ramdisk_port", " 6386 ",
                "api_tls_keystore", "api.p12",
                "api_tls_keystore_password", "secret-pw",
                "api_tls_generate", " TRUE "));

    assertThat(s.apiPort()).isEqualTo(6390);
    assertThat(s.workerThreads()).isEqualTo(4);
    assertThat(s.workerQueue()).isEqualTo(5);
    assertThat(s.apiRamdiskPort()).isEqualTo(6386);
    assertThat(s.apiTlsGenerate()).isTrue();
    assertThat(with(Map.of("api_ramdisk_port", 0)).apiRamdiskPort()).isZero();
    assertThat(with(Map.of("api_ramdisk_port", "")).apiRamdiskPort()).isEqualTo(-1);
  }

  @Test
  void aValueThatIsNotAnIntegerIsNamedWithItsKeyItsTextAndTheRange() {
    assertThatThrownBy(() -> with(Map.of("api_port", "port-six")))
        .isInstanceOf(ConfigProblems.InvalidConfigurationException.class)
        .hasMessage(
            "Invalid configuration org.amtpxe.conductor: api_port=port-six: must be an integer in"
                + " 0-65535"
                + FIX
                + "the previous configuration stays in force.");
    assertThat(problems(Map.of("sync_timeout", "", "api_threads", "3000000000")))
        .containsExactlyInAnyOrder(
            "sync_timeout=: must be an integer in 1-2147483647",
            "api_threads=3000000000: must be an integer in 8-2147483647");
    assertThat(problems(Map.of("api_ramdisk_port", "http")))
        .containsExactly("api_ramdisk_port=http: must be empty (none) or an integer in 0-65535");
    assertThat(problems(Map.of("api_tls_generate", "yes", "worker_queue", List.of(1, 2))))
        .containsExactlyInAnyOrder(
            "api_tls_generate=yes: must be true or false",
            "worker_queue=[1, 2]: must be an integer in 0-2147483647");
  }

  @Test
  void everyIntegerKeyIsRefusedOutsideItsRange() {
    record Bad(String key, long value, String range) {}
    for (Bad bad :
        List.of(
            new Bad("api_port", -1, "0-65535"),
            new Bad("api_port", 65536, "0-65535"),
            new Bad("api_threads", 7, "8-2147483647"),
            new Bad("api_body_timeout_seconds", 0, "1-3600"),
            new Bad("api_body_timeout_seconds", 3601, "1-3600"),
            new Bad("api_max_connections", 0, "1-2147483647"),
            new Bad("auth_cache_seconds", -1, "0-3600"),
            new Bad("auth_cache_seconds", 3601, "0-3600"),
            new Bad("sync_interval", -1, "0-2147483647"),
            new Bad("sync_parallelism", 0, "1-2147483647"),
            new Bad("sync_timeout", 0, "1-2147483647"),
            new Bad("sync_max_retries", -1, "0-2147483647"),
            new Bad("callback_timeout", -1, "0-2147483647"),
            new Bad("callback_check_interval", 0, "1-2147483647"),
            new Bad("worker_threads", 0, "1-2147483647"),
            new Bad("worker_queue", -1, "0-2147483647"))) {
      assertThat(problems(Map.of(bad.key(), bad.value())))
          .as(bad.toString())
          .containsExactly(
              bad.key() + "=" + bad.value() + ": must be an integer in " + bad.range());
    }
    assertThat(problems(Map.of("api_ramdisk_port", 65536)))
        .containsExactly("api_ramdisk_port=65536: must be empty (none) or an integer in 0-65535");
  }

  @Test
  void aClusterCaFileMustHoldCertificates() throws Exception {
    Path etc = data.resolve("etc");
    Files.createDirectories(etc);
    Files.writeString(etc.resolve("empty.pem"), "");
    Files.writeString(
        etc.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

    assertThat(problems(Map.of("cluster_cafile", "missing.pem")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("cluster_cafile=missing.pem: ")
        .contains("is not a readable file");
    assertThat(problems(Map.of("cluster_cafile", "empty.pem")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("holds no certificate")
        .contains("<api_tls_keystore>.pem");
    assertThat(problems(Map.of("cluster_cafile", "key.pem")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("<api_tls_keystore>.pem");
  }

  @Test
  void severalProblemsAreReportedAtOnceInOneSentence() {
    Map<String, Object> bad = new HashMap<>();
    bad.put("api_port", 70000);
    bad.put("sync_parallelism", 0);
    bad.put("db_url", "jdbc:mysql://x/y");
    bad.put("callback_timeout", "-1");
    bad.put("auth_realm", "my realm");
    bad.put("host", "h".repeat(256));

    assertThatThrownBy(() -> with(bad))
        .isInstanceOfSatisfying(
            ConfigProblems.InvalidConfigurationException.class,
            e ->
                assertThat(e.report("the conductor does not start until then"))
                    .isEqualTo(
                        "Invalid configuration org.amtpxe.conductor: api_port=70000: must be an"
                            + " integer in 0-65535; auth_realm=my realm: must be a JAAS realm name"
                            + " of 1-64 letters, digits, '.', '_' or '-': amtpxe (the credentials"
                            + " file) or a realm configured in Karaf, such as karaf;"
                            + " db_url=jdbc:mysql://x/y: must start with jdbc:h2: or"
                            + " jdbc:postgresql:; host="
                            + "h".repeat(256)
                            + ": must be at most 255 characters long; sync_parallelism=0: must be"
                            + " an integer in 1-2147483647; callback_timeout=-1: must be an"
                            + " integer in 0-2147483647"
                            + FIX
                            + "the conductor does not start until then."))
        .hasMessageEndingWith(FIX + "the previous configuration stays in force.");
  }

  @Test
  void passwordsAreNeverShownNotEvenInsideTheDatabaseUrl() {
    String secret = "s3cret-Pw";
    Map<String, Object> bad = new HashMap<>();
    bad.put("db_password", new String[] {secret});
    bad.put("db_url", "jdbc:mysql://amtpxe:" + secret + "@db/amtpxe?password=" + secret + "&x=1");
    bad.put("api_tls_keystore", "api.p12");
    bad.put("api_tls_generate", true);
    bad.put("api_tls_keystore_password", "s3c");

    assertThatThrownBy(() -> with(bad))
        .hasMessageNotContaining(secret)
        .hasMessageNotContaining("s3c")
        .hasMessageContaining("db_password=(not shown): must be a single value")
        .hasMessageContaining(
            "db_url=jdbc:mysql://amtpxe:(not shown)@db/amtpxe?password=(not shown)&x=1: must"
                + " start with jdbc:h2: or jdbc:postgresql:")
        .hasMessageContaining(
            "api_tls_keystore_password=(not shown): must be at least 6 characters long, keytool's"
                + " minimum for a generated keystore");

    ConductorSettings s =
        with(
            Map.of(
                "db_password",
                secret,
                "db_url",
                "jdbc:postgresql://127.0.0.1/db?password=" + secret));
    assertThat(s.toString()).doesNotContain(secret).contains("password=(not shown)");
    assertThat(s.dbPassword()).isEqualTo(secret);
  }

  @Test
  void aNonLoopbackAddressNeedsCredentials() throws Exception {
    assertThat(problems(Map.of("api_host", "0.0.0.0")))
        .containsExactly(
            "api_host=0.0.0.0: must be a loopback address such as 127.0.0.1 while the API has no"
                + " credentials: set auth_file (baremetal:user-add creates it) or auth_realm (a"
                + " Karaf JAAS realm)");
    assertThat(problems(Map.of("api_host", "0.0.0.0", "auth_file", "/nonexistent/users")))
        .containsExactly(
            "auth_file=/nonexistent/users: must be a readable file: create it with"
                + " baremetal:user-add");
    assertThat(problems(Map.of("api_host", " ")))
        .containsExactly("api_host= : must be an address such as 127.0.0.1");

    Path users = Files.writeString(data.resolve("users"), "");
    ConductorSettings file = with(Map.of("api_host", "0.0.0.0", "auth_file", users.toString()));
    assertThat(file.authRealm()).isEqualTo(ConductorSettings.AMTPXE_REALM);
    assertThat(file.authFile()).isEqualTo(users);
    ConductorSettings karaf = with(Map.of("api_host", "0.0.0.0", "auth_realm", " karaf "));
    assertThat(karaf.authRealm()).isEqualTo("karaf");
    assertThat(karaf.plainHttpOffLoopback()).isTrue();
  }

  @Test
  void tlsSettingsAreCheckedTogether() {
    Path keystore = data.resolve("etc").resolve("api.p12").toAbsolutePath();
    assertThat(problems(Map.of("api_tls_keystore", "api.p12")))
        .containsExactlyInAnyOrder(
            "api_tls_keystore_password=(not shown): must be set to the password of"
                + " api_tls_keystore "
                + keystore,
            "api_tls_keystore=api.p12: must name an existing PKCS12 keystore ("
                + keystore
                + " does not exist): create it or set api_tls_generate=true");
    assertThat(problems(Map.of("api_tls_generate", "true")))
        .containsExactly(
            "api_tls_generate=true: must be false while api_tls_keystore is empty: set the file"
                + " to generate, e.g. api_tls_keystore = amtpxe-api.p12");
    // A generate flag that is not a boolean is one problem, not three.
    assertThat(problems(Map.of("api_tls_keystore", "api.p12", "api_tls_generate", "sure")))
        .containsExactlyInAnyOrder(
            "api_tls_keystore_password=(not shown): must be set to the password of"
                + " api_tls_keystore "
                + keystore,
            "api_tls_generate=sure: must be true or false");
  }

  @Test
  void theKeystorePasswordNeverAppearsInToStringAndRelativePathsAreUnderEtc() {
    Path etc = data.resolve("etc");
    ConductorSettings s =
        with(
            Map.of(
                "api_tls_keystore", "tls/api.p12",
                "api_tls_keystore_password", "keystore-secret",
                "api_tls_generate", "TRUE"));

    assertThat(s.apiTlsKeystore()).isEqualTo(etc.resolve("tls/api.p12").toAbsolutePath());
    assertThat(s.apiTlsGenerate()).isTrue();
    assertThat(s.toString()).doesNotContain("keystore-secret").contains("https://");
  }

  @Test
  void theWorkerQueueAndThreadsTogetherFitTheAdmissionCount() {
    assertThat(problems(Map.of("worker_threads", 16, "worker_queue", Integer.MAX_VALUE)))
        .containsExactly(
            "worker_queue=2147483647: must not exceed 2147483631 (2147483647 minus"
                + " worker_threads)");
    assertThat(with(Map.of("worker_threads", 16, "worker_queue", 2147483631)).workerQueue())
        .isEqualTo(2147483631);
  }
}
