package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API over real HTTP, with asynchronous work run inline so results can be asserted. */
class RestApiTest {
  private TestConductor c;
  private ApiServer server;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    c = new TestConductor(Runnable::run);
    server = new ApiServer("127.0.0.1", 0, 8, new ApiHandler(c.service, null));
    http = new Http("http://127.0.0.1:" + server.port());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    c.close();
  }

  private String createNode(String name) {
    Resp r =
        http.post(
            "/v1/nodes",
            "{\"driver\": \"fake\", \"name\": \""
                + name
                + "\", \"driver_info\":"
                + " {\"fake_address\": \"10.0.0.9\", \"fake_password\": \"pw-secret\"},"
                + " \"properties\": {\"cpus\": 2}}");
    assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
    return r.json().get("uuid").asText();
  }

  @Test
  void anErrorInARequestIsAnIronicFaultNotABareServerError() {
    String uuid = createNode("broken");
    // What a jar rewritten under the running JVM by a concurrent build caused (BaremetalCliIT).
    c.driver.breakOn(
        "management.get", new NoClassDefFoundError("org/amtpxe/api/model/BootDeviceSetting"));

    Resp r = http.get("/v1/nodes/" + uuid + "/management/boot_device");

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.raw().headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.fault())
        .contains("Internal error: NoClassDefFoundError: org/amtpxe/api/model/BootDeviceSetting");
    c.driver.clearFailures();
    assertThat(http.get("/v1/nodes/" + uuid + "/management/boot_device").status()).isEqualTo(200);
  }

  // ---- versions ----

  @Test
  void rootDocumentAnnouncesTheRangeWithoutVersionHeaders() {
    Resp r = http.version(null).get("/");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/default_version/min_version").asText()).isEqualTo("1.1");
    assertThat(r.json().at("/default_version/version").asText()).isEqualTo("1.78");
    assertThat(r.header(ApiVersion.MAX_HEADER)).isNull();
  }

  @Test
  void everyV1ResponseCarriesTheVersionHeaders() {
    Resp none = http.version(null).get("/v1");
    assertThat(none.header(ApiVersion.HEADER)).isEqualTo("1.1");
    assertThat(none.header(ApiVersion.MIN_HEADER)).isEqualTo("1.1");
    assertThat(none.header(ApiVersion.MAX_HEADER)).isEqualTo("1.78");

    Resp latest = http.version("latest").get("/v1/nodes/nope");
    assertThat(latest.status()).isEqualTo(404);
    assertThat(latest.header(ApiVersion.HEADER)).isEqualTo("1.78");
  }

  @Test
  void unsupportedVersionsGet406WithTheRange() {
    for (String v : List.of("1.79", "2.0", "abc", "1.0")) {
      Resp r = http.version(v).get("/v1/nodes");
      assertThat(r.status()).as(v).isEqualTo(406);
      assertThat(r.header(ApiVersion.MAX_HEADER)).isEqualTo("1.78");
      assertThat(r.fault()).contains("[1.1, 1.78]");
    }
  }

  // ---- nodes ----

  @Test
  void createAnswers201WithLocationAndTheNodeStartsInEnroll() {
    Resp r = http.post("/v1/nodes", "{\"driver\": \"fake\", \"name\": \"n1\"}");

    assertThat(r.status()).isEqualTo(201);
    String uuid = r.json().get("uuid").asText();
    assertThat(r.header("Location")).endsWith("/v1/nodes/" + uuid);
    assertThat(r.json().get("provision_state").asText()).isEqualTo("enroll");
    assertThat(r.json().has("boot_interface")).isTrue();
  }

  @Test
  void beforeVersion1_11NodesStartAvailable() {
    Resp r = http.version("1.10").post("/v1/nodes", "{\"driver\": \"fake\"}");

    assertThat(r.json().get("provision_state").asText()).isEqualTo("available");
    assertThat(r.json().has("network_interface")).isFalse();
    Resp old = http.version("1.1").get("/v1/nodes/" + r.json().get("uuid").asText());
    assertThat(old.json().get("provision_state").isNull()).as("NOSTATE before 1.2").isTrue();
    assertThat(old.json().has("driver_internal_info")).isFalse();
    assertThat(old.json().has("name")).isFalse();
  }

  @Test
  void listFieldsDependOnTheVersion() {
    createNode("lf");

    JsonNode v11 = http.version("1.1").get("/v1/nodes").json().get("nodes").get(0);
    JsonNode v131 = http.get("/v1/nodes").json().get("nodes").get(0);

    assertThat(names(v11))
        .containsExactlyInAnyOrder(
            "uuid", "instance_uuid", "maintenance", "power_state", "provision_state", "links");
    assertThat(names(v131)).contains("name");
    assertThat(http.get("/v1/nodes/detail").json().at("/nodes/0/driver_info/fake_address").asText())
        .isEqualTo("10.0.0.9");
  }

  private static List<String> names(JsonNode o) {
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void secretsAreMaskedEverywhere() throws Exception {
    String uuid = createNode("secret");
    c.service
        .nodes()
        .updateNode(
            uuid,
            n ->
                n.toBuilder()
                    .instanceInfo(java.util.Map.of("deploy_key", "k-123", "image_source", "x"))
                    .build());

    for (String path : List.of("/v1/nodes/" + uuid, "/v1/nodes/detail")) {
      String body = http.get(path).raw().body();
      assertThat(body).doesNotContain("pw-secret").doesNotContain("k-123").contains("******");
    }
    Resp probe =
        http.patch(
            "/v1/nodes/" + uuid,
            "[{\"op\": \"test\", \"path\": \"/driver_info/fake_password\","
                + " \"value\": \"guess-1\"}]");
    assertThat(probe.status()).isEqualTo(400);
    assertThat(probe.raw().body()).doesNotContain("guess-1").doesNotContain("pw-secret");
  }

  @Test
  void fieldsSelectsAttributesAndRejectsUnknownOnes() {
    String uuid = createNode("fields");

    Resp r = http.get("/v1/nodes/" + uuid + "?fields=uuid,power_state");
    assertThat(names(r.json())).containsExactly("uuid", "power_state");
    assertThat(http.get("/v1/nodes/" + uuid + "?fields=bogus").status()).isEqualTo(400);
  }

  @Test
  void pagingFollowsMarkers() {
    for (int i = 0; i < 3; i++) {
      createNode("page" + i);
    }

    Resp first = http.get("/v1/nodes?limit=2");
    assertThat(first.json().get("nodes")).hasSize(2);
    String next = first.json().get("next").asText();
    Resp second = http.get(next.substring(next.indexOf("/v1/")));
    assertThat(second.json().get("nodes")).hasSize(1);
    assertThat(second.json().has("next")).isFalse();
  }

  @Test
  void portPagingFollowsMarkersOfTheDetailList() {
    String uuid = createNode("port-pages");
    for (int i = 0; i < 3; i++) {
      http.post(
          "/v1/ports",
          "{\"address\": \"52:54:00:00:01:0" + i + "\", \"node_uuid\": \"" + uuid + "\"}");
    }

    Resp first = http.get("/v1/ports/detail?limit=2");
    assertThat(first.json().get("ports")).hasSize(2);
    assertThat(first.json().get("ports").get(0).has("node_uuid")).isTrue();
    String next = first.json().get("next").asText();
    assertThat(next).contains("/v1/ports/detail?");
    Resp second = http.get(next.substring(next.indexOf("/v1/")));
    assertThat(second.json().get("ports")).hasSize(1);
    assertThat(second.json().has("next")).isFalse();
  }

  @Test
  void aPatchThatIsNotJsonIsRefusedForNodesAndPorts() {
    String uuid = createNode("patch-json");
    String port =
        http.post(
                "/v1/ports",
                "{\"address\": \"52:54:00:00:02:01\", \"node_uuid\": \"" + uuid + "\"}")
            .json()
            .get("uuid")
            .asText();

    for (String path : List.of("/v1/nodes/" + uuid, "/v1/ports/" + port)) {
      Resp r = http.patch(path, "[{op: replace");
      assertThat(r.status()).as(path).isEqualTo(400);
      assertThat(r.fault()).as(path).contains("not valid JSON");
    }
  }

  @Test
  void badInputGetsClear4xxAndChangesNothing() {
    String uuid = createNode("bad");

    Resp notJson = http.post("/v1/nodes", "{driver: fake");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.fault()).contains("not valid JSON");
    assertThat(notJson.json().get("error_message").isTextual()).as("double encoded").isTrue();

    Resp unknownField = http.post("/v1/nodes", "{\"driver\": \"fake\", \"colour\": \"red\"}");
    assertThat(unknownField.status()).isEqualTo(400);
    assertThat(unknownField.fault()).isEqualTo("Unknown attribute for argument node: colour");

    Resp unknownDriver = http.post("/v1/nodes", "{\"driver\": \"pxe_amt\"}");
    assertThat(unknownDriver.status()).isEqualTo(400);
    assertThat(unknownDriver.fault()).contains("driver pxe_amt is not loaded");

    Resp duplicate = http.post("/v1/nodes", "{\"driver\": \"fake\", \"name\": \"bad\"}");
    assertThat(duplicate.status()).as("not 409: the CLI would retry it for 12 s").isEqualTo(400);
    assertThat(duplicate.fault()).isEqualTo("A node with name bad already exists.");

    Resp readOnly =
        http.patch(
            "/v1/nodes/" + uuid,
            "[{\"op\": \"replace\", \"path\": \"/provision_state\", \"value\": \"active\"}]");
    assertThat(readOnly.status()).isEqualTo(400);
    assertThat(readOnly.fault()).startsWith("Cannot patch /provision_state. Only the following");

    Resp missing = http.get("/v1/nodes/ghost");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.fault()).isEqualTo("Node ghost could not be found.");

    Resp transition =
        http.put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"active\"}");
    assertThat(transition.status()).isEqualTo(400);
    assertThat(transition.fault())
        .isEqualTo(
            "The requested action \"active\" can not be performed on node \""
                + uuid
                + "\" while it is in state \"enroll\".");

    assertThat(http.get("/v1/nodes/" + uuid).json().get("provision_state").asText())
        .isEqualTo("enroll");
    assertThat(c.store.countNodes()).isEqualTo(1);
  }

  @Test
  void aBodyWithTrailingContentOrANulCharacterIsRefused() {
    String uuid = createNode("strict");

    Resp trailing = http.post("/v1/nodes", "{\"driver\": \"fake\"} {\"driver\": \"fake\"}");
    assertThat(trailing.status()).isEqualTo(400);
    assertThat(trailing.fault()).contains("not valid JSON");
    // PostgreSQL cannot store U+0000 in a text column: refused before any database sees it.
    Resp nul = http.put("/v1/nodes/" + uuid + "/maintenance", "{\"reason\": \"fan\\u0000\"}");
    assertThat(nul.status()).isEqualTo(400);
    assertThat(nul.fault()).contains("U+0000");
    assertThat(c.store.findNode(uuid).orElseThrow().maintenance()).isFalse();
    assertThat(c.store.countNodes()).isEqualTo(1);
  }

  @Test
  void patchKeepsJsonTypesAndRemovesKeys() {
    String uuid = createNode("patch");

    Resp r =
        http.patch(
            "/v1/nodes/" + uuid,
            "[{\"op\": \"add\", \"path\": \"/properties/memory_mb\", \"value\": 4096},"
                + " {\"op\": \"remove\", \"path\": \"/properties/cpus\"},"
                + " {\"op\": \"add\", \"path\": \"/extra/tags\", \"value\": [\"a\"]},"
                + " {\"op\": \"replace\", \"path\": \"/name\", \"value\": \"patched\"}]");

    assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
    assertThat(r.json().at("/properties/memory_mb").isInt()).isTrue();
    assertThat(r.json().at("/properties").has("cpus")).isFalse();
    assertThat(r.json().get("name").asText()).isEqualTo("patched");
    assertThat(r.json().at("/driver_info/fake_password").asText()).isEqualTo("******");
    assertThat(c.store.findNode(uuid).orElseThrow().driverInfo())
        .containsEntry("fake_password", "pw-secret");

    Resp badRemove =
        http.patch("/v1/nodes/" + uuid, "[{\"op\": \"remove\", \"path\": \"/extra/none\"}]");
    assertThat(badRemove.status()).isEqualTo(400);
  }

  @Test
  void powerChangesAnswer202AndLockedNodes409() {
    String uuid = createNode("power");

    Resp on = http.put("/v1/nodes/" + uuid + "/states/power", "{\"target\": \"power on\"}");
    assertThat(on.status()).isEqualTo(202);
    assertThat(on.header("Location")).endsWith("/v1/nodes/" + uuid + "/states");
    assertThat(http.get("/v1/nodes/" + uuid + "/states").json().get("power_state").asText())
        .isEqualTo("power on");

    c.store.reserve(uuid, "busy-host");
    Resp locked = http.put("/v1/nodes/" + uuid + "/states/power", "{\"target\": \"power off\"}");
    assertThat(locked.status()).isEqualTo(409);
    assertThat(locked.fault()).contains("is locked by host busy-host");
    assertThat(c.driver.machinePower(uuid)).isEqualTo(PowerState.POWER_ON);

    Resp soft =
        http.version("1.26")
            .put("/v1/nodes/" + uuid + "/states/power", "{\"target\": \"soft power off\"}");
    assertThat(soft.status()).isEqualTo(406);
    Resp bad = http.put("/v1/nodes/" + uuid + "/states/power", "{\"target\": \"sideways\"}");
    assertThat(bad.status()).isEqualTo(400);
  }

  @Test
  void bootDeviceNmiAndValidate() {
    String uuid = createNode("mgmt");

    assertThat(
            http.put(
                    "/v1/nodes/" + uuid + "/management/boot_device",
                    "{\"boot_device\": \"pxe\", \"persistent\": true}")
                .status())
        .isEqualTo(204);
    JsonNode device = http.get("/v1/nodes/" + uuid + "/management/boot_device").json();
    assertThat(device.get("boot_device").asText()).isEqualTo("pxe");
    assertThat(device.get("persistent").asBoolean()).isTrue();
    assertThat(
            http.get("/v1/nodes/" + uuid + "/management/boot_device/supported")
                .json()
                .get("supported_boot_devices"))
        .extracting(JsonNode::asText)
        .containsExactly("disk", "pxe");
    assertThat(http.put("/v1/nodes/" + uuid + "/management/inject_nmi", "{}").status())
        .isEqualTo(204);
    assertThat(c.driver.calls("power.nmi")).hasSize(1);

    JsonNode v = http.get("/v1/nodes/" + uuid + "/validate").json();
    assertThat(v.at("/power/result").asBoolean()).isTrue();
    assertThat(v.at("/deploy/result").asBoolean()).isFalse();
    assertThat(v.at("/deploy/reason").asText()).contains("image_source");
  }

  @Test
  void portsCrudWithIronicErrors() {
    String uuid = createNode("ports");

    Resp created =
        http.post(
            "/v1/ports", "{\"address\": \"52:54:00:12:34:56\", \"node_uuid\": \"" + uuid + "\"}");
    assertThat(created.status()).isEqualTo(201);
    String port = created.json().get("uuid").asText();
    assertThat(created.json().get("pxe_enabled").asBoolean()).isTrue();

    Resp dup =
        http.post(
            "/v1/ports", "{\"address\": \"52:54:00:12:34:56\", \"node_uuid\": \"" + uuid + "\"}");
    assertThat(dup.status()).isEqualTo(400);
    assertThat(dup.fault()).isEqualTo("A port with MAC address 52:54:00:12:34:56 already exists.");
    Resp badMac = http.post("/v1/ports", "{\"address\": \"zz\", \"node_uuid\": \"" + uuid + "\"}");
    assertThat(badMac.status()).isEqualTo(400);
    assertThat(badMac.fault()).startsWith("Expected valid MAC address for address: zz");
    Resp byName =
        http.post("/v1/ports", "{\"address\": \"52:54:00:12:34:57\", \"node_uuid\": \"ports\"}");
    assertThat(byName.status()).isEqualTo(400);
    assertThat(byName.fault()).isEqualTo("Expected UUID for node_uuid: ports");

    assertThat(http.get("/v1/ports").json().get("ports")).hasSize(1);
    assertThat(http.get("/v1/nodes/ports/ports").json().get("ports")).hasSize(1);
    assertThat(http.get("/v1/ports?address=52:54:00:12:34:56").json().get("ports")).hasSize(1);
    Resp patched =
        http.patch(
            "/v1/ports/" + port,
            "[{\"op\": \"replace\", \"path\": \"/pxe_enabled\", \"value\": false}]");
    assertThat(patched.json().get("pxe_enabled").asBoolean()).isFalse();
    assertThat(http.delete("/v1/ports/" + port).status()).isEqualTo(204);
    assertThat(http.get("/v1/ports/" + port).status()).isEqualTo(404);
  }

  @Test
  void deletingANodeTakesItsPorts() {
    String uuid = createNode("gone");
    http.post("/v1/ports", "{\"address\": \"52:54:00:00:00:99\", \"node_uuid\": \"" + uuid + "\"}");

    assertThat(http.delete("/v1/nodes/gone").status()).isEqualTo(204);
    assertThat(http.get("/v1/ports").json().get("ports")).isEmpty();
    assertThat(http.get("/v1/nodes/" + uuid).status()).isEqualTo(404);
  }

  @Test
  void driversAndTheirProperties() {
    JsonNode list = http.get("/v1/drivers").json();
    assertThat(list.at("/drivers/0/name").asText()).isEqualTo("fake");
    assertThat(list.at("/drivers/0/hosts/0").asText()).isEqualTo(TestConductor.HOST);
    assertThat(list.at("/drivers/0/type").asText()).isEqualTo("classic");
    assertThat(http.get("/v1/drivers?detail=False").status()).isEqualTo(200);
    assertThat(http.get("/v1/drivers/fake").json().get("name").asText()).isEqualTo("fake");
    assertThat(http.get("/v1/drivers/none").status()).isEqualTo(404);
    JsonNode props = http.get("/v1/drivers/fake/properties").json();
    assertThat(props.get("fake_address").asText()).endsWith("Required.");
  }

  @Test
  void theRamdiskLooksUpItsTokenAndItsCallbackDrivesTheNodeToActive() throws Exception {
    String uuid = createNode("cb");
    http.patch(
        "/v1/nodes/" + uuid,
        "[{\"op\": \"add\", \"path\": \"/instance_info/image_source\", \"value\": \"http://i\"}]");
    assertThat(
            http.post(
                    "/v1/ports",
                    "{\"address\": \"52:54:00:aa:00:01\", \"node_uuid\": \"" + uuid + "\"}")
                .status())
        .isEqualTo(201);
    Http ramdisk = http.version("1.22");
    String lookup = "/v1/lookup?addresses=52:54:00:AA:00:01,52:54:00:ff:ff:ff";
    assertThat(ramdisk.get(lookup).status()).as("not deploying yet").isEqualTo(404);
    for (String target : List.of("manage", "provide", "active")) {
      Resp r =
          http.put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"" + target + "\"}");
      assertThat(r.status()).as(target + ": " + r.raw().body()).isEqualTo(202);
    }
    assertThat(http.get("/v1/nodes/" + uuid).json().get("provision_state").asText())
        .isEqualTo("wait call-back");
    assertThat(http.version("1.21").get(lookup).status()).as("before 1.22").isEqualTo(404);

    Resp found = ramdisk.get(lookup);
    assertThat(found.status()).as(found.raw().body()).isEqualTo(200);
    assertThat(found.json().at("/node/uuid").asText()).isEqualTo(uuid);
    String token = found.json().at("/config/agent_token").asText();
    assertThat(token).hasSizeGreaterThanOrEqualTo(32);
    assertThat(found.json().at("/config/agent_token_required").asBoolean()).isTrue();
    Resp second = ramdisk.get(lookup);
    assertThat(second.status()).as("the first lookup won").isEqualTo(404);
    assertThat(http.get("/v1/nodes/" + uuid).raw().body()).doesNotContain(token);

    Resp badToken =
        ramdisk.post(
            "/v1/nodes/" + uuid + "/vendor_passthru/" + FakeDriver.CALLBACK,
            "{\"agent_token\": \"nope\"}");
    assertThat(badToken.status()).isEqualTo(404);
    assertThat(badToken.fault()).isEqualTo(second.fault());
    assertThat(http.get("/v1/nodes/" + uuid).json().get("provision_state").asText())
        .isEqualTo("wait call-back");

    Resp ok =
        ramdisk.post(
            "/v1/nodes/" + uuid + "/vendor_passthru?method=" + FakeDriver.CALLBACK,
            "{\"agent_token\": \"" + token + "\", \"address\": \"203.0.113.9\"}");
    assertThat(ok.status()).as(ok.raw().body()).isEqualTo(202);
    assertThat(http.get("/v1/nodes/" + uuid).json().get("provision_state").asText())
        .isEqualTo("active");
    assertThat(c.driver.callbackAddresses())
        .as("the address of the lookup, not what the body claims")
        .containsExactly("127.0.0.1");

    Resp stale =
        ramdisk.post(
            "/v1/nodes/" + uuid + "/vendor_passthru/" + FakeDriver.CALLBACK,
            "{\"agent_token\": \"" + token + "\"}");
    assertThat(stale.status()).as("the token ended with the deploy").isEqualTo(404);
    assertThat(stale.fault()).isEqualTo(badToken.fault());
  }

  @Test
  void maintenanceIsSetWithAReasonAndCleared() {
    String uuid = createNode("maint");

    assertThat(http.put("/v1/nodes/" + uuid + "/maintenance", "{\"reason\": \"fan\"}").status())
        .isEqualTo(202);
    JsonNode n = http.get("/v1/nodes/" + uuid).json();
    assertThat(n.get("maintenance").asBoolean()).isTrue();
    assertThat(n.get("maintenance_reason").asText()).isEqualTo("fan");
    assertThat(http.delete("/v1/nodes/" + uuid + "/maintenance").status()).isEqualTo(202);
    assertThat(http.get("/v1/nodes/" + uuid).json().get("maintenance").asBoolean()).isFalse();
  }

  @Test
  void aNodeWhoseDriverIsGoneIsShownButNotDriven() {
    String uuid = createNode("nodriver");
    c.unload(c.driver);

    assertThat(http.get("/v1/nodes/" + uuid).status()).isEqualTo(200);
    Resp power = http.put("/v1/nodes/" + uuid + "/states/power", "{\"target\": \"power on\"}");
    assertThat(power.status()).isEqualTo(400);
    assertThat(power.fault())
        .contains("driver fake is not loaded; install the feature that provides it");

    c.load(c.driver);
    assertThat(
            http.put("/v1/nodes/" + uuid + "/states/power", "{\"target\": \"power on\"}").status())
        .isEqualTo(202);
  }

  @Test
  void unknownPathsAndMethods() {
    assertThat(http.get("/v1/chassis").status()).isEqualTo(404);
    assertThat(http.delete("/v1/drivers").status()).isEqualTo(405);
    assertThat(http.get("/v1/nodes?bogus=1").status()).isEqualTo(400);
  }
}
