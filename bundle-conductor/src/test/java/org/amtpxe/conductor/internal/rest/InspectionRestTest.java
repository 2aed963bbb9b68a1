package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.model.Inspection;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inspect verb over real HTTP, its work run inline. */
class InspectionRestTest {
  private TestConductor c;
  private ApiServer server;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    c = new TestConductor(Runnable::run);
    server = new ApiServer("127.0.0.1", 0, 8, new ApiHandler(c.service, null));
    http = new Http("http://127.0.0.1:" + server.port());
    c.driver.setInspection(
        new Inspection(
            Map.of(
                "cpu", Map.of("count", 2, "architecture", "x86_64"),
                "memory", Map.of("physical_mb", 4096),
                "disks", List.of(Map.of("size", 128L << 30)),
                "interfaces", List.of(Map.of("name", "eth0", "mac_address", "52:54:00:00:20:01")),
                "boot", Map.of("current_boot_mode", "bios")),
            List.of("chassis: not supported")));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    c.close();
  }

  private String manageable(String name) throws Exception {
    String uuid = c.enroll(name).uuid();
    assertThat(provision(http, uuid, "manage").status()).isEqualTo(202);
    return uuid;
  }

  private static Resp provision(Http http, String uuid, String target) {
    return http.put("/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"" + target + "\"}");
  }

  @Test
  void inspectAnswers202AndTheNodeShowsItsPropertiesPortsAndTimes() throws Exception {
    String uuid = manageable("r1");

    Resp r = provision(http, uuid, "inspect");

    assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
    assertThat(r.header("Location")).endsWith("/v1/nodes/" + uuid + "/states");
    JsonNode node = http.get("/v1/nodes/" + uuid).json();
    assertThat(node.get("provision_state").asText()).isEqualTo("manageable");
    assertThat(node.at("/properties/cpus").asInt()).isEqualTo(2);
    assertThat(node.at("/properties/local_gb").asInt()).isEqualTo(127);
    assertThat(node.at("/properties/capabilities").asText()).isEqualTo("boot_mode:bios");
    assertThat(node.get("inspection_started_at").asText()).matches("\\d{4}-.*\\+00:00");
    assertThat(node.get("inspection_finished_at").asText()).matches("\\d{4}-.*\\+00:00");
    assertThat(node.at("/driver_internal_info/inspection/inventory/cpu/count").asInt())
        .isEqualTo(2);
    assertThat(node.at("/driver_internal_info/inspection/missing/0").asText())
        .isEqualTo("chassis: not supported");
    JsonNode ports = http.get("/v1/ports?node=" + uuid).json().get("ports");
    assertThat(ports).hasSize(1);
    assertThat(ports.get(0).get("address").asText()).isEqualTo("52:54:00:00:20:01");
    assertThat(http.version("1.5").get("/v1/nodes/" + uuid).json().has("inspection_started_at"))
        .as("a 1.6 field")
        .isFalse();
  }

  @Test
  void inspectNeedsVersion1_6() throws Exception {
    String uuid = manageable("r2");

    Resp r = provision(http.version("1.5"), uuid, "inspect");

    assertThat(r.status()).isEqualTo(406);
    assertThat(http.get("/v1/nodes/" + uuid).json().get("provision_state").asText())
        .isEqualTo("manageable");
    assertThat(provision(http.version("1.6"), uuid, "inspect").status()).isEqualTo(202);
  }

  @Test
  void inspectInTheWrongStateOrWithoutInspectInterfaceIs400() throws Exception {
    String enrolled = c.enroll("r3").uuid();

    Resp wrong = provision(http, enrolled, "inspect");
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.fault())
        .isEqualTo(
            "The requested action \"inspect\" can not be performed on node \""
                + enrolled
                + "\" while it is in state \"enroll\".");

    String uuid = manageable("r4");
    c.driver.setInspectable(false);
    Resp unsupported = provision(http, uuid, "inspect");
    assertThat(unsupported.status()).isEqualTo(400);
    assertThat(unsupported.fault())
        .isEqualTo("Driver fake does not support inspection (disabled or not implemented).");
  }

  @Test
  void aFailedInspectionShowsInspectFailedAndManageOrInspectLeaveIt() throws Exception {
    String uuid = manageable("r5");
    c.driver.failOn("inspect.inspect", new ConnectionFailedException("no route to AMT"));

    assertThat(provision(http, uuid, "inspect").status()).isEqualTo(202);
    JsonNode failed = http.get("/v1/nodes/" + uuid).json();
    assertThat(failed.get("provision_state").asText()).isEqualTo("inspect failed");
    assertThat(failed.get("last_error").asText()).contains("no route to AMT");
    assertThat(failed.get("inspection_finished_at").isNull()).isTrue();
    assertThat(http.get("/v1/nodes?provision_state=inspect%20failed").json().get("nodes"))
        .hasSize(1);
    assertThat(provision(http, uuid, "provide").status()).isEqualTo(400);

    c.driver.clearFailures();
    assertThat(provision(http, uuid, "inspect").status()).isEqualTo(202);
    assertThat(http.get("/v1/nodes/" + uuid).json().get("provision_state").asText())
        .isEqualTo("manageable");

    c.driver.failOn("inspect.inspect", new ConnectionFailedException("again"));
    provision(http, uuid, "inspect");
    assertThat(provision(http, uuid, "manage").status()).isEqualTo(202);
    assertThat(http.get("/v1/nodes/" + uuid).json().get("provision_state").asText())
        .isEqualTo("manageable");
  }
}
