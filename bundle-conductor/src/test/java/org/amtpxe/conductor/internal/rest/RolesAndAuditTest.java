package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.conductor.internal.auth.Role;
import org.amtpxe.conductor.internal.testing.BoundHttp;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Roles, the login throttle and the audit trail, over real HTTP with the conductor's realm. */
class RolesAndAuditTest {
  @TempDir Path dir;
  private TestConductor c;
  private ApiServer server;
  private Http anon;
  private String node;

  @BeforeEach
  void start() throws Exception {
    Path users = dir.resolve("users");
    CredentialsFile.addUser(users, "ada", "admin-pw".toCharArray(), Set.of(Role.ADMIN));
    CredentialsFile.addUser(users, "max", "member-pw".toCharArray(), Set.of(Role.MEMBER));
    CredentialsFile.addUser(users, "rita", "reader-pw".toCharArray(), Set.of(Role.READER));
    c = new TestConductor(Runnable::run);
    server =
        new ApiServer(
            "127.0.0.1", 0, 16, new ApiHandler(c.service, TestRealm.authenticator(users)));
    anon = new Http("http://127.0.0.1:" + server.port());
    node = c.enroll("n1").uuid();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    c.close();
  }

  @Test
  void aReaderReadsButCannotPowerOnAndNothingChanges() {
    Http rita = anon.basic("rita", "reader-pw");
    assertThat(rita.get("/v1/nodes/" + node).status()).isEqualTo(200);

    Resp refused = rita.put("/v1/nodes/" + node + "/states/power", "{\"target\": \"power on\"}");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.fault())
        .isEqualTo(
            "baremetal:node:set_power_state is disallowed by policy: user rita has the role(s)"
                + " [reader]; it needs member or above.");
    assertThat(c.reload(c.store.findNode(node).orElseThrow()).targetPowerState()).isNull();
    assertThat(c.driver.calls("power.set")).isEmpty();
  }

  @Test
  void aMemberOperatesNodesButChangesOnlyTheirInstanceInfo() {
    Http max = anon.basic("max", "member-pw");
    assertThat(
            max.put("/v1/nodes/" + node + "/states/power", "{\"target\": \"power on\"}").status())
        .isEqualTo(202);
    assertThat(c.driver.machinePower(node)).isEqualTo(PowerState.POWER_ON);
    assertThat(
            max.patch(
                    "/v1/nodes/" + node,
                    "[{\"op\": \"add\", \"path\": \"/instance_info/image_source\", \"value\": \"x\"}]")
                .status())
        .isEqualTo(200);
    Resp driverInfo =
        max.patch(
            "/v1/nodes/" + node,
            "[{\"op\": \"add\", \"path\": \"/instance_info/a\", \"value\": \"x\"},"
                + " {\"op\": \"add\", \"path\": \"/driver_info/deploy_kernel\", \"value\": \"/etc/passwd\"}]");
    assertThat(driverInfo.status()).isEqualTo(403);
    assertThat(driverInfo.fault()).startsWith("baremetal:node:update is disallowed by policy");
    assertThat(c.store.findNode(node).orElseThrow().driverInfo())
        .doesNotContainKey("deploy_kernel");
    assertThat(max.post("/v1/nodes", "{\"driver\": \"fake\"}").status()).isEqualTo(403);
    assertThat(max.delete("/v1/nodes/" + node).status()).isEqualTo(403);
    assertThat(anon.basic("ada", "admin-pw").delete("/v1/nodes/" + node).status()).isEqualTo(204);
  }

  @Test
  void repeatedWrongPasswordsStopTheAddressButNotOthers() throws Exception {
    Http guess = anon.basic("ada", "guess");
    for (int i = 0; i < ApiHandler.MAX_LOGIN_FAILURES; i++) {
      assertThat(guess.get("/v1/nodes").status()).isEqualTo(401);
    }
    Resp stopped = anon.basic("ada", "admin-pw").get("/v1/nodes");
    assertThat(stopped.status()).as("even the right password waits").isEqualTo(429);
    assertThat(stopped.header("Retry-After")).isNotNull();
    assertThat(stopped.fault()).startsWith("Too many failed logins from 127.0.0.1");

    String basic =
        Base64.getEncoder().encodeToString("ada:admin-pw".getBytes(StandardCharsets.UTF_8));
    BoundHttp.Reply other =
        new BoundHttp("127.0.0.1", server.port())
            .send(
                "127.0.0.2",
                "GET /v1/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
                    + basic
                    + "\r\n\r\n");
    assertThat(other.status()).as("another address").isEqualTo(200);
  }

  @Test
  void everyWriteLeavesAnAuditLineWithoutSecrets() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      anon.basic("max", "member-pw")
          .put("/v1/nodes/" + node + "/states/power", "{\"target\": \"power on\"}");
      anon.basic("rita", "reader-pw")
          .put("/v1/nodes/" + node + "/states/power", "{\"target\": \"power off\"}");
      anon.basic("rita", "reader-pw").get("/v1/nodes/" + node);
      anon.basic("mallory", "s3cret-guess").post("/v1/nodes", "{\"driver\": \"fake\"}");
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log.lines().filter(l -> l.contains("org.amtpxe.audit")))
        .as(log)
        .anyMatch(
            l ->
                l.contains("user=max address=127.0.0.1 method=PUT path=/v1/nodes/" + node)
                    && l.contains("node=" + node + " status=202 outcome=ok"))
        .anyMatch(l -> l.contains("user=rita") && l.contains("status=403 outcome=denied"))
        .anyMatch(
            l -> l.contains("user=- ") && l.contains("method=POST") && l.contains("status=401"))
        .noneMatch(l -> l.contains("method=GET"))
        .hasSize(3);
    assertThat(log).doesNotContain("member-pw").doesNotContain("s3cret-guess");
  }
}
