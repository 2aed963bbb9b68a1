package org.amtpxe.conductor.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three conductor runtimes on one database, each with its own API and its own driver (so the test
 * sees which conductor talked to the hardware): any conductor's API carries out an operation at the
 * node's owner; forged, replayed and foreign-secret calls between conductors are refused; a
 * conductor that stops hands its nodes over within a heartbeat.
 */
class ClusterTest {
  private static final String SECRET = "cluster-secret-of-at-least-32-bytes-0123456789";

  @TempDir Path dir;

  private final Map<String, ConductorRuntime> runtimes = new LinkedHashMap<>();
  private final Map<String, FakeDriver> hardware = new HashMap<>();
  private String dbUrl;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(dir.resolve("cluster.secret"), SECRET + "\n");
    dbUrl = "jdbc:h2:mem:cluster-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    for (String host : List.of("c1", "c2", "c3")) {
      start(host);
    }
    runtimes.values().forEach(r -> r.registry().refresh());
  }

  private void start(String host) throws Exception {
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
    ConductorSettings s = ConductorSettings.from(config, dir.resolve(host), dir);
    runtimes.put(host, ConductorRuntime.start(s, drivers));
    hardware.put(host, driver);
  }

  @AfterEach
  void stop() {
    runtimes.values().forEach(ConductorRuntime::close);
  }

  private Http api(String host) {
    return new Http("http://127.0.0.1:" + runtimes.get(host).apiPort()).version("1.78");
  }

  private String create(String name) {
    Resp r =
        api("c1")
            .post(
                "/v1/nodes",
                "{\"name\": \""
                    + name
                    + "\", \"driver\": \"fake\", \"driver_info\": {\"fake_address\": \"10.0.0.1\","
                    + " \"fake_password\": \"pw\"}}");
    assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
    return r.json().get("uuid").asText();
  }

  @Test
  void anyConductorsApiPowersAnyNodeAtItsOwner() throws Exception {
    Map<String, String> owners = new LinkedHashMap<>();
    for (int i = 0; i < 24; i++) {
      String uuid = create("n" + i);
      owners.put(uuid, api("c2").get("/v1/nodes/" + uuid).json().get("conductor").asText());
    }
    assertThat(owners.values()).contains("c1", "c2", "c3");

    List<String> asked = List.of("c1", "c2", "c3");
    int i = 0;
    for (String uuid : owners.keySet()) {
      String via = asked.get(i++ % 3);
      Resp r = api(via).put("/v1/nodes/" + uuid + "/states/power", "{\"target\": \"power on\"}");
      assertThat(r.status()).as(via + ": " + r.raw().body()).isEqualTo(202);
      assertThat(r.header("Location"))
          .as("the client is sent back to the conductor it asked")
          .startsWith("http://127.0.0.1:" + runtimes.get(via).apiPort() + "/");
    }
    for (String uuid : owners.keySet()) {
      awaitPower(uuid, "power on");
      for (var e : hardware.entrySet()) {
        boolean called =
            e.getValue().calls().stream()
                .anyMatch(c -> c.startsWith("power.set") && c.contains(uuid));
        assertThat(called)
            .as(uuid + " at " + e.getKey())
            .isEqualTo(e.getKey().equals(owners.get(uuid)));
      }
    }
    // The history names the client's request as the owner recorded it.
    String uuid = owners.keySet().iterator().next();
    JsonNode events = api("c1").get("/v1/nodes/" + uuid + "/history?detail=true").json();
    assertThat(events.toString()).contains(owners.get(uuid));
  }

  @Test
  void aConsoleIsOpenedByItsNodesOwnerAndShownByEveryConductor() throws Exception {
    String uuid = create("con");
    String owner = api("c1").get("/v1/nodes/" + uuid).json().get("conductor").asText();
    String other =
        List.of("c1", "c2", "c3").stream().filter(h -> !h.equals(owner)).findFirst().get();

    Resp r = api(other).put("/v1/nodes/" + uuid + "/states/console", "{\"enabled\": true}");
    assertThat(r.status()).as(r.raw().body()).isEqualTo(202);

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode shown = null;
    while (System.nanoTime() < deadline) {
      shown = api(other).get("/v1/nodes/" + uuid + "/states/console").json();
      if (shown.at("/console_info/url").isTextual()) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(shown.at("/console_info/url").asText()).as(shown.toString()).startsWith("tcp://");
    for (String host : List.of("c1", "c2", "c3")) {
      assertThat(runtimes.get(host).service().consoles().openConsoles())
          .as("console ports open on " + host)
          .isEqualTo(host.equals(owner) ? 1 : 0);
      assertThat(hardware.get(host).calls().contains("console.start:" + uuid))
          .isEqualTo(host.equals(owner));
    }
  }

  @Test
  void aConsoleMovesToTheNewOwnerWhenItsOwnerStopsAndBackWhenItReturns() throws Exception {
    String uuid = create("con");
    String owner = api("c1").get("/v1/nodes/" + uuid).json().get("conductor").asText();
    String other =
        List.of("c1", "c2", "c3").stream().filter(h -> !h.equals(owner)).findFirst().get();
    assertThat(
            api(other).put("/v1/nodes/" + uuid + "/states/console", "{\"enabled\": true}").status())
        .isEqualTo(202);
    awaitConsoles(Map.of(owner, 1));

    runtimes.remove(owner).close();
    runtimes.values().forEach(r -> r.registry().refresh());
    String next = api(other).get("/v1/nodes/" + uuid).json().get("conductor").asText();
    assertThat(next).isNotEqualTo(owner);
    awaitConsoles(Map.of(next, 1));
    JsonNode shown = api(other).get("/v1/nodes/" + uuid + "/states/console").json();
    assertThat(shown.at("/console_enabled").asBoolean()).isTrue();
    int port = runtimes.get(next).service().consoles().info(uuid).orElseThrow().port();
    assertThat(shown.at("/console_info/url").asText()).endsWith(":" + port);
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      assertThat(s.isConnected()).as("the new owner's port takes clients").isTrue();
    }

    start(owner);
    runtimes.values().forEach(r -> r.registry().refresh());
    awaitConsoles(Map.of(owner, 1));
    int back = runtimes.get(owner).service().consoles().info(uuid).orElseThrow().port();
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", back)) {
      assertThat(s.isConnected()).as("the returned owner's port takes clients").isTrue();
    }
  }

  /** Waits until exactly these conductors have these numbers of console ports open, others 0. */
  private void awaitConsoles(Map<String, Integer> expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Map<String, Integer> open = new LinkedHashMap<>();
    while (System.nanoTime() < deadline) {
      open.clear();
      runtimes.forEach((h, r) -> open.put(h, r.service().consoles().openConsoles()));
      boolean done = true;
      for (var e : open.entrySet()) {
        done &= e.getValue().equals(expected.getOrDefault(e.getKey(), 0));
      }
      if (done) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("console ports open: " + open + ", expected " + expected);
  }

  private void awaitPower(String uuid, String state) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode n = api("c1").get("/v1/nodes/" + uuid).json();
      if (state.equals(n.get("power_state").asText()) && n.get("target_power_state").isNull()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(uuid + " never reached " + state);
  }

  @Test
  void callsBetweenConductorsNeedAFreshUnseenSignatureOfTheSharedSecret() throws Exception {
    String uuid = create("target");
    String path = "/v1/nodes/" + uuid + "/states/power";
    byte[] body = "{\"target\": \"power on\"}".getBytes(StandardCharsets.UTF_8);
    Forwarder ours =
        new Forwarder(
            "c9",
            SECRET.getBytes(StandardCharsets.UTF_8),
            null,
            Duration.ofSeconds(5),
            Clock.systemUTC());
    String date = Long.toString(System.currentTimeMillis());
    String good = ours.sign("PUT", path, body, "1.78", "c9", "mallory", "admin", "10.0.0.66", date);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Forwarder.FROM, "c9");
    headers.put(Forwarder.USER, "mallory");
    headers.put(Forwarder.ROLES, "admin");
    headers.put(Forwarder.CLIENT, "10.0.0.66");
    headers.put(Forwarder.DATE, date);

    // A wrong signature, a changed role, a foreign secret, a stale date: 401, nothing done.
    assertThat(raw("c2", path, body, with(headers, Forwarder.SIGNATURE, "AAAA"))).isEqualTo(401);
    Map<String, String> promoted = with(headers, Forwarder.SIGNATURE, good);
    promoted.put(Forwarder.USER, "eve");
    assertThat(raw("c2", path, body, promoted)).isEqualTo(401);
    Forwarder foreign =
        new Forwarder(
            "c9",
            "another-secret-of-at-least-32-bytes-xxxxxxx".getBytes(StandardCharsets.UTF_8),
            null,
            Duration.ofSeconds(5),
            Clock.systemUTC());
    assertThat(
            raw(
                "c2",
                path,
                body,
                with(
                    headers,
                    Forwarder.SIGNATURE,
                    foreign.sign(
                        "PUT", path, body, "1.78", "c9", "mallory", "admin", "10.0.0.66", date))))
        .isEqualTo(401);
    String old = Long.toString(System.currentTimeMillis() - 120_000);
    Map<String, String> stale = with(headers, Forwarder.DATE, old);
    stale.put(
        Forwarder.SIGNATURE,
        ours.sign("PUT", path, body, "1.78", "c9", "mallory", "admin", "10.0.0.66", old));
    assertThat(raw("c2", path, body, stale)).isEqualTo(401);
    for (FakeDriver d : hardware.values()) {
      assertThat(d.calls()).noneMatch(c -> c.contains(uuid));
    }

    // The right one is carried out once; replayed, refused.
    assertThat(raw("c2", path, body, with(headers, Forwarder.SIGNATURE, good))).isEqualTo(202);
    assertThat(raw("c2", path, body, with(headers, Forwarder.SIGNATURE, good))).isEqualTo(401);
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return copy;
  }

  private int raw(String host, String path, byte[] body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + runtimes.get(host).apiPort() + path))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/json")
            .header("X-OpenStack-Ironic-API-Version", "1.78");
    headers.forEach(b::header);
    return HttpClient.newHttpClient()
        .send(b.build(), HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void aStoppedConductorsNodesGoToTheOthersAndItsShareComesBackWhenItReturns() throws Exception {
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      uuids.add(create("m" + i));
    }
    Map<String, String> before = owners(uuids);
    runtimes.remove("c3").close();
    runtimes.values().forEach(r -> r.registry().refresh());
    Map<String, String> during = owners(uuids);
    for (String uuid : uuids) {
      assertThat(during.get(uuid)).isIn("c1", "c2");
      if (!before.get(uuid).equals("c3")) {
        assertThat(during.get(uuid)).as("only c3's nodes move").isEqualTo(before.get(uuid));
      }
    }
    String moved = uuids.stream().filter(u -> before.get(u).equals("c3")).findFirst().orElseThrow();
    assertThat(
            api("c1")
                .put("/v1/nodes/" + moved + "/states/power", "{\"target\": \"power on\"}")
                .status())
        .isEqualTo(202);
    awaitPower(moved, "power on");

    start("c3");
    runtimes.values().forEach(r -> r.registry().refresh());
    assertThat(owners(uuids)).as("c3 takes exactly its share back").isEqualTo(before);
  }

  private Map<String, String> owners(List<String> uuids) {
    Map<String, String> owners = new LinkedHashMap<>();
    for (String uuid : uuids) {
      owners.put(uuid, api("c1").get("/v1/nodes/" + uuid).json().get("conductor").asText());
    }
    return owners;
  }
}
