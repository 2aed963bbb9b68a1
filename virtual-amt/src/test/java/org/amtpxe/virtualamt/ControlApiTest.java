package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.amtpxe.virtualamt.testing.Emulator;
import org.amtpxe.virtualamt.testing.Wsman;
import org.amtpxe.virtualamt.testing.Wsman.Style;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlApiTest {
  private static final String GET_POWER = Wsman.request(Style.INTEL, Wsman.GET, Wsman.APMS).build();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private Emulator emulator;
  private URI api;

  @BeforeEach
  void start() throws Exception {
    emulator = Emulator.start(b -> b, v -> v.controlApi("127.0.0.1", 0));
    api = emulator.amt().controlUri().orElseThrow();
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private record Answer(int status, JsonNode body, String text) {}

  private Answer call(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(api + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), json.readTree(response.body()), response.body());
  }

  @Test
  void listsNodesWithPowerState() throws Exception {
    Answer a = call("GET", "/nodes", null);

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body().get(0).path("name").asText()).isEqualTo("node-1");
    assertThat(a.body().get(0).path("powerState").asText()).isEqualTo("off");
    assertThat(a.body().get(0).path("powerStateValue").asInt()).isEqualTo(8);
    assertThat(a.body().get(0).path("wsmanUri").asText())
        .isEqualTo(emulator.node().wsmanUri().toString());
  }

  @Test
  void nodeDetailShowsStateButNeverThePassword() throws Exception {
    emulator.client().send(GET_POWER);

    Answer a = call("GET", "/nodes/node-1", null);

    assertThat(a.body().path("realm").asText()).isEqualTo(emulator.node().spec().realm());
    assertThat(a.body().path("managementEngine").asText()).isEqualTo("awake");
    assertThat(a.body().path("bootOverride").path("armed").asBoolean()).isFalse();
    assertThat(a.body().path("counters").path("unauthorized").asInt()).isEqualTo(1);
    assertThat(a.body().path("switches").path("concurrency").asText()).isEqualTo("queue");
    assertThat(a.text()).doesNotContain(Emulator.PASSWORD);
  }

  @Test
  void bootsAndRequestsAreListed() throws Exception {
    DigestClient client = emulator.client();
    client.send(
        Wsman.request(Style.INTEL, Wsman.PMS + "/RequestPowerStateChange", Wsman.PMS)
            .body(Wsman.requestPowerStateChange(Style.INTEL, 2))
            .build());

    Answer boots = call("GET", "/nodes/node-1/boots", null);
    Answer requests = call("GET", "/nodes/node-1/requests", null);

    assertThat(boots.body().get(0).path("device").asText()).isEqualTo("disk");
    assertThat(boots.body().get(0).path("cause").asText()).isEqualTo("amt-power-on");
    assertThat(requests.body().get(1).path("action").asText()).isEqualTo("RequestPowerStateChange");
    assertThat(requests.body().get(1).path("outcome").asText()).isEqualTo("ReturnValue=0");
  }

  @Test
  void countersCanBeReset() throws Exception {
    emulator.client().send(GET_POWER);

    assertThat(call("POST", "/nodes/node-1/counters/reset", null).status()).isEqualTo(200);

    assertThat(call("GET", "/nodes/node-1/counters", null).body().path("httpRequests").asInt())
        .isZero();
    assertThat(emulator.node().requestLog()).isEmpty();
  }

  @Test
  void countersOfAllNodesAreSummed() throws Exception {
    emulator.close();
    emulator =
        Emulator.start(
            b -> b,
            v ->
                v.controlApi("127.0.0.1", 0)
                    .node(NodeSpec.builder("node-2").port(0).password(Emulator.PASSWORD).build()));
    api = emulator.amt().controlUri().orElseThrow();
    emulator.client().send(GET_POWER);
    new DigestClient(emulator.amt().node("node-2").wsmanUri(), Emulator.USER, Emulator.PASSWORD)
        .send(GET_POWER);

    JsonNode total = call("GET", "/counters", null).body();

    assertThat(total.path("nodes").asInt()).isEqualTo(2);
    assertThat(total.path("httpRequests").asInt()).isEqualTo(4);
    assertThat(total.path("unauthorized").asInt()).isEqualTo(2);
    assertThat(total.path("wsmanRequests").asInt()).isEqualTo(2);
    assertThat(call("POST", "/counters/reset", null).status()).isEqualTo(200);
    assertThat(call("GET", "/counters", null).body().path("httpRequests").asInt()).isZero();
  }

  @Test
  void patchChangesOnlyTheNamedSwitches() throws Exception {
    Answer a =
        call(
            "PATCH",
            "/nodes/node-1/switches",
            "{\"latencyMs\": 120, \"concurrency\": \"quota-fault\"}");

    assertThat(a.status()).isEqualTo(200);
    assertThat(emulator.node().switches().latency()).hasMillis(120);
    assertThat(emulator.node().switches().concurrency())
        .isEqualTo(Switches.Concurrency.QUOTA_FAULT);
    assertThat(emulator.node().switches().osAgent()).isFalse();
  }

  @Test
  void patchingEveryNodeAtOnceWorks() throws Exception {
    assertThat(call("PATCH", "/switches", "{\"redirectionActive\": true}").status()).isEqualTo(200);

    assertThat(emulator.node().switches().redirectionActive()).isTrue();
  }

  @Test
  void badSwitchIsRefusedWithAMessageNamingIt() throws Exception {
    Answer unknown = call("PATCH", "/nodes/node-1/switches", "{\"latency\": 5}");
    Answer bad = call("PATCH", "/nodes/node-1/switches", "{\"dropRate\": 3}");
    Answer notJson = call("PATCH", "/nodes/node-1/switches", "{latency");

    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("error").asText())
        .contains("Unknown switch 'latency'")
        .contains("latencyMs");
    assertThat(bad.body().path("error").asText())
        .contains("dropRate must be a share between 0 and 1");
    assertThat(notJson.body().path("error").asText()).contains("not valid JSON");
    assertThat(emulator.node().switches()).isEqualTo(Switches.defaults());
  }

  @Test
  void injectedFaultHitsTheNextRequest() throws Exception {
    DigestClient client = emulator.client();
    client.send(GET_POWER);

    Answer a = call("POST", "/nodes/node-1/faults", "{\"fault\": \"http-500\", \"count\": 1}");

    assertThat(a.body().path("pending").asInt()).isEqualTo(1);
    assertThat(client.send(GET_POWER).status()).isEqualTo(500);
    assertThat(client.send(GET_POWER).status()).isEqualTo(200);
  }

  @Test
  void pendingFaultsCanBeDropped() throws Exception {
    call("POST", "/nodes/node-1/faults", "{\"fault\": \"drop\", \"count\": 5}");

    call("DELETE", "/nodes/node-1/faults", null);

    assertThat(emulator.client().send(GET_POWER).status()).isEqualTo(200);
  }

  @Test
  void hostActionsDriveTheMachine() throws Exception {
    assertThat(
            call("POST", "/nodes/node-1/host", "{\"action\": \"power-button\"}")
                .body()
                .path("powerState")
                .asText())
        .isEqualTo("on");
    call("POST", "/nodes/node-1/host", "{\"action\": \"reboot\"}");

    assertThat(emulator.node().bootHistory())
        .extracting(BootRecord::cause)
        .containsExactly(BootCause.HOST_POWER_ON, BootCause.HOST_REBOOT);
    assertThat(call("POST", "/nodes/node-1/host", "{\"action\": \"explode\"}").status())
        .isEqualTo(400);
  }

  @Test
  void unknownNodeAndPathAreNotFound() throws Exception {
    Answer node = call("GET", "/nodes/node-9", null);

    assertThat(node.status()).isEqualTo(404);
    assertThat(node.body().path("error").asText()).contains("node-9");
    assertThat(call("GET", "/nodes/node-1/fans", null).status()).isEqualTo(404);
    assertThat(call("DELETE", "/nodes", null).status()).isEqualTo(405);
  }

  @Test
  void indexListsTheEndpointsAndTlsIsReportedOff() throws Exception {
    assertThat(call("GET", "", null).body().path("endpoints").toString())
        .contains("/api/nodes/{name}/switches");
    assertThat(call("GET", "/tls", null).body().path("enabled").asBoolean()).isFalse();
  }

  @Test
  void hardwareIsShownAndChangedThroughTheApiAndServedAtOnce() throws Exception {
    Answer shown = call("GET", "/nodes/node-1/hardware", null);
    assertThat(shown.status()).isEqualTo(200);
    assertThat(shown.body().path("hostName").asText()).isEqualTo("node-1");

    Answer changed =
        call(
            "PATCH",
            "/nodes/node-1/hardware",
            "{\"hostName\": \"desk-7\", \"chassis\": {\"serialNumber\": \"SN-7\"}}");

    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.body().path("chassis").path("serialNumber").asText()).isEqualTo("SN-7");
    assertThat(emulator.node().hardware().hostName()).isEqualTo("desk-7");
    String reply =
        emulator
            .client()
            .send(Wsman.request(Style.INTEL, Wsman.GET, Wsman.AMT + "AMT_GeneralSettings").build())
            .body();
    assertThat(reply).contains(">desk-7<");
    assertThat(call("PATCH", "/nodes/node-1/hardware", "{\"cpus\": []}").status()).isEqualTo(400);
  }
}
