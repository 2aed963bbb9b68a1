package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.amtpxe.api.driver.BootEvent;
import org.amtpxe.api.driver.BootEvent.Kind;
import org.amtpxe.api.driver.BootHistory;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/nodes/{node}/management/boot_history}: the driver's boot history as JSON, newest
 * first, bounded by {@code limit}, with clear errors when the driver has none or the hardware
 * cannot be reached.
 */
class BootHistoryApiTest {
  private static final Instant T = Instant.parse("2026-12-04T13:00:00Z");

  private TestConductor c;
  private ApiServer server;
  private Http http;
  private String uuid;

  @BeforeEach
  void start() throws Exception {
    c = new TestConductor(Runnable::run);
    server = new ApiServer("127.0.0.1", 0, 8, new ApiHandler(c.service, null));
    http = new Http("http://127.0.0.1:" + server.port());
    Resp r =
        http.post(
            "/v1/nodes",
            "{\"driver\": \"fake\", \"name\": \"hist\", \"driver_info\":"
                + " {\"fake_address\": \"10.0.0.9\", \"fake_password\": \"pw-secret\"}}");
    assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
    uuid = r.json().get("uuid").asText();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    c.close();
  }

  private static BootEvent event(int seconds, Kind kind, BootDevice device, String what) {
    return new BootEvent(
        T.plusSeconds(seconds), kind, device, what, "information", "BIOS", "00".repeat(21));
  }

  /** A deploy's boots as the AMT logs them, newest first. */
  private static List<BootEvent> deploy() {
    return List.of(
        event(40, Kind.BOOT_DEVICE, BootDevice.DISK, "Booting from the hard disk (C:)"),
        event(40, Kind.RESTART, null, "Boot started: warm reset"),
        event(1, Kind.BOOT_DEVICE, BootDevice.PXE, "Booting from the network (PXE)"),
        event(1, Kind.FIRMWARE_PROGRESS, null, "BIOS: starting the OS boot"),
        event(0, Kind.RESTART, null, "Boot started: power-up"),
        new BootEvent(
            null,
            Kind.POWER_ON,
            null,
            "Power: on (S0, working)",
            "information",
            "management engine",
            "ff".repeat(21)));
  }

  @Test
  void theEventsComeNewestFirstWithTheirFields() {
    c.driver.setBootHistory(new BootHistory(deploy(), T.plusSeconds(60), 2, false));

    Resp r = http.get("/v1/nodes/hist/management/boot_history");

    assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.get("node_uuid").asText()).isEqualTo(uuid);
    assertThat(body.get("requests").asInt()).isEqualTo(2);
    assertThat(body.get("total").asInt()).isEqualTo(6);
    assertThat(body.get("truncated").asBoolean()).isFalse();
    assertThat(body.get("read_at").asText()).isEqualTo("2026-12-04T13:01:00Z");
    List<String> devices = new ArrayList<>();
    body.get("events").forEach(e -> devices.add(e.get("device").asText("-")));
    assertThat(devices).containsExactly("disk", "-", "pxe", "-", "-", "-");
    JsonNode first = body.get("events").get(0);
    assertThat(first.get("time").asText()).isEqualTo("2026-12-04T13:00:40Z");
    assertThat(first.get("kind").asText()).isEqualTo("boot_device");
    assertThat(first.get("description").asText()).isEqualTo("Booting from the hard disk (C:)");
    assertThat(first.get("reporter").asText()).isEqualTo("BIOS");
    assertThat(first.get("raw").asText()).hasSize(42);
    assertThat(body.get("events").get(5).get("time").isNull()).isTrue();
    assertThat(r.raw().body()).doesNotContain("pw-secret");
    assertThat(c.driver.calls()).contains("history.validate:" + uuid, "history.read:" + uuid);
  }

  @Test
  void limitBoundsTheAnswerAndSaysItWasCut() {
    c.driver.setBootHistory(new BootHistory(deploy(), T, 2, false));

    JsonNode body = http.get("/v1/nodes/" + uuid + "/management/boot_history?limit=2").json();

    assertThat(body.get("events")).hasSize(2);
    assertThat(body.get("total").asInt()).isEqualTo(6);
    assertThat(body.get("truncated").asBoolean()).isTrue();
  }

  @Test
  void aTruncatedReadIsSaid() {
    c.driver.setBootHistory(new BootHistory(deploy(), T, 12, true));

    assertThat(
            http.get("/v1/nodes/" + uuid + "/management/boot_history")
                .json()
                .get("truncated")
                .asBoolean())
        .isTrue();
  }

  @Test
  void aBadLimitOrParameterIsRefused() {
    for (String q : List.of("limit=0", "limit=4097", "limit=abc", "since=1")) {
      Resp r = http.get("/v1/nodes/" + uuid + "/management/boot_history?" + q);
      assertThat(r.status()).as(q).isEqualTo(400);
    }
    assertThat(http.get("/v1/nodes/" + uuid + "/management/boot_history?limit=x").fault())
        .contains("limit must be a number from 1 to 4096");
    assertThat(c.driver.calls()).noneMatch(s -> s.startsWith("history.read"));
  }

  @Test
  void aDriverWithoutBootHistorySaysSo() {
    c.driver.setBootHistorySupported(false);

    Resp r = http.get("/v1/nodes/" + uuid + "/management/boot_history");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.fault()).contains("driver fake reads no boot history from the hardware");
  }

  @Test
  void anUnreachableAmtIsAFailureNamingTheNode() {
    c.driver.failOn(
        "history.read",
        new ConnectionFailedException("Failed to connect to AMT service at 10.0.0.9:16992"));

    Resp r = http.get("/v1/nodes/" + uuid + "/management/boot_history");

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.fault()).contains(uuid).contains("Failed to connect to AMT service");
    assertThat(r.raw().body()).doesNotContain("pw-secret");
  }

  @Test
  void onlyGetIsAllowedAndAnUnknownNodeIs404() {
    assertThat(http.put("/v1/nodes/" + uuid + "/management/boot_history", "{}").status())
        .isEqualTo(405);
    assertThat(http.get("/v1/nodes/nope/management/boot_history").status()).isEqualTo(404);
  }
}
