package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.cluster.ConductorRegistry;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/conductors} (1.49) and the node field {@code conductor}, with two conductors sharing
 * one database, asked through the API of one of them.
 */
class ConductorsApiTest {
  private static final ConductorRegistry.Settings SETTINGS =
      new ConductorRegistry.Settings(Duration.ofSeconds(10), Duration.ofSeconds(60), "", 64);

  private TestConductor c;
  private ConductorRegistry me;
  private ConductorRegistry other;
  private ApiServer server;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    c = new TestConductor(Runnable::run);
    Store store = new Store(c.database, Clock.systemUTC());
    me =
        new ConductorRegistry(
            store, TestConductor.HOST, "http://a", () -> List.of("fake"), SETTINGS);
    other = new ConductorRegistry(store, "other", "http://b", () -> List.of("fake"), SETTINGS);
    me.register();
    other.register();
    me.refresh();
    c.tasks.ownership(me);
    server = new ApiServer("127.0.0.1", 0, 8, new ApiHandler(c.service, null));
    http = new Http("http://127.0.0.1:" + server.port()).version("1.49");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    c.close();
  }

  @Test
  void listsTheConductorsWithWhetherEachIsAlive() {
    other.close();
    me.refresh();
    JsonNode list = http.get("/v1/conductors").json().get("conductors");
    assertThat(list).hasSize(2);
    assertThat(list.get(0).get("hostname").asText()).isEqualTo("other");
    assertThat(list.get(0).get("alive").asBoolean()).isFalse();
    assertThat(list.get(1).get("hostname").asText()).isEqualTo(TestConductor.HOST);
    assertThat(list.get(1).get("alive").asBoolean()).isTrue();
    List<String> names = new ArrayList<>();
    list.get(1).fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("hostname", "conductor_group", "alive", "links");
    assertThat(list.get(1).get("links").get(0).get("href").asText())
        .endsWith("/v1/conductors/" + TestConductor.HOST);

    JsonNode detail = http.get("/v1/conductors?detail=True").json().get("conductors").get(1);
    assertThat(detail.get("drivers").get(0).asText()).isEqualTo("fake");
    assertThat(detail.has("created_at")).isTrue();
    assertThat(detail.has("updated_at")).isTrue();

    JsonNode page = http.get("/v1/conductors?limit=1&sort_dir=desc").json().get("conductors");
    assertThat(page).hasSize(1);
    assertThat(page.get(0).get("hostname").asText()).isEqualTo(TestConductor.HOST);
    assertThat(http.get("/v1/conductors?marker=other&fields=hostname").json().get("conductors"))
        .hasSize(1);
  }

  @Test
  void showsOneConductorAndRefusesWhatItDoesNotKnow() {
    JsonNode one = http.get("/v1/conductors/other").json();
    assertThat(one.get("hostname").asText()).isEqualTo("other");
    assertThat(one.get("alive").asBoolean()).isTrue();
    assertThat(one.get("drivers").get(0).asText()).isEqualTo("fake");

    Resp missing = http.get("/v1/conductors/nobody");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.fault()).contains("nobody");
    assertThat(http.get("/v1/conductors?fields=secret").status()).isEqualTo(400);
    assertThat(http.get("/v1/conductors?detail=True&fields=hostname").status()).isEqualTo(400);
    assertThat(http.get("/v1/conductors?marker=nobody").status()).isEqualTo(400);
    assertThat(http.get("/v1/conductors?sort_key=drivers").status()).isEqualTo(400);
    assertThat(http.post("/v1/conductors", "{}").status()).isEqualTo(405);
    // Before 1.49 the resource does not exist, as in Ironic.
    assertThat(http.version("1.48").get("/v1/conductors").status()).isEqualTo(404);
    assertThat(http.get("/v1/").json().has("conductors")).isTrue();
    assertThat(http.version("1.48").get("/v1/").json().has("conductors")).isFalse();
  }

  @Test
  void eachNodeNamesItsOwnerAndTheListFiltersByIt() throws Exception {
    Set<String> mine = new HashSet<>();
    Set<String> theirs = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      Node n = c.enroll("n" + i);
      (me.mine(n) ? mine : theirs).add(n.uuid());
      String owner = http.get("/v1/nodes/" + n.uuid()).json().get("conductor").asText();
      assertThat(owner).isEqualTo(me.mine(n) ? TestConductor.HOST : "other");
    }
    assertThat(mine).isNotEmpty();
    assertThat(theirs).isNotEmpty();

    assertThat(uuids("/v1/nodes?conductor=other")).isEqualTo(theirs);
    assertThat(uuids("/v1/nodes?conductor=" + TestConductor.HOST)).isEqualTo(mine);
    assertThat(uuids("/v1/nodes?conductor=nobody")).isEmpty();
    // Paged by 4: every page full until the last, and together every node of the owner.
    Set<String> paged = new HashSet<>();
    String url = "/v1/nodes?conductor=other&limit=4";
    while (url != null) {
      JsonNode body = http.get(url).json();
      body.get("nodes").forEach(n -> paged.add(n.get("uuid").asText()));
      url = body.has("next") ? body.get("next").asText().replaceFirst("^https?://[^/]+", "") : null;
    }
    assertThat(paged).isEqualTo(theirs);

    JsonNode driver = http.get("/v1/drivers/fake").json();
    assertThat(driver.get("hosts"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(TestConductor.HOST, "other");
  }

  private Set<String> uuids(String url) {
    Set<String> uuids = new HashSet<>();
    http.get(url).json().get("nodes").forEach(n -> uuids.add(n.get("uuid").asText()));
    return uuids;
  }
}
