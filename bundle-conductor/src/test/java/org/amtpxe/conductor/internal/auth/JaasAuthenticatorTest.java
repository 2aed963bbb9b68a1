package org.amtpxe.conductor.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import javax.security.auth.login.Configuration;
import org.amtpxe.conductor.internal.testing.TestRealm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conductor's realm: a real JAAS LoginContext over the credentials file's login module. */
class JaasAuthenticatorTest {
  @TempDir Path dir;

  static Configuration realm(String name, Path file) {
    return TestRealm.configuration(name, file);
  }

  @Test
  void aUserLogsInWithItsRolesAndAWrongPasswordDoesNot() throws Exception {
    Path file = dir.resolve("users");
    CredentialsFile.addUser(file, "ops", "op-pw".toCharArray(), Set.of(Role.MEMBER));
    CredentialsFile.addUser(file, "ro", "ro-pw".toCharArray(), Set.of(Role.READER));
    JaasAuthenticator jaas = new JaasAuthenticator("amtpxe", realm("amtpxe", file));

    assertThat(jaas.authenticate("ops", "op-pw".toCharArray()))
        .contains(new Caller("ops", Set.of(Role.MEMBER)));
    assertThat(jaas.authenticate("ro", "ro-pw".toCharArray()))
        .contains(new Caller("ro", Set.of(Role.READER)));
    assertThat(jaas.authenticate("ops", "ro-pw".toCharArray())).isEmpty();
    assertThat(jaas.authenticate("nobody", "x".toCharArray())).isEmpty();
  }

  @Test
  void anUnknownRealmAuthenticatesNobody() {
    JaasAuthenticator jaas =
        new JaasAuthenticator("ldap-nobody-configured", realm("amtpxe", dir.resolve("none")));
    assertThat(jaas.authenticate("ops", "op-pw".toCharArray())).isEmpty();
  }

  @Test
  void aLineFromVersionOneWithoutRolesIsAnAdmin() throws Exception {
    Path file = dir.resolve("users");
    CredentialsFile.addUser(file, "old", "pw".toCharArray(), Set.of(Role.ADMIN));
    String line =
        java.nio.file.Files.readString(file)
            .lines()
            .filter(l -> l.startsWith("old:"))
            .findFirst()
            .orElseThrow();
    java.nio.file.Files.writeString(file, line.substring(0, line.lastIndexOf(':')) + "\n");

    assertThat(
            new JaasAuthenticator("amtpxe", realm("amtpxe", file))
                .authenticate("old", "pw".toCharArray()))
        .contains(new Caller("old", Set.of(Role.ADMIN)));
  }
}
