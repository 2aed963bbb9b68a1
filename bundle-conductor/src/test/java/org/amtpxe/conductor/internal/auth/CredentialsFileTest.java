package org.amtpxe.conductor.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.service.RamdiskService;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsFileTest {
  private static final java.util.Set<Role> ADMIN = java.util.Set.of(Role.ADMIN);

  @TempDir Path dir;

  @Test
  void storesSaltedHashesAndChecksPasswords() throws Exception {
    Path file = dir.resolve("users");
    CredentialsFile.addUser(file, "alice", "pw-one".toCharArray(), ADMIN);
    CredentialsFile.addUser(file, "bob", "pw-one".toCharArray(), ADMIN);

    String text = Files.readString(file);
    assertThat(text).doesNotContain("pw-one").contains("alice:pbkdf2-sha256:");
    String[] lines = text.lines().filter(l -> !l.startsWith("#")).toArray(String[]::new);
    assertThat(lines[0].split(":")[4]).as("salted").isNotEqualTo(lines[1].split(":")[4]);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    CredentialsFile creds = new CredentialsFile(file);
    creds.load();
    assertThat(creds.authenticate("alice", "pw-one".toCharArray())).isPresent();
    assertThat(creds.authenticate("alice", "pw-two".toCharArray())).isEmpty();
    assertThat(creds.authenticate("carol", "pw-one".toCharArray())).isEmpty();
  }

  @Test
  void picksUpNewUsersAndPasswordChangesWhileRunning() throws Exception {
    Path file = dir.resolve("users");
    CredentialsFile.addUser(file, "alice", "old".toCharArray(), ADMIN);
    CredentialsFile creds = new CredentialsFile(file);
    creds.load();

    CredentialsFile.addUser(file, "alice", "new-password".toCharArray(), ADMIN);
    CredentialsFile.addUser(file, "dave", "d".toCharArray(), ADMIN);

    assertThat(creds.authenticate("alice", "new-password".toCharArray())).isPresent();
    assertThat(creds.authenticate("alice", "old".toCharArray())).isEmpty();
    assertThat(creds.users()).containsExactly("alice", "dave");
  }

  @Test
  void rejectsBadUserNamesEmptyPasswordsAndMalformedFiles() throws Exception {
    assertThatThrownBy(
            () -> CredentialsFile.addUser(dir.resolve("u"), "a b", "x".toCharArray(), ADMIN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CredentialsFile.addUser(dir.resolve("u"), "ok", new char[0], ADMIN))
        .isInstanceOf(IllegalArgumentException.class);
    Path bad = dir.resolve("bad");
    Files.writeString(bad, "# users\nalice:plain:secret\n");
    assertThatThrownBy(() -> new CredentialsFile(bad).load())
        .hasMessageContaining("line 2 is malformed")
        .hasMessageNotContaining("secret");
  }

  @Test
  void theApiDemandsBasicAuthExceptForVersionsAndTheDeployCallback() throws Exception {
    Path file = dir.resolve("users");
    CredentialsFile.addUser(file, "op", "letmein".toCharArray(), ADMIN);
    CredentialsFile creds = new CredentialsFile(file);
    creds.load();
    try (TestConductor c = new TestConductor(Runnable::run);
        ApiServer server = new ApiServer("127.0.0.1", 0, 8, new ApiHandler(c.service, creds))) {
      Http anon = new Http("http://127.0.0.1:" + server.port());
      String uuid = c.enroll("auth").uuid();

      Http.Resp denied = anon.get("/v1/nodes");
      assertThat(denied.status()).isEqualTo(401);
      assertThat(denied.header("WWW-Authenticate")).startsWith("Basic");
      assertThat(anon.basic("op", "wrong").get("/v1/nodes").status()).isEqualTo(401);
      assertThat(anon.version("1.79").get("/v1/nodes").status())
          .as("credentials are checked before the version")
          .isEqualTo(401);
      assertThat(anon.basic("op", "letmein").version("1.79").get("/v1/nodes").status())
          .isEqualTo(406);
      assertThat(anon.basic("op", "letmein").get("/v1/nodes").status()).isEqualTo(200);
      assertThat(anon.get("/").status()).isEqualTo(200);
      assertThat(anon.get("/v1").status()).isEqualTo(200);

      // The ramdisk routes are not refused for lack of credentials: the agent token is checked,
      // and a node that exists answers exactly as one that does not.
      Http.Resp callback =
          anon.post(
              "/v1/nodes/" + uuid + "/vendor_passthru/" + FakeDriver.CALLBACK,
              "{\"agent_token\": \"x\"}");
      assertThat(callback.status()).isEqualTo(404);
      assertThat(callback.fault()).isEqualTo(RamdiskService.RAMDISK_REFUSED);
      Http.Resp unknown =
          anon.post(
              "/v1/nodes/" + UUID.randomUUID() + "/vendor_passthru/" + FakeDriver.CALLBACK,
              "{\"agent_token\": \"x\"}");
      assertThat(unknown.raw().body()).isEqualTo(callback.raw().body());
      assertThat(anon.version("1.22").get("/v1/lookup?addresses=52:54:00:00:00:01").status())
          .isEqualTo(404);
      assertThat(anon.post("/v1/nodes/" + uuid + "/vendor_passthru/other", "{}").status())
          .isEqualTo(401);
    }
  }
}
