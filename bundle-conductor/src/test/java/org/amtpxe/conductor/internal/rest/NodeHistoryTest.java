package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.amtpxe.api.error.DeployFailureException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.conductor.internal.auth.Role;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/nodes/<node>/history} (API 1.78): Ironic's shapes, paging, and events written in the
 * transaction of the change they record.
 */
class NodeHistoryTest {
  @TempDir Path dir;

  private TestConductor c;
  private ApiServer server;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    Path users = dir.resolve("users");
    CredentialsFile.addUser(users, "ada", "admin-pw".toCharArray(), Set.of(Role.ADMIN));
    c = new TestConductor(Runnable::run);
    server =
        new ApiServer("127.0.0.1", 0, 8, new ApiHandler(c.service, TestRealm.authenticator(users)));
    http = new Http("http://127.0.0.1:" + server.port()).basic("ada", "admin-pw");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    c.close();
  }

  /** A node of the fake driver, ready to deploy. */
  private String deployable(String name) throws Exception {
    String uuid = c.enroll(name).uuid();
    assertThat(
            http.patch(
                    "/v1/nodes/" + uuid,
                    "[{\"op\": \"add\", \"path\": \"/instance_info/image_source\","
                        + " \"value\": \"http://i\"}]")
                .status())
        .isEqualTo(200);
    for (String target : List.of("manage", "provide")) {
      provision(uuid, target, 202);
    }
    return uuid;
  }

  private void provision(String uuid, String target, int status) {
    Resp r =
        http.put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"" + target + "\"}");
    assertThat(r.status()).as(target + ": " + r.raw().body()).isEqualTo(status);
  }

  private JsonNode history(String uuid, String query) {
    Resp r = http.get("/v1/nodes/" + uuid + "/history" + query);
    assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
    return r.json();
  }

  private static List<String> events(JsonNode list) {
    List<String> texts = new ArrayList<>();
    list.get("history").forEach(e -> texts.add(e.get("event").asText()));
    return texts;
  }

  @Test
  void aStateChangeLeavesItsInfoEventWithIronicsShortFields() throws Exception {
    String uuid = deployable("short");

    JsonNode list = history(uuid, "");
    // NOTE: verify's power reading is written with its state, at the same instant: the two are
    // ordered by their UUIDs.
    assertThat(events(list))
        .containsExactlyInAnyOrder(
            "enroll -> verifying",
            "verifying -> manageable",
            "unknown -> power off",
            "manageable -> cleaning",
            "cleaning -> available");
    assertThat(events(list).get(0)).isEqualTo("enroll -> verifying");
    JsonNode first = list.at("/history/0");
    assertThat(names(first)).containsExactly("uuid", "created_at", "severity", "event", "links");
    assertThat(first.get("severity").asText()).isEqualTo("INFO");
    assertThat(first.at("/links/0/href").asText())
        .isEqualTo(
            "http://127.0.0.1:"
                + server.port()
                + "/v1/nodes/"
                + uuid
                + "/history/"
                + first.get("uuid").asText());
    assertThat(first.at("/links/0/rel").asText()).isEqualTo("self");
    assertThat(list.has("next")).isFalse();
  }

  @Test
  void detailAndOneEventShowEveryFieldWithTheUserOfTheRequest() throws Exception {
    String uuid = deployable("detail");

    JsonNode detailed = history(uuid, "?detail=true").at("/history/0");
    assertThat(names(detailed))
        .containsExactly(
            "uuid", "created_at", "severity", "event_type", "event", "conductor", "user", "links");
    assertThat(detailed.get("event_type").asText()).isEqualTo("provisioning");
    assertThat(detailed.get("conductor").asText()).isEqualTo(TestConductor.HOST);
    assertThat(detailed.get("user").asText()).isEqualTo("ada");

    String event = detailed.get("uuid").asText();
    Resp byName = http.get("/v1/nodes/detail/history/" + event);
    assertThat(byName.status()).as("by the node's name").isEqualTo(200);
    Resp byUuid = http.get("/v1/nodes/" + uuid + "/history/" + event);
    assertThat(byUuid.status()).isEqualTo(200);
    assertThat(byUuid.json()).isEqualTo(detailed);
    assertThat(history(uuid, "/detail").at("/history/0")).isEqualTo(detailed);

    Resp unknown = http.get("/v1/nodes/" + uuid + "/history/" + UUID.randomUUID());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.fault()).startsWith("Node history record").endsWith("could not be found.");
    String other = c.enroll("other").uuid();
    assertThat(http.get("/v1/nodes/" + other + "/history/" + event).status())
        .as("an event of another node")
        .isEqualTo(404);
  }

  @Test
  void pagesFollowLimitAndMarkerWithANextLink() throws Exception {
    String uuid = deployable("pages");

    JsonNode first = history(uuid, "?limit=3");
    assertThat(events(first)).hasSize(3);
    String next = first.get("next").asText();
    assertThat(next).contains("/v1/nodes/" + uuid + "/history?").contains("marker=");
    JsonNode second = http.get(next.substring(next.indexOf("/v1/"))).json();
    List<String> all = new ArrayList<>(events(first));
    all.addAll(events(second));
    assertThat(all).containsExactlyElementsOf(events(history(uuid, "")));
    assertThat(events(second)).hasSize(2).endsWith("cleaning -> available");

    JsonNode newest = history(uuid, "?sort_dir=desc&limit=1");
    assertThat(events(newest)).containsExactly("cleaning -> available");
    assertThat(http.get("/v1/nodes/" + uuid + "/history?marker=" + UUID.randomUUID()).status())
        .isEqualTo(400);
    assertThat(http.get("/v1/nodes/" + uuid + "/history?sort_key=event").status()).isEqualTo(400);
  }

  @Test
  void historyCameWith1_78() throws Exception {
    String uuid = c.enroll("old").uuid();

    assertThat(http.version("1.77").get("/v1/nodes/" + uuid + "/history").status()).isEqualTo(404);
    assertThat(http.version("1.78").get("/v1/nodes/" + uuid + "/history").status()).isEqualTo(200);
    assertThat(http.get("/v1/nodes/ghost/history").status()).isEqualTo(404);
  }

  @Test
  void aFailedDeployLeavesItsErrorEventInTheTransactionOfTheFailure() throws Exception {
    String uuid = deployable("fails");
    c.driver.failOn("deploy.deploy", new DeployFailureException("disk 0 not found"));

    provision(uuid, "active", 202);

    Node node = c.store.findNode(uuid).orElseThrow();
    assertThat(node.provisionState()).isEqualTo(ProvisionState.DEPLOY_FAILED);
    JsonNode events = history(uuid, "?detail=true").get("history");
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.get("severity").asText()).isEqualTo("ERROR");
    assertThat(last.get("event_type").asText()).isEqualTo("deploying");
    assertThat(last.get("event").asText())
        .isEqualTo("deploying -> deploy failed: " + node.lastError())
        .contains("disk 0 not found");
    assertThat(last.get("created_at").asText())
        .as("written with the state, at the same instant")
        .isEqualTo(http.get("/v1/nodes/" + uuid).json().get("provision_updated_at").asText());
    JsonNode accepted = events.get(events.size() - 2);
    assertThat(accepted.get("event").asText()).isEqualTo("available -> deploying");
    assertThat(accepted.get("severity").asText()).isEqualTo("INFO");
  }

  @Test
  void aLongEventIsCutInTheListAndWholeInTheDetail() throws Exception {
    String uuid = c.enroll("long").uuid();
    String reason = "r".repeat(300);
    assertThat(
            http.put("/v1/nodes/" + uuid + "/maintenance", "{\"reason\": \"" + reason + "\"}")
                .status())
        .isEqualTo(202);

    String shortText = history(uuid, "").at("/history/0/event").asText();
    assertThat(shortText).hasSize(254).endsWith("...");
    assertThat(history(uuid, "?detail=true").at("/history/0/event").asText())
        .isEqualTo("maintenance set: " + reason);
  }

  private static List<String> names(JsonNode o) {
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
