package org.amtpxe.conductor.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.conductor.internal.ConductorRuntime;
import org.amtpxe.conductor.internal.ConductorSettings;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two conductors whose APIs serve HTTPS with their own generated certificates: calls between them
 * are refused while neither trusts the other's certificate (the JVM's default trust store knows
 * neither), and carried out at the owner once {@code cluster_cafile} holds both certificates.
 */
class ClusterTlsTest {
  private static final String SECRET = "cluster-secret-of-at-least-32-bytes-0123456789";

  @TempDir Path dir;

  private final Map<String, ConductorRuntime> runtimes = new LinkedHashMap<>();
  private final Map<String, FakeDriver> hardware = new HashMap<>();
  private final String dbUrl =
      "jdbc:h2:mem:cluster-tls-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private HttpClient client;

  private void start(String host, boolean withCaFile) throws Exception {
    FakeDriver driver = new FakeDriver("fake");
    DriverRegistry drivers = new DriverRegistry();
    drivers.addDriver(driver, Map.of(BareMetalDriver.NAME_PROPERTY, "fake"));
    Map<String, Object> config = new HashMap<>();
    config.put("host", host);
    config.put("api_port", 0);
    config.put("db_url", dbUrl);
    config.put("sync_interval", 0);
    config.put("heartbeat_interval", 1);
    config.put("heartbeat_timeout", 3);
    config.put("hash_partitions", 64);
    config.put("cluster_secret_file", "cluster.secret");
    config.put("api_tls_keystore", host + ".p12");
    config.put("api_tls_keystore_password", "keystore-pw-" + host);
    config.put("api_tls_generate", true);
    if (withCaFile) {
      config.put("cluster_cafile", "conductors.pem");
    }
    ConductorSettings s = ConductorSettings.from(config, dir.resolve(host), dir);
    runtimes.put(host, ConductorRuntime.start(s, drivers));
    hardware.put(host, driver);
  }

  private void startBoth(boolean withCaFile) throws Exception {
    for (String host : List.of("c1", "c2")) {
      start(host, withCaFile);
    }
    runtimes.values().forEach(r -> r.registry().refresh());
    Files.writeString(
        dir.resolve("conductors.pem"),
        Files.readString(dir.resolve("c1.p12.pem")) + Files.readString(dir.resolve("c2.p12.pem")));
    client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .sslContext(ClusterTrust.fromPem(dir.resolve("conductors.pem")))
            .build();
  }

  @AfterEach
  void stop() {
    runtimes.values().forEach(ConductorRuntime::close);
  }

  private Http api(String host) {
    return new Http(client, "https://127.0.0.1:" + runtimes.get(host).apiPort()).version("1.78");
  }

  /** A node that c2 owns, created through c1. */
  private String nodeOwnedByC2() {
    for (int i = 0; i < 64; i++) {
      Resp r =
          api("c1")
              .post(
                  "/v1/nodes",
                  "{\"name\": \"n"
                      + i
                      + "\", \"driver\": \"fake\", \"driver_info\": {\"fake_address\":"
                      + " \"10.0.0.1\", \"fake_password\": \"pw\"}}");
      assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
      if (r.json().get("conductor").asText().equals("c2")) {
        return r.json().get("uuid").asText();
      }
    }
    throw new AssertionError("no node of 64 went to c2");
  }

  @Test
  void withoutTheOwnersCertificateTheCallIsRefusedAndNothingIsDone() throws Exception {
    Files.writeString(dir.resolve("cluster.secret"), SECRET);
    startBoth(false);
    String uuid = nodeOwnedByC2();

    Resp r = api("c1").put("/v1/nodes/" + uuid + "/states/power", "{\"target\": \"power on\"}");

    assertThat(r.status()).as(r.raw().body()).isEqualTo(503);
    assertThat(r.fault()).contains("did not answer").doesNotContain("PKIX");
    Thread.sleep(300);
    assertThat(hardware.values())
        .allSatisfy(d -> assertThat(d.calls()).noneMatch(c -> c.startsWith("power.set")));
  }

  @Test
  void withClusterCaFileTheOwnerCarriesTheCallOut() throws Exception {
    Files.writeString(dir.resolve("cluster.secret"), SECRET);
    startBoth(false);
    runtimes.values().forEach(ConductorRuntime::close);
    runtimes.clear();
    // Restarted with the certificates each generated on its first start.
    startBoth(true);
    String uuid = nodeOwnedByC2();

    Resp r = api("c1").put("/v1/nodes/" + uuid + "/states/power", "{\"target\": \"power on\"}");

    assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!"power on"
            .equals(api("c1").get("/v1/nodes/" + uuid).json().path("power_state").asText())
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(hardware.get("c2").calls())
        .anyMatch(c -> c.startsWith("power.set") && c.contains(uuid));
    assertThat(hardware.get("c1").calls()).noneMatch(c -> c.startsWith("power.set"));
  }
}
