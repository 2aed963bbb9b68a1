package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.store.NodeDao;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API 1.32-1.78: each field at its version and not below, the writable fields and their 406 below
 * their version, Ironic's rules on them, the list filters, and the endpoints of absent features.
 */
class MicroversionsTest {
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

  private String enroll(String name) throws Exception {
    return c.enroll(name).uuid();
  }

  private void setState(String uuid, ProvisionState state) {
    c.store.modifyNode(uuid, n -> n.toBuilder().provisionState(state).build());
  }

  private Resp patch(String version, String uuid, String path, String jsonValue) {
    return http.version(version)
        .patch(
            "/v1/nodes/" + uuid,
            "[{\"op\": \"add\", \"path\": \"" + path + "\", \"value\": " + jsonValue + "}]");
  }

  private static String before(int minor) {
    return "1." + (minor - 1);
  }

  private static String at(int minor) {
    return "1." + minor;
  }

  // ---- fields by version ----

  @Test
  void everyNodeFieldAppearsAtItsVersionAndNotBefore() throws Exception {
    String uuid = enroll("fields");
    for (Map.Entry<String, Integer> f : NodeJson.FIELDS.entrySet()) {
      int since = f.getValue();
      JsonNode now = http.version(at(since)).get("/v1/nodes/" + uuid).json();
      assertThat(now.has(f.getKey())).as(f.getKey() + " at " + at(since)).isTrue();
      if (since > 1) {
        JsonNode older = http.version(before(since)).get("/v1/nodes/" + uuid).json();
        assertThat(older.has(f.getKey())).as(f.getKey() + " at " + before(since)).isFalse();
      }
    }
  }

  @Test
  void theNewFieldsShowWhatThisConductorHas() throws Exception {
    String uuid = enroll("values");
    JsonNode n = http.get("/v1/nodes/" + uuid).json();

    assertThat(n.get("conductor").asText()).isEqualTo(TestConductor.HOST);
    assertThat(n.get("traits").isArray()).isTrue();
    assertThat(n.get("traits")).isEmpty();
    assertThat(n.get("network_data")).isEmpty();
    assertThat(n.get("deploy_step")).isEmpty();
    assertThat(n.get("conductor_group").asText()).isEmpty();
    assertThat(n.get("protected").asBoolean()).isFalse();
    assertThat(n.get("retired").asBoolean()).isFalse();
    assertThat(n.get("network_interface").asText()).isEqualTo("noop");
    for (String f :
        List.of(
            "allocation_uuid",
            "boot_mode",
            "secure_boot",
            "fault",
            "automated_clean",
            "storage_interface",
            "rescue_interface",
            "bios_interface",
            "power_interface")) {
      assertThat(n.get(f).isNull()).as(f).isTrue();
    }
    assertThat(n.has("states")).isTrue();
    assertThat(http.version("1.13").get("/v1/nodes/" + uuid).json().has("states")).isFalse();
    assertThat(n.has("portgroups")).as("absent feature, no link").isFalse();
    JsonNode states = http.get("/v1/nodes/" + uuid + "/states").json();
    assertThat(states.has("boot_mode")).isTrue();
    assertThat(http.version("1.74").get("/v1/nodes/" + uuid + "/states").json().has("boot_mode"))
        .isFalse();
  }

  @Test
  void theFaultTheConductorRecordedIsShownFrom1_42() throws Exception {
    String uuid = enroll("faulty");
    c.store
        .database()
        .transaction(
            h ->
                NodeDao.enterFaultMaintenance(h, uuid, "power failure", "BMC gone", c.store.now()));

    assertThat(http.version("1.42").get("/v1/nodes/" + uuid).json().get("fault").asText())
        .isEqualTo("power failure");
    assertThat(http.version("1.41").get("/v1/nodes/" + uuid).json().has("fault")).isFalse();
    Resp filtered = http.get("/v1/nodes?fault=power%20failure");
    assertThat(filtered.json().get("nodes")).hasSize(1);
    assertThat(http.get("/v1/nodes?fault=bogus").status()).isEqualTo(400);
    assertThat(http.version("1.41").get("/v1/nodes?fault=power%20failure").status()).isEqualTo(406);
  }

  @Test
  void aFieldTooNewForTheVersionIsNotAcceptableInFields() throws Exception {
    String uuid = enroll("sel");

    Resp tooNew = http.version("1.49").get("/v1/nodes/" + uuid + "?fields=uuid,owner");
    assertThat(tooNew.status()).isEqualTo(406);
    assertThat(tooNew.fault()).contains("owner").contains("not acceptable").contains("1.50");
    Resp ok = http.version("1.50").get("/v1/nodes/" + uuid + "?fields=uuid,owner");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(names(ok.json())).containsExactly("uuid", "owner");
    assertThat(http.get("/v1/nodes/" + uuid + "?fields=bogus").status()).isEqualTo(400);
    assertThat(http.version("1.45").get("/v1/nodes?sort_key=conductor_group").status())
        .isEqualTo(406);
    assertThat(http.version("1.46").get("/v1/nodes?sort_key=conductor_group").status())
        .isEqualTo(200);
  }

  @Test
  void theDetailQueryCameWith1_43() throws Exception {
    enroll("detail");
    assertThat(http.version("1.42").get("/v1/nodes?detail=true").status()).isEqualTo(400);
    Resp detailed = http.version("1.43").get("/v1/nodes?detail=true");
    assertThat(detailed.json().at("/nodes/0").has("driver_info")).isTrue();
    assertThat(http.version("1.42").get("/v1/ports?detail=true").status()).isEqualTo(400);
  }

  @Test
  void portFieldsByVersionAndTheirFixedValues() throws Exception {
    String node = enroll("port-node");
    Resp created =
        http.post(
            "/v1/ports", "{\"address\": \"52:54:00:00:03:01\", \"node_uuid\": \"" + node + "\"}");
    String port = created.json().get("uuid").asText();

    JsonNode p = http.get("/v1/ports/" + port).json();
    assertThat(p.get("is_smartnic").asBoolean()).isFalse();
    assertThat(p.get("physical_network").isNull()).isTrue();
    assertThat(p.get("portgroup_uuid").isNull()).isTrue();
    assertThat(p.get("local_link_connection")).isEmpty();
    assertThat(p.get("internal_info")).isEmpty();
    assertThat(http.version("1.52").get("/v1/ports/" + port).json().has("is_smartnic")).isFalse();
    assertThat(http.version("1.33").get("/v1/ports/" + port).json().has("physical_network"))
        .isFalse();
    assertThat(http.version("1.34").get("/v1/ports/" + port).json().has("physical_network"))
        .isTrue();
    assertThat(http.version("1.52").get("/v1/ports/" + port + "?fields=is_smartnic").status())
        .isEqualTo(406);

    Resp tooNew =
        http.version("1.33")
            .post(
                "/v1/ports",
                "{\"address\": \"52:54:00:00:03:02\", \"node_uuid\": \""
                    + node
                    + "\", \"physical_network\": \"physnet1\"}");
    assertThat(tooNew.status()).isEqualTo(406);
    Resp fixed =
        http.post(
            "/v1/ports",
            "{\"address\": \"52:54:00:00:03:02\", \"node_uuid\": \""
                + node
                + "\", \"physical_network\": \"physnet1\"}");
    assertThat(fixed.status()).isEqualTo(400);
    Resp smartnicOff =
        http.post(
            "/v1/ports",
            "{\"address\": \"52:54:00:00:03:02\", \"node_uuid\": \""
                + node
                + "\", \"is_smartnic\": false}");
    assertThat(smartnicOff.status()).as(smartnicOff.raw().body()).isEqualTo(201);
    Resp patchTooNew =
        http.version("1.52")
            .patch(
                "/v1/ports/" + port,
                "[{\"op\": \"replace\", \"path\": \"/is_smartnic\", \"value\": true}]");
    assertThat(patchTooNew.status()).isEqualTo(406);
    assertThat(http.get("/v1/ports?portgroup=pg1").json().get("ports")).isEmpty();
  }

  @Test
  void driverInterfacesByVersionAndTheFieldsSelector() {
    JsonNode v139 = http.version("1.39").get("/v1/drivers/fake").json();
    assertThat(v139.has("default_rescue_interface")).isTrue();
    assertThat(v139.has("default_bios_interface")).isFalse();
    assertThat(http.get("/v1/drivers/fake").json().has("enabled_bios_interfaces")).isTrue();
    assertThat(http.version("1.32").get("/v1/drivers/fake").json().has("default_storage_interface"))
        .isFalse();
    assertThat(http.version("1.13").get("/v1/drivers/fake").json().has("properties")).isFalse();

    assertThat(http.version("1.76").get("/v1/drivers?fields=name").status()).isEqualTo(406);
    JsonNode selected = http.get("/v1/drivers?fields=name,hosts").json();
    assertThat(names(selected.at("/drivers/0"))).containsExactly("name", "hosts");
    assertThat(names(http.get("/v1/drivers/fake?fields=name").json())).containsExactly("name");
    assertThat(http.get("/v1/drivers?fields=bogus").status()).isEqualTo(400);
  }

  // ---- writable fields ----

  /** Each writable field of a later version, a value to write, and the value then shown. */
  private static final List<Object[]> WRITES =
      List.of(
          new Object[] {"resource_class", 21, "\"baremetal-small\"", "baremetal-small"},
          new Object[] {"conductor_group", 46, "\"Lab-1\"", "lab-1"},
          new Object[] {"automated_clean", 47, "\"False\"", "false"},
          new Object[] {"owner", 50, "\"acme\"", "acme"},
          new Object[] {"description", 51, "\"desk 4\"", "desk 4"},
          new Object[] {"lessee", 65, "\"dept-7\"", "dept-7"});

  @Test
  void eachWritableFieldIsNotAcceptableBelowItsVersionAndStoredFromIt() throws Exception {
    String uuid = enroll("writes");
    for (Object[] w : WRITES) {
      String field = (String) w[0];
      int since = (Integer) w[1];
      Resp refused = patch(before(since), uuid, "/" + field, (String) w[2]);
      assertThat(refused.status()).as(field + " at " + before(since)).isEqualTo(406);
      assertThat(refused.fault()).contains(field).contains("not acceptable");

      Resp stored = patch(at(since), uuid, "/" + field, (String) w[2]);
      assertThat(stored.status()).as(field + ": " + stored.raw().body()).isEqualTo(200);
      assertThat(stored.json().get(field).asText()).as(field).isEqualTo(w[3]);
    }
    var node = c.store.findNode(uuid).orElseThrow();
    assertThat(node.conductorGroup()).isEqualTo("lab-1");
    assertThat(node.automatedClean()).isFalse();
    assertThat(node.owner()).isEqualTo("acme");
    assertThat(node.description()).isEqualTo("desk 4");
    assertThat(node.lessee()).isEqualTo("dept-7");
    assertThat(node.resourceClass()).isEqualTo("baremetal-small");

    Resp removed =
        http.patch(
            "/v1/nodes/" + uuid,
            "[{\"op\": \"remove\", \"path\": \"/owner\"},"
                + " {\"op\": \"remove\", \"path\": \"/conductor_group\"}]");
    assertThat(removed.json().get("owner").isNull()).isTrue();
    assertThat(removed.json().get("conductor_group").asText()).isEmpty();
  }

  @Test
  void createTakesTheNewFieldsFromTheirVersion() {
    String body =
        "{\"driver\": \"fake\", \"owner\": \"acme\", \"description\": \"new desk\","
            + " \"conductor_group\": \"Rack2\", \"retired\": true, \"retired_reason\": \"old\"}";

    Resp tooOld = http.version("1.60").post("/v1/nodes", body);
    assertThat(tooOld.status()).isEqualTo(406);
    assertThat(tooOld.fault()).contains("retired");
    Resp created = http.version("1.61").post("/v1/nodes", body);
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    assertThat(created.json().get("conductor_group").asText()).isEqualTo("rack2");
    assertThat(created.json().get("retired_reason").asText()).isEqualTo("old");
    assertThat(created.json().has("lessee")).isFalse();
    Resp emptyGroup =
        http.version("1.30").post("/v1/nodes", "{\"driver\": \"fake\", \"conductor_group\": \"\"}");
    assertThat(emptyGroup.status()).as("an empty value is not refused").isEqualTo(201);
    Resp protectedOnCreate = http.post("/v1/nodes", "{\"driver\": \"fake\", \"protected\": true}");
    assertThat(protectedOnCreate.status()).isEqualTo(400);
    Resp iface = http.post("/v1/nodes", "{\"driver\": \"fake\", \"power_interface\": \"ipmi\"}");
    assertThat(iface.status()).isEqualTo(400);
    assertThat(iface.fault()).contains("classic drivers");
    assertThat(http.post("/v1/nodes", "{\"driver\": \"fake\", \"power_interface\": null}").status())
        .isEqualTo(201);
  }

  @Test
  void valuesAreCheckedAsIronicChecksThem() throws Exception {
    String uuid = enroll("checks");

    Resp group = patch("latest", uuid, "/conductor_group", "\"lab/1\"");
    assertThat(group.status()).isEqualTo(400);
    assertThat(group.fault()).startsWith("Expected a conductor group but received lab/1");
    Resp longDescription =
        patch(
            "latest",
            uuid,
            "/description",
            "\"" + "x".repeat(NodeInput.DESCRIPTION_MAX + 1) + "\"");
    assertThat(longDescription.status()).isEqualTo(400);
    assertThat(longDescription.fault())
        .isEqualTo("Cannot update node with description exceeding 4096 characters");
    assertThat(patch("latest", uuid, "/owner", "42").status()).isEqualTo(400);
    assertThat(patch("latest", uuid, "/automated_clean", "\"maybe\"").status()).isEqualTo(400);
    assertThat(patch("latest", uuid, "/power_interface", "\"ipmi\"").status()).isEqualTo(400);
    assertThat(patch("latest", uuid, "/network_interface", "\"noop\"").status()).isEqualTo(200);
    assertThat(
            http.version("1.44")
                .patch(
                    "/v1/nodes/" + uuid + "?reset_interfaces=true",
                    "[{\"op\": \"replace\", \"path\": \"/driver\", \"value\": \"fake\"}]")
                .status())
        .isEqualTo(406);
    assertThat(
            http.patch(
                    "/v1/nodes/" + uuid + "?reset_interfaces=true",
                    "[{\"op\": \"add\", \"path\": \"/extra/a\", \"value\": 1}]")
                .status())
        .isEqualTo(400);
    assertThat(c.store.findNode(uuid).orElseThrow().conductorGroup()).isEmpty();
  }

  // ---- Ironic's rules ----

  @Test
  void protectedOnlyWhileActiveAndAProtectedNodeIsNotUndeployedRebuiltOrDeleted() throws Exception {
    String uuid = enroll("prot");

    Resp enrolled = patch("latest", uuid, "/protected", "\"True\"");
    assertThat(enrolled.status()).isEqualTo(400);
    assertThat(enrolled.fault()).contains("can only be made protected");
    Resp reasonAlone = patch("latest", uuid, "/protected_reason", "\"why\"");
    assertThat(reasonAlone.status()).isEqualTo(400);
    assertThat(reasonAlone.fault())
        .isEqualTo("The protected_reason field can only be set when protected is True");

    setState(uuid, ProvisionState.ACTIVE);
    assertThat(patch("1.47", uuid, "/protected", "true").status()).isEqualTo(406);
    Resp set =
        http.patch(
            "/v1/nodes/" + uuid,
            "[{\"op\": \"add\", \"path\": \"/protected\", \"value\": \"True\"},"
                + " {\"op\": \"add\", \"path\": \"/protected_reason\", \"value\": \"prod\"}]");
    assertThat(set.status()).as(set.raw().body()).isEqualTo(200);
    assertThat(set.json().get("protected").asBoolean()).isTrue();

    for (String target : List.of("deleted", "rebuild")) {
      Resp refused =
          http.put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"" + target + "\"}");
      assertThat(refused.status()).as(target).isEqualTo(403);
      assertThat(refused.fault()).contains("is protected and cannot be undeployed, rebuilt");
    }
    c.store.modifyNode(uuid, n -> n.toBuilder().maintenance(true).build());
    Resp delete = http.delete("/v1/nodes/" + uuid);
    assertThat(delete.status()).isEqualTo(403);
    assertThat(c.store.findNode(uuid).orElseThrow().provisionState())
        .isEqualTo(ProvisionState.ACTIVE);

    Resp unset =
        http.patch("/v1/nodes/" + uuid, "[{\"op\": \"remove\", \"path\": \"/protected\"}]");
    assertThat(unset.json().get("protected").asBoolean()).isFalse();
    assertThat(unset.json().get("protected_reason").isNull()).as("goes with the flag").isTrue();
    assertThat(http.delete("/v1/nodes/" + uuid).status()).isEqualTo(204);
  }

  @Test
  void retiredNotInAvailableNotProvidedAndCleanedBackToManageable() throws Exception {
    String uuid = enroll("ret");
    setState(uuid, ProvisionState.AVAILABLE);

    Resp available = patch("latest", uuid, "/retired", "true");
    assertThat(available.status()).isEqualTo(400);
    assertThat(available.fault()).contains("can not have 'retired' set");
    assertThat(patch("latest", uuid, "/retired_reason", "\"old\"").status()).isEqualTo(400);
    assertThat(patch("1.60", uuid, "/retired", "true").status()).isEqualTo(406);

    setState(uuid, ProvisionState.MANAGEABLE);
    Resp retired =
        http.patch(
            "/v1/nodes/" + uuid,
            "[{\"op\": \"add\", \"path\": \"/retired\", \"value\": true},"
                + " {\"op\": \"add\", \"path\": \"/retired_reason\", \"value\": \"EOL\"}]");
    assertThat(retired.status()).as(retired.raw().body()).isEqualTo(200);
    Resp provide = http.put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"provide\"}");
    assertThat(provide.status()).isEqualTo(400);
    assertThat(provide.fault()).contains("because it is retired");
    assertThat(http.get("/v1/nodes?retired=true").json().get("nodes")).hasSize(1);
    assertThat(http.get("/v1/nodes?retired=false").json().get("nodes")).isEmpty();

    setState(uuid, ProvisionState.ACTIVE);
    Resp undeploy =
        http.put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"undeploy\"}");
    assertThat(undeploy.status()).as(undeploy.raw().body()).isEqualTo(202);
    assertThat(c.store.findNode(uuid).orElseThrow().provisionState())
        .as("a retired node leaves cleaning for manageable")
        .isEqualTo(ProvisionState.MANAGEABLE);

    Resp unretire =
        http.patch("/v1/nodes/" + uuid, "[{\"op\": \"remove\", \"path\": \"/retired\"}]");
    assertThat(unretire.json().get("retired_reason").isNull()).isTrue();
  }

  @Test
  void theResourceClassOfAnActiveNodeStays() throws Exception {
    String uuid = enroll("rc");
    assertThat(patch("latest", uuid, "/resource_class", "\"small\"").status()).isEqualTo(200);
    setState(uuid, ProvisionState.ACTIVE);

    Resp changed = patch("latest", uuid, "/resource_class", "\"large\"");
    assertThat(changed.status()).isEqualTo(400);
    assertThat(changed.fault()).contains("can not have resource_class updated");
    assertThat(http.get("/v1/nodes?resource_class=small").json().get("nodes")).hasSize(1);
  }

  @Test
  void deployAndUndeployVerbsCameWith1_73AndRescueIsNotSupported() throws Exception {
    String uuid = enroll("verbs");
    setState(uuid, ProvisionState.ACTIVE);

    Resp old =
        http.version("1.72")
            .put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"undeploy\"}");
    assertThat(old.status()).isEqualTo(406);
    Resp rescue = http.put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"rescue\"}");
    assertThat(rescue.status()).isEqualTo(400);
    assertThat(rescue.fault())
        .isEqualTo("Driver fake does not support rescue (disabled or not implemented).");
    assertThat(
            http.version("1.37")
                .put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"rescue\"}")
                .status())
        .isEqualTo(406);
    Resp undeploy =
        http.version("1.73")
            .put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"undeploy\"}");
    assertThat(undeploy.status()).as(undeploy.raw().body()).isEqualTo(202);
    assertThat(c.store.findNode(uuid).orElseThrow().provisionState())
        .isEqualTo(ProvisionState.AVAILABLE);
  }

  // ---- filters ----

  @Test
  void theNewFiltersRunInTheDatabaseAndKeepPaging() throws Exception {
    List<String> acme = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String uuid = enroll("acme" + i);
      acme.add(uuid);
      patch("latest", uuid, "/owner", "\"acme\"");
      patch("latest", uuid, "/description", "\"desk 100%_" + i + "\"");
    }
    String other = enroll("other");
    patch("latest", other, "/owner", "\"zeta\"");
    patch("latest", other, "/lessee", "\"acme\"");
    patch("latest", other, "/conductor_group", "\"g1\"");
    patch("latest", other, "/description", "\"desk 1000\"");

    assertThat(uuids(http.get("/v1/nodes?owner=acme"))).containsExactlyElementsOf(acme);
    assertThat(uuids(http.get("/v1/nodes?lessee=acme"))).containsExactly(other);
    assertThat(uuids(http.get("/v1/nodes?project=acme"))).hasSize(4);
    assertThat(uuids(http.get("/v1/nodes?conductor_group=G1"))).containsExactly(other);
    assertThat(uuids(http.get("/v1/nodes?description_contains=100%25_"))).hasSize(3);
    assertThat(uuids(http.get("/v1/nodes?description_contains=1000"))).containsExactly(other);
    assertThat(uuids(http.get("/v1/nodes?conductor=" + TestConductor.HOST))).hasSize(4);
    assertThat(uuids(http.get("/v1/nodes?conductor=elsewhere"))).isEmpty();

    Resp first = http.get("/v1/nodes?owner=acme&limit=2");
    assertThat(uuids(first)).containsExactlyElementsOf(acme.subList(0, 2));
    String next = first.json().get("next").asText();
    assertThat(next).contains("owner=acme");
    assertThat(uuids(http.get(next.substring(next.indexOf("/v1/"))))).containsExactly(acme.get(2));

    for (String[] gate :
        new String[][] {
          {"owner=acme", "50"},
          {"lessee=acme", "65"},
          {"project=acme", "65"},
          {"conductor_group=g1", "46"},
          {"description_contains=x", "51"},
          {"retired=true", "61"},
          {"conductor=x", "49"}
        }) {
      int since = Integer.parseInt(gate[1]);
      assertThat(http.version(before(since)).get("/v1/nodes?" + gate[0]).status())
          .as(gate[0])
          .isEqualTo(406);
      assertThat(http.version(at(since)).get("/v1/nodes?" + gate[0]).status())
          .as(gate[0])
          .isEqualTo(200);
    }
  }

  private static List<String> uuids(Resp r) {
    assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
    List<String> uuids = new ArrayList<>();
    r.json().get("nodes").forEach(n -> uuids.add(n.get("uuid").asText()));
    return uuids;
  }

  private static List<String> names(JsonNode o) {
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    return names;
  }

  // ---- absent features ----

  @Test
  void resourcesOfAbsentFeaturesAre404() {
    for (String path :
        List.of(
            "/v1/chassis",
            "/v1/portgroups",
            "/v1/volume/connectors",
            "/v1/allocations",
            "/v1/deploy_templates",
            "/v1/shards")) {
      Resp r = http.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.fault()).as(path).startsWith("The resource could not be found");
    }
    assertThat(http.post("/v1/chassis", "{}").status()).isEqualTo(404);
    assertThat(http.post("/v1/events", "{\"events\": []}").status()).isEqualTo(404);
  }

  @Test
  void aNodesFeaturesWithoutAnInterfaceAnswerAsIronicsNoInterfaces() throws Exception {
    String uuid = enroll("feat");
    String n = "/v1/nodes/" + uuid;

    assertThat(http.get(n + "/traits").json().get("traits")).isEmpty();
    assertThat(http.put(n + "/traits/CUSTOM_A", "").status()).isEqualTo(400);
    assertThat(http.get(n + "/vifs").json().get("vifs")).isEmpty();
    assertThat(http.post(n + "/vifs", "{\"id\": \"vif-1\"}").status())
        .as("Ironic's noop network interface")
        .isEqualTo(204);
    assertThat(http.get(n + "/bios").json().get("bios")).isEmpty();
    assertThat(http.get(n + "/bios/ProcVirtualization").status()).isEqualTo(404);
    assertThat(http.get(n + "/allocation").status()).isEqualTo(404);
    for (String[] action :
        new String[][] {
          {"GET", "/management/indicators", "management indicators"},
          {"PUT", "/states/raid", "raid"},
          {"GET", "/states/console", "console"},
          {"PUT", "/states/boot_mode", "boot mode"},
          {"PUT", "/states/secure_boot", "secure boot"}
        }) {
      Resp r = http.send(action[0], n + action[1], action[0].equals("PUT") ? "{}" : null);
      assertThat(r.status()).as(action[1]).isEqualTo(400);
      assertThat(r.fault())
          .isEqualTo(
              "Driver fake does not support " + action[2] + " (disabled or not implemented).");
    }
    assertThat(http.version("1.36").get(n + "/traits").status()).isEqualTo(404);
    assertThat(http.version("1.75").put(n + "/states/boot_mode", "{}").status()).isEqualTo(404);
    assertThat(http.get(n + "/portgroups").status()).isEqualTo(404);
    assertThat(http.get("/v1/nodes/ghost/traits").status()).isEqualTo(404);
  }
}
