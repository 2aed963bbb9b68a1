package org.amtpxe.conductor.internal.enroll;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Executors;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.conductor.internal.auth.Role;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bulk enrollment over real HTTP, as the baremetal CLI's driver passthru call sends it. */
class EnrollApiTest {
  private static final String ENROLL = "/v1/drivers/inspecting/vendor_passthru?method=enroll";

  @TempDir Path dir;
  private TestConductor c;
  private final InspectingDriver driver = new InspectingDriver();
  private ApiServer server;
  private Http admin;
  private Http member;

  @BeforeEach
  void start() throws Exception {
    Path users = dir.resolve("users");
    CredentialsFile.addUser(users, "ada", "admin-pw".toCharArray(), Set.of(Role.ADMIN));
    CredentialsFile.addUser(users, "max", "member-pw".toCharArray(), Set.of(Role.MEMBER));
    c = new TestConductor(Executors.newCachedThreadPool());
    c.load(driver);
    server =
        new ApiServer(
            "127.0.0.1", 0, 16, new ApiHandler(c.service, TestRealm.authenticator(users)));
    Http anon = new Http("http://127.0.0.1:" + server.port());
    admin = anon.basic("ada", "admin-pw");
    member = anon.basic("max", "member-pw");
    for (int i = 1; i <= 3; i++) {
      driver.machine("127.0.0." + (10 + i), "pw-secret", "desk-" + i, "52:54:00:00:00:0" + i);
    }
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    c.close();
  }

  @Test
  void theCliArgumentsEnrollARangeAndTheReportNamesEachAddress() {
    // baremetal driver passthru call inspecting enroll --arg addresses=127.0.0.11-14
    //     --arg fake_password=pw-secret
    Resp r =
        admin.post(ENROLL, "{\"addresses\": \"127.0.0.11-14\", \"fake_password\": \"pw-secret\"}");

    assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
    JsonNode report = r.json();
    assertThat(report.get("total").asInt()).isEqualTo(4);
    assertThat(report.at("/counts/enrolled").asInt()).isEqualTo(3);
    assertThat(report.at("/counts/unreachable").asInt()).isEqualTo(1);
    assertThat(report.at("/enrolled/0/address").asText()).isEqualTo("127.0.0.11");
    assertThat(report.at("/enrolled/0/name").asText()).isEqualTo("desk-1");
    assertThat(report.at("/unreachable/0/address").asText()).isEqualTo("127.0.0.14");
    assertThat(report.at("/unreachable/0/reason").asText()).contains("Could not connect");
    assertThat(r.raw().body()).doesNotContain("pw-secret");
    assertThat(admin.get("/v1/nodes/desk-2").status()).isEqualTo(200);
  }

  @Test
  void hostsCarryTheirOwnCredentials() {
    Resp r =
        admin.post(
            ENROLL,
            "{\"hosts\": [{\"address\": \"127.0.0.11\", \"fake_password\": \"pw-secret\"},"
                + " {\"address\": \"127.0.0.12\", \"fake_password\": \"wrong\"}]}");

    assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
    assertThat(r.json().at("/counts/enrolled").asInt()).isEqualTo(1);
    assertThat(r.json().at("/wrong_credentials/0/address").asText()).isEqualTo("127.0.0.12");
    assertThat(driver.probes("127.0.0.12")).isEqualTo(1);
  }

  @Test
  void theMethodIsListedAndOnlyAnAdminMayCallIt() {
    Resp methods = member.get("/v1/drivers/inspecting/vendor_passthru/methods");
    assertThat(methods.status()).isEqualTo(200);
    assertThat(methods.json().at("/enroll/http_methods/0").asText()).isEqualTo("POST");
    c.driver.setInspectable(false);
    assertThat(member.get("/v1/drivers/fake/vendor_passthru/methods").json().size())
        .as("a driver that cannot inspect offers no enroll")
        .isZero();

    Resp refused = member.post(ENROLL, "{\"addresses\": \"127.0.0.11\"}");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.fault()).contains("baremetal:driver:vendor_passthru is disallowed");
    assertThat(driver.probes("127.0.0.11")).isZero();
  }

  @Test
  void badArgumentsAreRefusedBeforeAnyAddressIsProbed() {
    assertThat(admin.post(ENROLL, "{\"addresses\": \"10.0.0.0/8\"}").fault())
        .contains("one enrollment probes at most 4096");
    assertThat(admin.post(ENROLL, "{\"adresses\": \"127.0.0.11\"}").fault())
        .contains("Unknown argument adresses");
    assertThat(admin.post(ENROLL, "{\"addresses\": \"127.0.0.11\", \"parallelism\": 1000}").fault())
        .contains("parallelism must be between 1 and 128");
    assertThat(admin.post(ENROLL, "{}").fault()).contains("Nothing to enroll");
    assertThat(admin.post(ENROLL, "{\"addresses\": {\"a\": 1}}").fault())
        .contains("addresses must be a string or a list of strings");
    assertThat(admin.post("/v1/drivers/inspecting/vendor_passthru?method=reboot_all", "{}").fault())
        .contains("Unsupported method (reboot_all)");
    assertThat(admin.post("/v1/drivers/nope/vendor_passthru?method=enroll", "{}").status())
        .isEqualTo(404);
    assertThat(driver.probes("127.0.0.11")).isZero();
  }
}
