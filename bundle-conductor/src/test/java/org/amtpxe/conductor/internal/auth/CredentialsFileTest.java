package org.amtpxe.conductor.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsFileTest {
  @TempDir Path dir;

  @Test
  void storesSaltedHashesAndChecksPasswords() throws Exception {
    Path file = dir.resolve("users");
    CredentialsFile.addUser(file, "alice", "pw-one".toCharArray());
    CredentialsFile.addUser(file, "bob", "pw-one".toCharArray());

    String text = Files.readString(file);
    assertThat(text).doesNotContain("pw-one").contains("alice:pbkdf2-sha256:");
    String[] lines = text.lines().filter(l -> !l.startsWith("#")).toArray(String[]::new);
    assertThat(lines[0].split(":")[4]).as("salted").isNotEqualTo(lines[1].split(":")[4]);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    CredentialsFile creds = new CredentialsFile(file);
    creds.load();
    assertThat(creds.authenticate("alice", "pw-one".toCharArray())).isTrue();
    assertThat(creds.authenticate("alice", "pw-two".toCharArray())).isFalse();
    assertThat(creds.authenticate("carol", "pw-one".toCharArray())).isFalse();
  }

  @Test
  void picksUpNewUsersAndPasswordChangesWhileRunning() throws Exception {
    Path file = dir.resolve("users");
    CredentialsFile.addUser(file, "alice", "old".toCharArray());
    CredentialsFile creds = new CredentialsFile(file);
    creds.load();

    CredentialsFile.addUser(file, "alice", "new-password".toCharArray());
    CredentialsFile.addUser(file, "dave", "d".toCharArray());

    assertThat(creds.authenticate("alice", "new-password".toCharArray())).isTrue();
    assertThat(creds.authenticate("alice", "old".toCharArray())).isFalse();
    assertThat(creds.users()).containsExactly("alice", "dave");
  }

  @Test
  void rejectsBadUserNamesEmptyPasswordsAndMalformedFiles() throws Exception {
    assertThatThrownBy(() -> CredentialsFile.addUser(dir.resolve("u"), "a b", "x".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CredentialsFile.addUser(dir.resolve("u"), "ok", new char[0]))
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
    CredentialsFile.addUser(file, "op", "letmein".toCharArray());
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
      assertThat(anon.version("1.78").get("/v1/nodes").status())
          .as("credentials are checked before the version")
          .isEqualTo(401);
      assertThat(anon.basic("op", "letmein").version("1.78").get("/v1/nodes").status())
          .isEqualTo(406);
      assertThat(anon.basic("op", "letmein").get("/v1/nodes").status()).isEqualTo(200);
      assertThat(anon.get("/").status()).isEqualTo(200);
      assertThat(anon.get("/v1").status()).isEqualTo(200);

      // The callback is not refused for lack of credentials; the driver judges its key.
      Http.Resp callback =
          anon.post(
              "/v1/nodes/" + uuid + "/vendor_passthru/" + FakeDriver.CALLBACK, "{\"key\": \"x\"}");
      assertThat(callback.status()).isEqualTo(400);
      assertThat(callback.fault()).contains("only accepted in \"wait call-back\"");
      assertThat(anon.post("/v1/nodes/" + uuid + "/vendor_passthru/other", "{}").status())
          .isEqualTo(401);
    }
  }
}
